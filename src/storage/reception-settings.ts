import { receptionSettings, type ReceptionSettings } from '../core/reception/settings.js';
import type { Db, Sql } from './db.js';

/**
 * Inbox reception settings for hot paths (every message needs the timeouts).
 * Entries live a few seconds, and this instance drops an entry as soon as it
 * changes the inbox, so an admin's edit takes effect at once here and within
 * seconds on other instances — no restart.
 */
export class ReceptionSettingsCache {
  private readonly entries = new Map<number, { at: number; settings: Promise<ReceptionSettings>; ready: boolean }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5000,
  ) {}

  /**
   * `sql`: read through this executor on a miss (inside a transaction, PGlite's single connection
   * is taken). Inside a transaction a read still in flight outside it is not waited for: on PGlite
   * that read waits for the transaction's connection while the transaction would wait for it.
   */
  get(inboxId: number, sql: Sql = this.db): Promise<ReceptionSettings> {
    const hit = this.entries.get(inboxId);
    if (hit && Date.now() - hit.at < this.ttlMs && (hit.ready || sql === this.db)) return hit.settings;
    const settings = sql
      .query(`SELECT reception, settings->>'greeting' AS greeting FROM inboxes WHERE id = $1`, [inboxId])
      .then((rows) => receptionSettings(rows[0]?.reception, rows[0]?.greeting));
    const entry = { at: Date.now(), settings, ready: false };
    settings.then(
      () => void (entry.ready = true),
      () => this.entries.get(inboxId) === entry && this.entries.delete(inboxId),
    );
    this.entries.set(inboxId, entry);
    return settings;
  }

  invalidate(inboxId: number): void {
    this.entries.delete(inboxId);
  }

  invalidateAll(): void {
    this.entries.clear();
  }
}
