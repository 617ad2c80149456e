import { asApiError, type ApiError } from './api';
import type { StoredItem } from './store';
import type { AttachmentRef, Message } from './types';

/** A message on its way out. `file` (memory only) is uploaded first, then sent as an attachment. */
export interface OutboxItem extends StoredItem {
  file?: File;
  fileType?: string;
  /** How often the conversation had to be replaced (resolved under us); bounds a pathological loop. */
  moves?: number;
}

export interface Transport {
  /** The conversation to send to: the current one, or a new one when there is none or it ended. */
  conversation(): Promise<number>;
  upload(file: File, type: string): Promise<AttachmentRef>;
  /** Over the socket when it is up, else HTTP. Resolves with the stored message. */
  send(conversationId: number, item: OutboxItem): Promise<Message>;
}

export interface OutboxEvents {
  sent(item: OutboxItem, m: Message): void;
  /** `retrying` false: refused for good (e.g. too long); it leaves the outbox. */
  failed(item: OutboxItem, err: ApiError, retrying: boolean): void;
  /** The server says this conversation has ended (or is gone); the item moves to a new one. */
  ended(conversationId: number): void;
  save(items: StoredItem[]): void;
}

const RETRY_CAP_MS = 30_000;

/**
 * The outbox: messages leave one at a time, in order, and stay here until the
 * server has acknowledged them. A failure keeps the item and retries with the
 * SAME clientMessageId, so a resend after a lost answer returns the original
 * instead of storing a copy. Persisted by the owner (`save`), so a reload resends.
 */
export class Outbox {
  readonly items: OutboxItem[] = [];
  private running = false;
  private timer = 0;
  private delay = 0;

  constructor(
    private readonly t: Transport,
    private readonly on: OutboxEvents,
  ) {}

  add(item: OutboxItem): void {
    this.items.push(item);
    this.save();
    this.kick();
  }

  has(cid: string): boolean {
    return this.items.some((i) => i.cid === cid);
  }

  /** Drops an item the server turns out to hold already (seen in the history). */
  drop(cid: string): void {
    const i = this.items.findIndex((x) => x.cid === cid);
    if (i < 0) return;
    this.items.splice(i, 1);
    this.save();
  }

  /** Another user logged in: the last one's unsent messages are not theirs to send. */
  clear(): void {
    this.items.length = 0;
    this.save();
  }

  /** Try now: the socket came back, the page is online again, or the visitor pressed retry. */
  kick(): void {
    clearTimeout(this.timer);
    this.delay = 0;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.items.length) {
        const item = this.items[0];
        try {
          if (item.file) {
            item.attachments = [await this.t.upload(item.file, item.fileType ?? item.file.type)];
            item.file = undefined;
            this.save();
          }
          if (item.conv === null) {
            item.conv = await this.t.conversation();
            this.save();
          }
          const m = await this.t.send(item.conv, item);
          // By identity, not shift(): the echo of this message may have dropped it already.
          this.drop(item.cid);
          this.delay = 0;
          this.on.sent(item, m);
        } catch (e) {
          const err = asApiError(e);
          // contact_unknown: the owner has made a new contact, whose conversations these are not
          const gone = /^(conversation_resolved|conversation_not_found|contact_unknown)$/.test(err.code);
          if (gone && item.conv !== null && (item.moves = (item.moves ?? 0) + 1) <= 3) {
            // Never stored there: send the same message to a new conversation.
            this.on.ended(item.conv);
            item.conv = null;
            continue;
          }
          if (!err.transient && !gone) {
            this.drop(item.cid);
            this.on.failed(item, err, false);
            continue;
          }
          // Everything behind the head waits too (order matters); say so for all of them.
          for (const i of this.items) this.on.failed(i, err, true);
          this.delay = Math.min(RETRY_CAP_MS, this.delay ? this.delay * 2 : 1_000);
          this.timer = window.setTimeout(() => void this.pump(), this.delay);
          return;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private save(): void {
    // Items still waiting for their upload cannot survive a reload (the File is gone).
    this.on.save(this.items.filter((i) => !i.file).map(({ cid, conv, content, attachments, at }) => ({ cid, conv, content, attachments, at })));
  }
}
