import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { OmniElement } from '../../base/omni-element.ts';
import { ThemeController, tokens, type ThemeName } from '../../theme/tokens.ts';
import { ModerationClient, QueueRefusal, tokenFromUrl, type QueueAction, type QueueItem, type TokenProvider } from './queue-client.ts';
import { actionsFor, actionText, countText, loadRefusalText, messageText, refusalText } from './queue-texts.ts';
import { queueStyles } from './omni-moderation-queue.styles.ts';

const PAGE_SIZE = 50;

/** An item's problem or the action being confirmed on it. */
interface ItemState {
  readonly confirming?: QueueAction;
  readonly busy?: boolean;
  readonly error?: string;
}

/**
 * The site's moderation queue, for a moderators' page: members' reports of messages in the site's post rooms
 * and first messages held for approval, with the actions the companion offers (delete, ban site-wide, dismiss,
 * release, reject). It talks to the companion's moderation API (`api`, the address the site exposes it at,
 * normally on its own origin through its reverse proxy) with a short-lived moderator token that the site's
 * backend mints for its signed-in moderator (`token-url`, or the `tokenProvider` property): the site secret
 * never reaches the browser.
 *
 * @tagname omni-moderation-queue
 * @summary A moderation queue of reports and held messages, acted on in place.
 * @attr api - Where the companion's moderation API is reached (default `/_omni/v1/moderation/`, the page's own origin).
 * @attr token-url - The site's backend endpoint that answers `POST` with `{"token", "expiresAt"}` for its signed-in moderator.
 * @attr theme - `light`, `dark` or `auto` (default), as the other elements.
 * @attr heading - The heading above the queue (default "Moderation queue").
 * @csspart heading - The queue's heading.
 * @csspart item - One report or held message.
 * @csspart message - The reported or held message's text.
 * @csspart actions - An item's buttons.
 * @csspart notice - What the last action did.
 * @cssproperty --omni-color-surface - The queue's background, fields and secondary buttons.
 * @cssproperty --omni-color-surface-2 - Items.
 * @cssproperty --omni-color-text - Text.
 * @cssproperty --omni-color-text-muted - The count, notes and times.
 * @cssproperty --omni-color-border - Fields' and secondary buttons' borders, the quoted message's bar.
 * @cssproperty --omni-color-border-subtle - Items' borders.
 * @cssproperty --omni-color-accent - Buttons.
 * @cssproperty --omni-color-accent-subtle - A report's label, the line that says what the last action did.
 * @cssproperty --omni-color-on-accent - Text on the accent colour.
 * @cssproperty --omni-color-mention-subtle - A held message's label.
 * @cssproperty --omni-color-danger - Delete and Ban, and refusals.
 * @cssproperty --omni-color-focus - Focus rings.
 * @cssproperty --omni-font-family - The font.
 * @cssproperty --omni-font-size - The text size.
 * @cssproperty --omni-font-size-s - Times.
 * @cssproperty --omni-line-height - The line height.
 * @cssproperty --omni-radius-s - Labels' and fields' corners.
 * @cssproperty --omni-radius-m - Items', buttons' and the notice's corners.
 * @cssproperty --omni-space-xs - The smallest spacing.
 * @cssproperty --omni-space-s - Small spacing.
 * @cssproperty --omni-space-m - Spacing.
 */
export class OmniModerationQueue extends OmniElement {
  static override styles = [tokens, queueStyles];

  static override properties = {
    api: { type: String, reflect: true },
    tokenUrl: { type: String, attribute: 'token-url', reflect: true },
    theme: { type: String, reflect: true },
    heading: { type: String },
    items: { state: true },
    total: { state: true },
    loading: { state: true },
    loadError: { state: true },
    notice: { state: true },
    itemStates: { state: true },
  };

  /** Where the companion's moderation API is reached; the site's own origin by default. */
  declare api: string;
  /** The site's backend endpoint that answers `POST` with `{"token", "expiresAt"}` for its signed-in moderator. */
  declare tokenUrl: string;
  /** `light`, `dark` or `auto` (default): follows the page's colour scheme. */
  declare theme: ThemeName;
  /** The heading shown above the queue. */
  declare heading: string;
  /** Instead of `token-url`: a function that returns a moderator token. */
  tokenProvider: TokenProvider | undefined;
  declare private items: readonly QueueItem[];
  declare private total: number;
  declare private loading: boolean;
  declare private loadError: string | undefined;
  declare private notice: string | undefined;
  declare private itemStates: ReadonlyMap<string, ItemState>;

  readonly #internals = this.attachInternals();
  #client: ModerationClient | undefined;
  /** Where focus goes after an item leaves the list (its neighbour, else the heading). */
  #focusAfterRender: string | undefined;

  constructor() {
    super();
    this.api = '/_omni/v1/moderation/';
    this.tokenUrl = '';
    this.theme = 'auto';
    this.heading = msg('Moderation queue');
    this.items = [];
    this.total = 0;
    this.loading = false;
    this.itemStates = new Map();
    new ThemeController(this, this.#internals, () => this.theme);
  }

  /** Reads the queue again from its start. */
  async refresh(): Promise<void> {
    const client = this.#clientNow();
    if (!client) return;
    this.loading = true;
    try {
      const page = await client.list(0, Math.max(PAGE_SIZE, this.items.length));
      this.items = page.items;
      this.total = page.total;
      this.loadError = undefined;
    } catch (error) {
      this.loadError = loadRefusalText(asRefusal(error));
    } finally {
      this.loading = false;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('tokenUrl')) this.#client = undefined;
  }

  protected override firstUpdated(): void {
    void this.refresh();
  }

  protected override updated(): void {
    const target = this.#focusAfterRender;
    if (target === undefined) return;
    this.#focusAfterRender = undefined;
    const next = target === '' ? null : this.renderRoot.querySelector<HTMLElement>(`[data-item="${CSS.escape(target)}"] button`);
    (next ?? this.renderRoot.querySelector<HTMLElement>('h2'))?.focus();
  }

  #clientNow(): ModerationClient | undefined {
    if (this.#client) return this.#client;
    const provider = this.tokenProvider ?? (this.tokenUrl ? tokenFromUrl(this.tokenUrl) : undefined);
    if (!provider) {
      this.loadError = msg('The queue needs a moderator token: set token-url (or tokenProvider) to the site endpoint that mints one.');
      return undefined;
    }
    this.#client = new ModerationClient(this.api, provider);
    return this.#client;
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="heading" aria-busy=${this.loading ? 'true' : 'false'}>
      <div class="top">
        <h2 id="heading" part="heading" tabindex="-1">${this.heading}</h2>
        <button type="button" class="secondary" @click=${() => void this.refresh()} ?disabled=${this.loading}>${msg('Refresh')}</button>
      </div>
      <p class="count">
        ${this.loadError ? nothing : this.loading && this.items.length === 0 ? msg('Loading the queue…') : countText(this.total)}
      </p>
      ${this.loadError ? html`<p role="alert" class="error">${this.loadError}</p>` : nothing}
      <p role="status" part="notice" class="notice">${this.notice ?? ''}</p>
      <ul aria-label=${msg('Reports and held messages')}>
        ${this.items.map((item) => this.#renderItem(item))}
      </ul>
      ${
        this.items.length < this.total
          ? html`<button type="button" class="secondary" @click=${() => void this.#more()} ?disabled=${this.loading}>
              ${msg('Show more')}
            </button>`
          : nothing
      }
    </section>`;
  }

  #renderItem(item: QueueItem): TemplateResult {
    const state = this.itemStates.get(item.id) ?? {};
    const { text, unavailable, note } = messageText(item);
    const when = new Date(item.receivedAt);
    const room = item.roomName ?? item.roomId;
    return html`<li part="item" data-item=${item.id} aria-labelledby=${`about-${item.id}`}>
      <p class="about" id=${`about-${item.id}`}>
        <span class="kind ${item.kind}">${item.kind === 'held' ? msg('Held first message') : msg('Report')}</span>
        ${
          item.kind === 'held'
            ? msg(str`From ${item.sender} in ${room}`)
            : msg(str`${item.sender ?? msg('Unknown sender')} in ${room}, reported by ${item.reporter}`)
        }
        <time datetime=${when.toISOString()}
          >${when.toLocaleString(this.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time
        >
      </p>
      ${item.kind === 'report' ? html`<p class="reason">${item.reason ? msg(str`Reason: ${item.reason}`) : msg('No reason given.')}</p>` : nothing}
      ${note ? html`<p class="note">${note}</p>` : nothing}
      <blockquote part="message" class=${unavailable ? 'unavailable' : ''}>${text}</blockquote>
      ${state.confirming ? this.#renderConfirm(item, state.confirming, state.busy === true) : this.#renderActions(item, state.busy === true)}
      ${state.error ? html`<p role="alert" class="error">${state.error}</p>` : nothing}
    </li>`;
  }

  #renderActions(item: QueueItem, busy: boolean): TemplateResult {
    return html`<div class="actions" part="actions">
      ${actionsFor(item).map((action) => {
        const { label, confirm } = actionText(action, item);
        const danger = action === 'delete' || action === 'ban' || action === 'reject';
        return html`<button
          type="button"
          class=${danger ? 'danger' : ''}
          data-action=${action}
          ?disabled=${busy}
          @click=${() => (confirm ? this.#confirm(item.id, action) : void this.#act(item, action))}
        >
          ${label}
        </button>`;
      })}
    </div>`;
  }

  #renderConfirm(item: QueueItem, action: QueueAction, busy: boolean): TemplateResult {
    const { confirm, label } = actionText(action, item);
    const cancel = (): void => {
      this.#setState(item.id, {});
      void this.updateComplete.then(() => this.#itemButton(item.id, action)?.focus());
    };
    return html`<form
      class="confirm"
      aria-label=${confirm?.heading ?? label}
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        const reason = new FormData(event.currentTarget as HTMLFormElement).get('reason');
        void this.#act(item, action, typeof reason === 'string' ? reason.trim() : '');
      }}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          cancel();
        }
      }}
    >
      <p class="question">${confirm?.heading}</p>
      <label>${msg('Reason (optional)')} <input name="reason" autocomplete="off" ?disabled=${busy} /></label>
      <div class="actions">
        <button type="submit" class="danger" ?disabled=${busy}>${confirm?.button ?? label}</button>
        <button type="button" class="secondary" ?disabled=${busy} @click=${cancel}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }

  /** Opens an action's confirmation in place; focus goes to its reason. */
  #confirm(id: string, action: QueueAction): void {
    this.#setState(id, { confirming: action });
    void this.updateComplete.then(() => {
      this.renderRoot.querySelector<HTMLInputElement>(`[data-item="${CSS.escape(id)}"] input[name="reason"]`)?.focus();
    });
  }

  #itemButton(id: string, action: QueueAction): HTMLButtonElement | null {
    return this.renderRoot.querySelector(`[data-item="${CSS.escape(id)}"] button[data-action="${action}"]`);
  }

  #setState(id: string, state: ItemState): void {
    const next = new Map(this.itemStates);
    if (Object.keys(state).length === 0) next.delete(id);
    else next.set(id, state);
    this.itemStates = next;
  }

  async #act(item: QueueItem, action: QueueAction, reason?: string): Promise<void> {
    const client = this.#clientNow();
    if (!client) return;
    const { label, done } = actionText(action, item);
    const confirming = this.itemStates.get(item.id)?.confirming;
    this.#setState(item.id, { ...(confirming ? { confirming } : {}), busy: true });
    this.notice = undefined;
    try {
      await client.act(item.id, action, reason);
      this.#leave(item);
      this.notice = done;
    } catch (error) {
      const refusal = asRefusal(error);
      if (refusal.kind === 'gone') {
        this.#leave(item);
        this.notice = refusalText(refusal, label);
      } else {
        this.#setState(item.id, { ...(confirming ? { confirming } : {}), error: refusalText(refusal, label) });
      }
    }
  }

  /** The item leaves the list; focus moves to its neighbour so keyboard work goes on. */
  #leave(item: QueueItem): void {
    const index = this.items.findIndex((candidate) => candidate.id === item.id);
    const neighbour = this.items[index + 1] ?? this.items[index - 1];
    this.items = this.items.filter((candidate) => candidate.id !== item.id);
    this.total = Math.max(0, this.total - 1);
    this.#setState(item.id, {});
    this.#focusAfterRender = neighbour?.id ?? '';
  }

  async #more(): Promise<void> {
    const client = this.#clientNow();
    if (!client) return;
    this.loading = true;
    try {
      const page = await client.list(this.items.length, PAGE_SIZE);
      const known = new Set(this.items.map((item) => item.id));
      this.items = [...this.items, ...page.items.filter((item) => !known.has(item.id))];
      this.total = page.total;
    } catch (error) {
      this.loadError = loadRefusalText(asRefusal(error));
    } finally {
      this.loading = false;
    }
  }
}

function asRefusal(error: unknown): QueueRefusal {
  return error instanceof QueueRefusal ? error : new QueueRefusal('refused', error instanceof Error ? error.message : String(error));
}
