const DRAFT_PREFIX = 'omni-draft:';

/** The draft kept for a homeserver and room (`localStorage`), or '' when none is kept or storage is blocked. */
export function readDraft(key: string): string {
  try {
    return localStorage.getItem(DRAFT_PREFIX + key) ?? '';
  } catch {
    return '';
  }
}

/** Keeps the draft (an empty one is removed). */
export function writeDraft(key: string, value: string): void {
  try {
    if (value.trim()) localStorage.setItem(DRAFT_PREFIX + key, value);
    else localStorage.removeItem(DRAFT_PREFIX + key);
  } catch {
    // Storage full or blocked (private mode): the draft lives only in the page.
  }
}
