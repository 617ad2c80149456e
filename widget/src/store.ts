import type { AttachmentRef, PreChatAnswers, WidgetConfig } from './types';

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
  /** The visit (one per browsing session): its key and last activity; a new key after 30 idle minutes. */
  visit?: { key: string; at: number };
  /** The last queue position heard: shown again on the next page until a fresh one arrives. */
  queue?: QueueSpot;
  /** Pre-chat answers; `conv` unset while the conversation they start is still to be created. Prefill the next form. */
  pre?: PreChatAnswers & { conv?: number };
}

export interface QueueSpot {
  conv: number;
  position: number;
  eta: number;
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
