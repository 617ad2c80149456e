import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/app.js';
import { api } from '../../test/helpers/api.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { WsClient } from '../../test/helpers/ws.js';
import type { Db, Row, Sql } from '../storage/db.js';
import { scheduleTimer } from '../timers/timers.js';

/** The database as the app sees it, noting every statement the app runs after a given moment. */
class Watched implements Db {
  after: string[] = [];
  watching = false;
  constructor(private readonly base: Db) {}
  get dialect() {
    return this.base.dialect;
  }
  private note(text: string) {
    if (this.watching) this.after.push(text.replace(/\s+/g, ' ').slice(0, 100));
  }
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]> {
    this.note(text);
    return this.base.query<T>(text, params);
  }
  exec(text: string): Promise<void> {
    this.note(text);
    return this.base.exec(text);
  }
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    this.note('BEGIN');
    return this.base.tx((sql) =>
      fn({
        query: (text, params) => {
          this.note(text);
          return sql.query(text, params);
        },
        exec: (text) => {
          this.note(text);
          return sql.exec(text);
        },
      }),
    );
  }
  close(): Promise<void> {
    return this.base.close();
  }
}

describe.each(DB_KINDS)('shutting down on %s', (kind) => {
  it('close() stops taking work and waits for what is in flight: no statement runs once it resolved, and the schema drops cleanly', async () => {
    let watched!: Watched;
    const t = await createTestApp(kind, { wrapDb: (db) => (watched = new Watched(db)) });
    const a = api(t);
    await t.listen();

    // work of every kind in flight: widgets reporting pages, an agent changing presence,
    // messages on their way, timers due, page reports over HTTP
    const agent = await WsClient.connect(t.url);
    expect((await agent.hello({ token: t.adminToken })).type).toBe('ready');
    const customers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const { contactToken } = await a.newContact();
        const conv = await a.newConversation(contactToken);
        const ws = await WsClient.connect(t.url);
        const page = { url: `https://shop.example/p/${i}`, visitKey: `v${i}`, pageKey: `k${i}` };
        expect((await ws.hello({ inboxToken: t.inbox.token, contactToken, page })).type).toBe('ready');
        return { contactToken, conv, ws };
      }),
    );
    for (let i = 0; i < 20; i++) {
      await scheduleTimer(t.db, { kind: 'shutdown_test', key: `shutdown:${i}`, dueAt: new Date() });
    }
    for (const [i, c] of customers.entries()) {
      for (let j = 0; j < 5; j++) c.ws.send({ type: 'page', page: { url: `https://shop.example/p/${i}/${j}`, visitKey: `v${i}`, pageKey: `k${i}-${j}` } });
      c.ws.send({ type: 'send', ref: `r${i}`, conversationId: c.conv.id, content: `hello ${i}`, clientMessageId: `m${i}` });
      void a.customerSend(c.contactToken, c.conv.id, `over http ${i}`).catch(() => {});
    }
    for (let j = 0; j < 5; j++) agent.send({ type: 'presence', availability: j % 2 ? 'online' : 'away' });

    await t.app.close();
    watched.watching = true;
    // the schema goes at once (PostgreSQL: DROP SCHEMA … CASCADE would deadlock with statements still running)
    await t.close();
    // whatever was left would show up now: wait a few timer polls and presence beats' worth
    await new Promise((r) => setTimeout(r, 1500));
    expect(watched.after).toEqual([]);
    await Promise.all([agent, ...customers.map((c) => c.ws)].map((c) => c.close()));
  }, 180_000);
});
