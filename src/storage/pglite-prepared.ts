import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import type { Row } from './db.js';

type BackendMessages = Awaited<ReturnType<PGlite['execProtocol']>>['messages'];
type RowDescription = Extract<BackendMessages[number], { name: 'rowDescription' }>;

interface Prepared {
  name: string;
  /** The parameters' type oids, as the server inferred them. */
  paramTypes: number[];
  /** The columns it returns; null for a statement that returns none. */
  rowDescription: RowDescription | null;
}

/** Statements kept prepared at most (a bound on memory, far above the app's fixed statements): past it the oldest is closed. */
const MAX_PREPARED = 2000;
/** "cached plan must not change result type": a table changed under a prepared statement. */
const PLAN_CHANGED = '0A000';

const { serialize } = protocol;
const SYNC = serialize.sync();
const EXECUTE = serialize.execute({});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Named prepared statements for PGlite. `PGlite.query` parses and plans every
 * statement on every call, in six protocol round trips; the PostgreSQL adapter has
 * long sent each text once per connection and then only its parameters. Here each
 * distinct text is parsed once (Parse + Describe), and each execution is one
 * Bind + Execute + Sync: about a third of the time for the point lookups of the
 * message path, the whole plan cost for the group-commit statement.
 *
 * The caller serialises access (the adapter's StatementQueue): `execProtocol` takes no
 * lock of its own, so it runs inside the transaction the caller holds, if any.
 */
export class PreparedStatements {
  private readonly byText = new Map<string, Prepared>();
  private next = 0;

  constructor(
    private readonly pg: PGlite,
    private readonly max = MAX_PREPARED,
  ) {}

  async query<T extends Row>(text: string, params: unknown[] = [], inTransaction: boolean): Promise<T[]> {
    let prepared = this.byText.get(text);
    if (!prepared) {
      // (never PGlite.query here: inside a transaction it would wait for the transaction's own lock)
      if (this.byText.size >= this.max) await this.forget(this.byText.keys().next().value as string);
      prepared = await this.prepare(text);
    }
    try {
      return await this.execute<T>(prepared, params, inTransaction);
    } catch (err) {
      if ((err as { code?: string }).code !== PLAN_CHANGED || inTransaction) throw err;
      // the table changed (a migration): prepare the text again, once
      await this.forget(text);
      return this.execute<T>(await this.prepare(text), params, inTransaction);
    }
  }

  private async prepare(text: string): Promise<Prepared> {
    const name = `zhike_${this.next++}`;
    const { messages } = await this.pg.execProtocol(concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), SYNC]), { syncToFs: false });
    const prepared: Prepared = {
      name,
      paramTypes: parse.parseDescribeStatementResults(messages),
      rowDescription: (messages.find((m) => m.name === 'rowDescription') as RowDescription | undefined) ?? null,
    };
    this.byText.set(text, prepared);
    return prepared;
  }

  private async forget(text: string): Promise<void> {
    const prepared = this.byText.get(text);
    if (!prepared) return;
    this.byText.delete(text);
    await this.pg.execProtocol(concat([serialize.close({ type: 'S', name: prepared.name }), SYNC]), { syncToFs: false }).catch(() => {});
  }

  private async execute<T extends Row>(prepared: Prepared, params: unknown[], inTransaction: boolean): Promise<T[]> {
    const { serializers, parsers } = this.pg;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = serializers[prepared.paramTypes[i]];
      return serializer ? serializer(value) : String(value);
    });
    const { messages } = await this.pg.execProtocol(concat([serialize.bind({ statement: prepared.name, values: values as string[] }), EXECUTE, SYNC]), {
      // as PGlite.query does: outside a transaction, the statement's writes reach the file system now
      syncToFs: !inTransaction,
    });
    if (!prepared.rowDescription) return [];
    return parse.parseResults([prepared.rowDescription, ...messages], parsers)[0].rows as T[];
  }
}
