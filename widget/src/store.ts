import type { AttachmentRef, WidgetConfig } from './types';

/** An unsent message as persisted: enough to resend it after a reload with the same clientMessageId. */
export interface StoredItem {
  cid: string;
  conv: number | null;
  content: string;
  attachments: AttachmentRef[];
  at: number;
}

/** What the widget remembers per inbox, in localStorage. */
export interface Saved {
  contact?: string;
  /** The current conversation. */
  conv?: number;
  /** conversation id → highest seq the visitor has seen with the panel open (drives the unread badge). */
  seen?: Record<string, number>;
  outbox?: StoredItem[];
  /** Last /config answer: paints the launcher at once on the next page. */
  cfg?: WidgetConfig;
}

/**
 * localStorage under one key per inbox. Every write re-reads first, so two tabs
 * of the same site do not overwrite each other's fields. When storage is blocked
 * (privacy modes, sandboxed frames) it degrades to memory for this page.
 */
export class Store {
  private readonly key: string;
  private mem: Saved = {};

  constructor(inboxToken: string) {
    this.key = `zhike:${inboxToken}`;
  }

  get(): Saved {
    try {
      const raw = localStorage.getItem(this.key);
      if (raw) return (this.mem = JSON.parse(raw) as Saved);
    } catch {
      /* blocked or corrupt: use memory */
    }
    return this.mem;
  }

  update(fn: (s: Saved) => void): void {
    const s = this.get();
    fn(s);
    this.mem = s;
    try {
      localStorage.setItem(this.key, JSON.stringify(s));
    } catch {
      /* quota or blocked: memory only */
    }
  }
}
