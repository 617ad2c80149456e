import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAgent } from '../../src/commands/agents.js';
import { insertInbox } from '../../src/commands/inboxes.js';
import { projectRoot } from '../../src/config.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/api.js';
import type { DbKind } from '../helpers/env.js';
import { arbitraryOf, breakLeaf, leavesOf, mutationArb, operationsOf, ResponseChecker, type JsonSchema, type Mutation, type Operation } from './fuzz.js';

/**
 * The OpenAPI document is the contract (issue 13): the live document passes Redocly's
 * `recommended` rules, and every operation answers generated valid and broken inputs
 * with documented statuses only, never a 5xx, with bodies matching their schemas.
 * CONTRACT_SEED=<n> replays a run; CONTRACT_RUNS=<n> changes the cases per operation.
 */

const SEED = Number(process.env.CONTRACT_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.CONTRACT_RUNS ?? 30);
const root = projectRoot();

interface Fixtures {
  adminToken: string;
  adminEmail: string;
  inboxToken: string;
  contactToken: string;
  /** Ids that exist, per path prefix: this workspace's first, then the other workspace's. */
  ids: Record<string, number[]>;
  foreign: { adminToken: string; inboxToken: string; contactToken: string; ids: number[] };
  attachment: { key: string; filename: string };
  consumers: string[];
}

async function setUp(t: TestApp): Promise<Fixtures> {
  const a = api(t);
  const agentA = await a.createAgent(t.adminToken, { email: 'victim@zhike.test', name: '小王' });
  const { contactToken, contact } = await a.newContact({ name: '张三' });
  const conv = await a.newConversation(contactToken);
  await a.customerSend(contactToken, conv.id, '你好');
  const other = await a.newContact({ name: '李四' });
  const otherConv = await a.newConversation(other.contactToken);
  const group = await a.inject('POST', '/api/v1/skill-groups', { token: t.adminToken, payload: { name: '售前', memberIds: [agentA.id] } });
  const calendar = await a.inject('POST', '/api/v1/business-calendars', {
    token: t.adminToken,
    payload: { name: '工作日', timezone: 'Asia/Shanghai', weekly: { '1': [{ start: '09:00', end: '18:00' }] }, holidays: [] },
  });
  const upload = await t.app.inject({
    method: 'POST',
    url: '/api/v1/attachments?filename=a.txt',
    headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'text/plain' },
    payload: 'hello',
  });
  if (group.status !== 201 || calendar.status !== 201 || upload.statusCode !== 201) throw new Error(`fixtures: ${group.status} ${calendar.status} ${upload.body}`);
  const url = upload.json().url as string;
  const [, , , , key, filename] = url.split('/');

  // another workspace: its ids must be 404 (or 401) here, never someone else's data or a 500
  const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
  await t.db.tx(async (sql) => insertAgent(sql, ws.id, { email: 'other@zhike.test', name: '别家管理员', role: 'admin', password: 'other-pass-123' }));
  const inboxB = await t.db.tx((sql) => insertInbox(sql, ws.id, '别家渠道', {}));
  const adminB = await a.login('other@zhike.test', 'other-pass-123');
  const contactB = await t.app.inject({ method: 'POST', url: `/api/v1/widget/${inboxB.token}/contacts`, payload: {} });
  const convB = await t.app.inject({ method: 'POST', url: `/api/v1/widget/${inboxB.token}/conversations`, headers: { 'x-contact-token': contactB.json().contactToken } });
  const groupB = await a.inject('POST', '/api/v1/skill-groups', { token: adminB, payload: { name: '别家组' } });
  const [agentB] = await t.db.query(`SELECT id FROM agents WHERE workspace_id = $1`, [ws.id]);
  const foreignIds = [convB.json().id, contactB.json().contact.id, groupB.body.id, inboxB.id, agentB.id];

  const consumers = (await a.inject('GET', '/api/v1/events/consumers', { token: t.adminToken })).body.consumers.map((c: { name: string }) => c.name);
  return {
    adminToken: t.adminToken,
    adminEmail: 'admin@zhike.test',
    inboxToken: t.inbox.token,
    contactToken,
    ids: {
      conversations: [conv.id, otherConv.id],
      widgetConversations: [conv.id, otherConv.id],
      contacts: [contact.id, other.contact.id],
      visitors: [contact.id, other.contact.id],
      agents: [agentA.id], // never the admin running the fuzz
      inboxes: [t.inbox.id],
      'skill-groups': [group.body.id],
      'business-calendars': [calendar.body.id],
      invitations: [1],
    },
    foreign: { adminToken: adminB, inboxToken: inboxB.token, contactToken: contactB.json().contactToken, ids: foreignIds },
    attachment: { key, filename: decodeURIComponent(filename) },
    consumers,
  };
}

/** Which fixture ids fit a path's `{id}`. */
function idPool(op: Operation, f: Fixtures): number[] {
  const segs = op.path.split('/');
  const at = segs.indexOf('{id}');
  const resource = segs[at - 1];
  const pool = op.path.includes('/widget/') ? f.ids.widgetConversations : (f.ids[resource] ?? []);
  return pool;
}

interface Request {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** A raw upload: its Content-Type and bytes. */
  raw?: { type: string; data: string };
}

function requestArb(op: Operation, f: Fixtures): fc.Arbitrary<Request> {
  const realIds = idPool(op, f);
  const hint = (name: string): fc.Arbitrary<unknown> | null => {
    if (name === 'id') return fc.oneof({ arbitrary: fc.constantFrom(...(realIds.length ? realIds : [1])), weight: 4 }, { arbitrary: fc.integer({ min: 10_000_000, max: 2 ** 31 }), weight: 1 });
    if (name === 'inboxToken') return fc.constant(f.inboxToken);
    if (name === 'key') return fc.constant(f.attachment.key);
    if (name === 'filename' && op.method === 'GET') return fc.constant(f.attachment.filename);
    if (name === 'name' && op.path.includes('/consumers/')) return fc.constantFrom(...f.consumers, 'no.such.consumer');
    if (/^(agentId|leaderId|assigneeId)$/.test(name)) return fc.constantFrom(...f.ids.agents, 1, 99_999_999);
    if (name === 'memberIds') return fc.constantFrom(...f.ids.agents);
    if (/^(groupId|defaultGroupId)$/.test(name)) return fc.constantFrom(...f.ids['skill-groups'], 99_999_999);
    if (name === 'calendarId') return fc.constantFrom(...f.ids['business-calendars'], 99_999_999);
    if (/^(inboxId)$/.test(name)) return fc.constantFrom(...f.ids.inboxes, 99_999_999);
    if (/^(contactId)$/.test(name)) return fc.constantFrom(...f.ids.contacts, 99_999_999);
    if (name === 'timezone') return fc.constantFrom('Asia/Shanghai', 'UTC', '0', 'Mars/Olympus');
    return null;
  };
  const paramsIn = (where: 'path' | 'query') => {
    const ps = op.parameters.filter((p) => p.in === where);
    return fc.record(
      Object.fromEntries(ps.map((p) => [p.name, arbitraryOf(p.schema, hint, p.name)])),
      { requiredKeys: ps.filter((p) => p.required).map((p) => p.name) },
    ) as fc.Arbitrary<Record<string, unknown>>;
  };
  const json = op.body?.contentTypes.includes('application/json');
  return fc.record({
    path: paramsIn('path'),
    query: paramsIn('query'),
    body: json ? arbitraryOf(op.body!.schema ?? undefined, hint) : fc.constant(undefined),
    raw: op.body && !json ? fc.record({ type: fc.constantFrom(...op.body.contentTypes), data: fc.string({ maxLength: 50 }) }) : fc.constant(undefined),
  });
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** The HTTP request for generated values, broken by the mutation if there is one. */
function toHttp(op: Operation, req: Request, m: Mutation | null, f: Fixtures): Sent {
  if (m && 'target' in m) breakLeaf(m, leavesOf(req));
  if (m?.kind === 'foreign-id' && 'id' in req.path) req.path.id = f.foreign.ids[Object.keys(req.query).length % f.foreign.ids.length];
  if (m?.kind === 'foreign-id' && 'inboxToken' in req.path) req.path.inboxToken = f.foreign.inboxToken;
  if (m?.kind === 'unknown-query') req.query.utm_nonsense = 'x';

  let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(typeof req.path[name] === 'object' ? JSON.stringify(req.path[name]) : String(req.path[name] ?? '')));
  const qs = Object.entries(req.query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encode(k)}=${encode(typeof v === 'object' ? JSON.stringify(v) : String(v))}`);
  if (qs.length) url += `?${qs.join('&')}`;

  const headers: Record<string, string> = {};
  const needs = new Set(op.security.flatMap((s) => Object.keys(s)));
  const credential = (own: string, foreign: string) => (m?.kind === 'no-credential' ? null : m?.kind === 'bogus-credential' ? 'not-a-real-token' : m?.kind === 'foreign-credential' ? foreign : own);
  if (needs.has('bearer')) {
    const token = credential(f.adminToken, f.foreign.adminToken);
    if (token) headers.authorization = `Bearer ${token}`;
  }
  if (needs.has('contactToken')) {
    const token = credential(f.contactToken, f.foreign.contactToken);
    if (token) headers['x-contact-token'] = token;
  }

  let payload: string | undefined;
  if (req.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(req.body);
  }
  if (req.raw) {
    // text as itself; the other types with their magic number first (or not: a mismatch is a documented 415)
    const magic: Record<string, string> = { 'image/png': '\x89PNG\r\n\x1a\n', 'image/gif': 'GIF89a', 'application/pdf': '%PDF-1.4\n' };
    headers['content-type'] = req.raw.type;
    payload = (req.raw.data.length % 2 ? '' : (magic[req.raw.type] ?? '')) + req.raw.data;
  }
  if (op.method !== 'GET') {
    if (m?.kind === 'malformed-json') {
      headers['content-type'] = 'application/json';
      payload = '{"content": "unterminated';
    } else if (m?.kind === 'unsupported-type') {
      headers['content-type'] = 'application/xml';
      payload = '<message>你好</message>';
    } else if (m?.kind === 'huge-body') {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify({ content: 'x'.repeat(300 * 1024) });
    } else if (m?.kind === 'null-body') {
      headers['content-type'] = 'application/json';
      payload = 'null';
    }
  }
  return { method: op.method, url, headers, payload };
}

/** Percent-encoding that also sends a lone surrogate, as the bytes a careless client would (WTF-8). */
function encode(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.charCodeAt(0);
    const lone = ch.length === 1 && u >= 0xd800 && u <= 0xdfff;
    out += lone ? [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('') : encodeURIComponent(ch);
  }
  return out;
}

const describeSent = (s: Sent) => `${s.method} ${s.url.slice(0, 300)} ${JSON.stringify(s.headers)} ${s.payload ? s.payload.slice(0, 300) : ''}`;

async function lint(docPath: string): Promise<{ errors: number; warnings: number; output: string }> {
  const cli = path.join(root, 'node_modules/@redocly/cli/bin/cli.js');
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'lint', docPath, '--config', path.join(root, 'redocly.yaml'), '--format', 'json'], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 32 * 1024 * 1024,
    }));
  } catch (err) {
    // exit code 1 when there are errors: the JSON report is on stdout all the same
    ({ stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string });
  }
  const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
  return { errors: report.totals.errors, warnings: report.totals.warnings, output: JSON.stringify(report.problems.slice(0, 20), null, 1) + stderr.slice(0, 500) };
}

/**
 * Fuzzes every operation of the live document; returns the failures (empty: the contract holds)
 * and the counts. The admin's session is checked between operations (logout ends it, legitimately).
 */
async function fuzz(t: TestApp, f: Fixtures, doc: JsonSchema, runs: number, seed: number) {
  const checker = new ResponseChecker(doc.components?.schemas);
  const failures: string[] = [];
  const statuses = new Map<string, number>();
  let cases = 0;
  const ops = operationsOf(doc);
  const a = api(t);
  for (const [i, op] of ops.entries()) {
    const arb = fc.tuple(requestArb(op, f), fc.oneof(fc.constant(null), mutationArb) /* half valid, half broken */);
    const samples = fc.sample(arb, { numRuns: runs, seed: seed + i });
    for (const [req, mutation] of samples) {
      const sent = toHttp(op, req, mutation, f);
      const res = await t.app.inject({ method: sent.method as 'GET', url: sent.url, headers: sent.headers, payload: sent.payload });
      cases++;
      const key = `${res.statusCode}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (process.env.CONTRACT_VERBOSE) console.log(op.id, mutation?.kind ?? 'valid', res.statusCode, res.body.slice(0, 160));
      const problem = checker.check(op, res.statusCode, res.headers['content-type'] as string | undefined, res.body);
      if (problem) failures.push(`${op.id} [${mutation?.kind ?? 'valid'}]: ${problem}\n    request: ${describeSent(sent)}`);
    }
    // logout ends the session it is called with (rightly): the next operation gets a fresh one
    if ((await a.inject('GET', '/api/v1/me', { token: f.adminToken })).status === 401) f.adminToken = await a.login(f.adminEmail, 'admin-pass-123');
  }
  return { failures, cases, operations: ops.length, statuses: Object.fromEntries([...statuses].sort()) };
}

function contractSuite(kind: DbKind, runs: number) {
  describe(`the OpenAPI contract on ${kind}`, () => {
    let t: TestApp;
    let f: Fixtures;
    let doc: JsonSchema;

    beforeAll(async () => {
      t = await createTestApp(kind);
      f = await setUp(t);
      doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    });
    afterAll(async () => {
      await t?.close();
    });

    if (kind === 'postgres') {
      it('passes Redocly’s recommended rules with no error and no warning', async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-openapi-')), 'openapi.json');
        fs.writeFileSync(file, JSON.stringify(doc));
        const { errors, warnings, output } = await lint(file);
        console.log(`redocly lint: ${errors} errors, ${warnings} warnings`);
        expect({ errors, warnings }, output).toEqual({ errors: 0, warnings: 0 });
      }, 60_000);

      it('names every operation for a generated client and says how it is secured', () => {
        const ops = operationsOf(doc);
        const ids = ops.map((o) => o.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const op of ops) {
          expect(op.id, `${op.method} ${op.path}`).toMatch(/^[a-z][A-Za-z]+$/);
          const schemes = op.security.flatMap((s) => Object.keys(s));
          if (op.path.startsWith('/api/v1/widget/')) expect(schemes.every((s) => s === 'contactToken'), op.id).toBe(true);
          else if (op.id !== 'login' && op.id !== 'downloadAttachment') expect(schemes.sort(), op.id).toEqual(['bearer', 'session']);
          else expect(schemes, op.id).toEqual([]);
        }
        expect(doc.info.license.name).toBe('Apache-2.0');
        expect(doc.servers.length).toBeGreaterThan(0);
        expect(doc.tags.every((tag: { description?: string }) => tag.description)).toBe(true);
        expect(doc.paths['/api/v1/skill-groups/{id}'].delete.responses['204'].content).toBeUndefined();
        expect(ids).toEqual(expect.arrayContaining(['listConversations', 'createWidgetMessage']));
      });
    }

    it(`answers ${runs} generated valid and broken requests per operation with documented statuses and bodies only`, async () => {
      const { failures, cases, operations, statuses } = await fuzz(t, f, doc, runs, SEED);
      console.log(`contract fuzz on ${kind}: ${operations} operations × ${runs} = ${cases} cases, ${failures.length} failures (CONTRACT_SEED=${SEED}); statuses ${JSON.stringify(statuses)}`);
      expect(failures, `CONTRACT_SEED=${SEED} replays this run; ${failures.length} failures:\n${failures.slice(0, 25).join('\n')}`).toEqual([]);
    }, 120_000);
  });
}

contractSuite('postgres', RUNS);
contractSuite('pglite', Math.max(5, Math.round(RUNS / 3)));
