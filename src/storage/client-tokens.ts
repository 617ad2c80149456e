import type { Contact, Inbox } from '../core/model.js';
import { hashToken } from '../lib/tokens.js';
import { findContactByToken, findInboxByToken } from './contacts.js';
import type { Db } from './db.js';

/**
 * The client API's credentials (inbox token, contact token) resolved for hot paths:
 * every request of the widget's HTTP API carries both, and looking them up took two
 * of the message path's statements. Found entries live a few seconds; this instance
 * forgets one as soon as the contact or inbox changes (a live listener on
 * contact.updated / inbox.updated), so an edit shows at once here and within seconds
 * on other instances — as a WebSocket keeps the contact it said hello with.
 * Unknown tokens are not remembered (they are looked up every time). Keyed by the
 * token's hash, never the token itself; bounded, the oldest entry goes first.
 */
export class ClientTokenCache {
  private readonly inboxes: TtlCache<Inbox>;
  private readonly contacts: TtlCache<Contact>;

  constructor(
    private readonly db: Db,
    ttlMs = 5000,
    max = 50_000,
  ) {
    this.inboxes = new TtlCache(ttlMs, max);
    this.contacts = new TtlCache(ttlMs, max);
  }

  inbox(token: string): Promise<Inbox | null> {
    return this.inboxes.get(hashToken(token), () => findInboxByToken(this.db, token));
  }

  /** The contact behind a visitor token, only for the inbox that issued it (as findContactByToken). */
  contact(inboxId: number, contactToken: string): Promise<Contact | null> {
    return this.contacts.get(`${inboxId}:${hashToken(contactToken)}`, () => findContactByToken(this.db, inboxId, contactToken));
  }

  forgetContact(contactId: number): void {
    this.contacts.forget(contactId);
  }

  forgetInbox(inboxId: number): void {
    this.inboxes.forget(inboxId);
  }
}

/**
 * Found rows by key for `ttlMs`, concurrent misses sharing one read; `forget` by the row's id
 * (every key that found it: a customer's own token and a merged visitor's both find the customer).
 */
class TtlCache<T extends { id: number }> {
  private readonly entries = new Map<string, { at: number; value: Promise<T | null> }>();
  private readonly keyOf = new Map<number, Set<string>>();
  /** Bumped by every `forget`: a read that started before one may have seen the old row, and is not kept. */
  private generation = 0;

  constructor(
    private readonly ttlMs = 5000,
    private readonly max = 50_000,
  ) {}

  get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const entry = { at: Date.now(), value: load() };
    const generation = this.generation;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    entry.value.then(
      (found) => {
        if (this.entries.get(key) !== entry) return;
        // a miss is not kept, nor a row read while it may have been changing
        if (found === null || generation !== this.generation) return void this.entries.delete(key);
        const keys = this.keyOf.get(found.id) ?? new Set<string>();
        this.keyOf.delete(found.id);
        this.keyOf.set(found.id, keys.add(key));
        if (this.keyOf.size > this.max) this.keyOf.delete(this.keyOf.keys().next().value as number);
      },
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return entry.value;
  }

  forget(id: number): void {
    this.generation++;
    const keys = this.keyOf.get(id);
    if (keys === undefined) return;
    this.keyOf.delete(id);
    for (const key of keys) this.entries.delete(key);
  }
}
