import { msg, str } from '@lit/localize';
import { holdBlobUrl, releaseBlobUrl } from '@omnisocial/core';
import { memberMessage } from '../../i18n/member-error.ts';
import { humanSize } from '../../i18n/format.ts';
import { html, nothing, type LitElement, type TemplateResult } from 'lit';

/** What the composer's attachments need of the room. */
export interface AttachmentActions {
  /** Rejects with a message naming the file when it cannot be sent (empty, unreadable, too large). */
  checkAttachment(file: File): Promise<void>;
  sendAttachment(file: File, caption?: string, replyTo?: string): Promise<void>;
  /** The types the site accepts, offered first by the file picker (the check judges the bytes anyway). */
  accept?(): string | undefined;
}

interface TrayFile {
  readonly id: number;
  readonly file: File;
  /** A blob URL of a picture to preview (raster images only: an SVG is never drawn). */
  readonly preview?: string;
  checked: Promise<void>;
  error?: string;
}

const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/apng', 'image/bmp']);

function sizeOf(bytes: number): string {
  return humanSize(bytes);
}

/** Whether a drag carries files (not text or a link dragged from the page). */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * The composer's files: an **Attach files** button with a file picker (several files), pasted files and
 * images, and files dropped anywhere on the element (a visible drop target; the page never navigates to
 * a dropped file). Files wait in a tray (preview, name, size, **Remove**) until **Send**, where the
 * composer's text becomes the first file's caption. Each file is checked when it is added, so a file the
 * server would refuse says why before anything is uploaded.
 */
export class ComposerAttachments {
  readonly #host: LitElement;
  readonly #actions: () => AttachmentActions | undefined;
  #files: TrayFile[] = [];
  #nextId = 0;
  #dragging = false;
  #dragDepth = 0;

  constructor(host: LitElement, actions: () => AttachmentActions | undefined) {
    this.#host = host;
    this.#actions = actions;
  }

  get count(): number {
    return this.#files.length;
  }

  /** Listens for files dragged onto the whole element (the host), not only the composer. */
  connect(): void {
    this.#host.addEventListener('dragenter', this.#onDragEnter);
    this.#host.addEventListener('dragover', this.#onDragOver);
    this.#host.addEventListener('dragleave', this.#onDragLeave);
    this.#host.addEventListener('drop', this.#onDrop);
  }

  disconnect(): void {
    this.#host.removeEventListener('dragenter', this.#onDragEnter);
    this.#host.removeEventListener('dragover', this.#onDragOver);
    this.#host.removeEventListener('dragleave', this.#onDragLeave);
    this.#host.removeEventListener('drop', this.#onDrop);
    this.clear();
  }

  /** Adds files to the tray and checks each. */
  add(files: Iterable<File>): void {
    const actions = this.#actions();
    if (!actions) return;
    for (const file of files) {
      const entry: TrayFile = {
        id: this.#nextId++,
        file,
        // The message's local echo shows the same URL, so the picture decoded for the tray is drawn again at once.
        ...(PREVIEW_TYPES.has(file.type) ? { preview: holdBlobUrl(file) } : {}),
        checked: Promise.resolve(),
      };
      entry.checked = actions.checkAttachment(file).catch((error: unknown) => {
        entry.error = memberMessage(error, msg(str`“${file.name}” cannot be sent.`));
        this.#host.requestUpdate();
      });
      this.#files.push(entry);
    }
    this.#host.requestUpdate();
  }

  /** Pasted files (and images copied from another page or app) go to the tray; pasted text stays text. */
  readonly onPaste = (event: ClipboardEvent): void => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.add(files);
  };

  /**
   * Sends the tray's files that passed their check, in order, the caption with the first; files refused
   * stay with their reason. Resolves to whether anything was sent.
   */
  async send(caption: string, replyTo: string | undefined): Promise<boolean> {
    const actions = this.#actions();
    if (!actions || this.#files.length === 0) return false;
    const files = this.#files;
    await Promise.all(files.map((f) => f.checked));
    const ready = files.filter((f) => f.error === undefined);
    if (ready.length === 0) return false;
    this.#files = files.filter((f) => f.error !== undefined);
    this.#host.requestUpdate();
    let first = true;
    for (const entry of ready) {
      try {
        await actions.sendAttachment(entry.file, first && caption.trim() ? caption : undefined, replyTo);
      } catch (error) {
        entry.error = memberMessage(error, msg(str`“${entry.file.name}” could not be sent.`));
        this.#files.push({ ...entry, checked: Promise.resolve() });
        this.#host.requestUpdate();
        continue;
      }
      // Queued: its local echo holds the picture's URL now.
      this.#release(entry);
      first = false;
    }
    return !first;
  }

  clear(): void {
    for (const entry of this.#files) this.#release(entry);
    this.#files = [];
    this.#dragging = false;
    this.#dragDepth = 0;
  }

  #remove(entry: TrayFile): void {
    this.#release(entry);
    this.#files = this.#files.filter((f) => f !== entry);
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLTextAreaElement>('textarea.composer-input')?.focus());
  }

  #release(entry: TrayFile): void {
    if (entry.preview) releaseBlobUrl(entry.file);
  }

  readonly #onPick = (event: Event): void => {
    const input = event.currentTarget as HTMLInputElement;
    this.add([...(input.files ?? [])]);
    // The same file can be picked again after it was removed.
    input.value = '';
  };

  readonly #onAttachClick = (): void => {
    this.#host.renderRoot.querySelector<HTMLInputElement>('input.file-picker')?.click();
  };

  readonly #onDragEnter = (event: DragEvent): void => {
    if (!carriesFiles(event) || !this.#actions()) return;
    event.preventDefault();
    this.#dragDepth += 1;
    if (!this.#dragging) {
      this.#dragging = true;
      this.#host.requestUpdate();
    }
  };

  readonly #onDragOver = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    // Without this the browser would open the dropped file in place of the page.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = this.#actions() ? 'copy' : 'none';
  };

  readonly #onDragLeave = (): void => {
    this.#dragDepth = Math.max(0, this.#dragDepth - 1);
    if (this.#dragDepth === 0 && this.#dragging) {
      this.#dragging = false;
      this.#host.requestUpdate();
    }
  };

  readonly #onDrop = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    this.#dragDepth = 0;
    this.#dragging = false;
    this.add([...(event.dataTransfer?.files ?? [])]);
  };

  renderButton(disabled: boolean): TemplateResult | typeof nothing {
    const actions = this.#actions();
    if (!actions) return nothing;
    const accept = actions.accept?.();
    // `none` is not a type a picker knows; the check refuses such a file anyway.
    const pickerAccept = accept && accept.toLowerCase() !== 'none' ? accept : undefined;
    return html`<input
        class="file-picker"
        type="file"
        multiple
        hidden
        tabindex="-1"
        aria-hidden="true"
        accept=${pickerAccept ?? nothing}
        @change=${this.#onPick}
      /><button
        type="button"
        class="icon attach"
        part="attach-button"
        aria-label=${msg('Attach files')}
        title=${msg('Attach files')}
        ?disabled=${disabled}
        @click=${this.#onAttachClick}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path
            d="M10.5 4.5 5.4 9.6a1.5 1.5 0 0 0 2.1 2.1l5.3-5.3a3 3 0 0 0-4.2-4.2L3.2 7.6a4.5 4.5 0 0 0 6.4 6.4l4.1-4.1"
            fill="none"
            stroke="currentColor"
            stroke-width="1.4"
            stroke-linecap="round"
          />
        </svg>
      </button>`;
  }

  /** The drop target shown while files are dragged over the element. */
  renderDropTarget(): TemplateResult | typeof nothing {
    return this.#dragging
      ? html`<div class="drop-target" part="drop-target" role="status">${msg('Drop files to attach them')}</div>`
      : nothing;
  }

  renderTray(): TemplateResult | typeof nothing {
    if (this.#files.length === 0) return nothing;
    return html`<ul class="tray" part="attachment-tray" aria-label=${msg('Files to send')}>
      ${this.#files.map(
        (entry) =>
          html`<li class="tray-file ${entry.error ? 'refused' : ''}" part="attachment">
            ${
              entry.preview
                ? html`<img class="tray-preview" alt="" src=${entry.preview} />`
                : html`<svg class="tray-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path
                      d="M6 2.5h8l4.5 4.5v14.5H6z M14 2.5V7h4.5"
                      fill="none"
                      stroke="currentColor"
                      stroke-width="1.5"
                      stroke-linejoin="round"
                    />
                  </svg>`
            }
            <span class="tray-text">
              <span class="tray-name">${entry.file.name}</span>
              <span class="tray-size">${sizeOf(entry.file.size)}</span>
              ${entry.error ? html`<span class="tray-error" role="alert">${entry.error}</span>` : nothing}
            </span>
            <button type="button" class="icon remove" aria-label=${msg(str`Remove ${entry.file.name}`)} @click=${() => this.#remove(entry)}>
              <span aria-hidden="true">×</span>
            </button>
          </li>`,
      )}
    </ul>`;
  }
}
