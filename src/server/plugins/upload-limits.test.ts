import { describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { waitFor } from '../../../test/helpers/reception.js';
import { loadConfig } from '../../config.js';
import { useTestApp } from '../../../test/helpers/suite.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const pdf = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(bytes - 9, 0x20)]);

/**
 * Issue 12, item 3: uploads are bounded. An upload no message refers to is deleted
 * by a durable timer after ZHIKE_UPLOAD_EXPIRY_MINUTES; a visitor has a daily quota
 * of files and bytes; agents have no quota but their stray uploads expire too.
 */
describe.each(DB_KINDS)('upload limits on %s', (kind) => {
  // 3 s to live, 3 files or 400 bytes a day per visitor
  const { t, a } = useTestApp(kind, { config: { timerPollMs: 50, uploadExpiryMinutes: 0.05, uploadDailyFiles: 3, uploadDailyBytes: 400 } });
  const upload = (body: Buffer, type: string, who: { contactToken?: string; token?: string }) =>
    t.app.inject({
      method: 'POST',
      url: who.token ? '/api/v1/attachments?filename=f' : `${a.widgetBase}/attachments?filename=f`,
      headers: { 'content-type': type, ...(who.contactToken ? { 'x-contact-token': who.contactToken } : {}), ...(who.token ? { authorization: `Bearer ${who.token}` } : {}) },
      payload: body,
    });
  const exists = async (id: number) => (await t.db.query('SELECT 1 FROM attachments WHERE id = $1', [id])).length > 0;

  it('an upload no message took is deleted when its timer fires (GET 404); an attached one stays', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const stray = (await upload(PNG, 'image/png', { contactToken })).json();
    const kept = (await upload(PNG, 'image/png', { token: t.adminToken })).json();
    const agentStray = (await upload(PNG, 'image/png', { token: t.adminToken })).json();
    const sent = await a.agentSend(t.adminToken, conv.id, '发票', { attachmentIds: [kept.id] });
    expect(sent.status).toBe(201);
    expect((await t.app.inject({ method: 'GET', url: stray.url })).statusCode).toBe(200);
    // one durable timer per upload, in the database (it survives a restart and fires on one instance)
    const timers = await t.db.query(`SELECT key FROM timers WHERE kind = 'upload_expiry' ORDER BY key`);
    expect(timers.map((r) => r.key)).toEqual(expect.arrayContaining([`upload:${stray.id}`, `upload:${kept.id}`, `upload:${agentStray.id}`]));

    await waitFor(() => exists(stray.id), (still) => !still, 15_000);
    await waitFor(() => exists(agentStray.id), (still) => !still, 15_000); // agents' stray uploads expire too
    expect((await t.app.inject({ method: 'GET', url: stray.url })).statusCode).toBe(404);
    // the attached one's timer has fired as well, and kept it
    await waitFor(() => t.db.query('SELECT 1 FROM timers WHERE key = $1', [`upload:${kept.id}`]), (rows) => rows.length === 0, 15_000);
    const dl = await t.app.inject({ method: 'GET', url: kept.url });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(PNG)).toBe(true);
    // an expired upload cannot be attached any more
    const late = await a.customerSend(contactToken, conv.id, 'x');
    expect(late.status).toBe(201);
    const withStray = await a.inject('POST', `${a.widgetBase}/conversations/${conv.id}/messages`, {
      contactToken,
      payload: { content: '', clientMessageId: 'late-img', attachmentIds: [stray.id] },
    });
    expect(withStray.status).toBe(400);
    expect(withStray.body.error.code).toBe('attachment_unavailable');
  });

  it('a visitor’s daily quota: files, then bytes, refused with 429 naming the quota; refusals count for nothing; agents have none', async () => {
    const one = await a.newContact();
    // a refused file (wrong type) does not count
    expect((await upload(Buffer.from('MZ'), 'application/x-msdownload', { contactToken: one.contactToken })).statusCode).toBe(415);
    for (let i = 0; i < 3; i++) expect((await upload(PNG, 'image/png', { contactToken: one.contactToken })).statusCode).toBe(201);
    const fourth = await upload(PNG, 'image/png', { contactToken: one.contactToken });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error).toMatchObject({ code: 'upload_quota_exceeded', details: { quota: 'upload.daily_files', limit: 3 } });
    expect(fourth.json().error.message).toMatch(/at most 3 files a day/);
    const retryAfter = Number(fourth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    // another visitor has their own quota; bytes count too
    const two = await a.newContact();
    expect((await upload(pdf(300), 'application/pdf', { contactToken: two.contactToken })).statusCode).toBe(201);
    const over = await upload(pdf(150), 'application/pdf', { contactToken: two.contactToken });
    expect(over.statusCode).toBe(429);
    expect(over.json().error).toMatchObject({ code: 'upload_quota_exceeded', details: { quota: 'upload.daily_bytes', limit: 400 } });
    expect(over.json().error.message).toMatch(/400 bytes a day/);
    expect((await upload(pdf(100), 'application/pdf', { contactToken: two.contactToken })).statusCode).toBe(201); // still fits

    // at once: never past the limit
    const three = await a.newContact();
    const burst = await Promise.all(Array.from({ length: 6 }, () => upload(PNG, 'image/png', { contactToken: three.contactToken })));
    expect(burst.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect(burst.filter((r) => r.statusCode === 429)).toHaveLength(3);

    // agents are not limited
    for (let i = 0; i < 5; i++) expect((await upload(PNG, 'image/png', { token: t.adminToken })).statusCode).toBe(201);
  });
});

describe('upload configuration', () => {
  it('has sensible defaults and refuses bad values with the variable’s name', () => {
    expect(loadConfig({})).toMatchObject({ uploadExpiryMinutes: 60, uploadDailyFiles: 50, uploadDailyBytes: 50 * 1024 * 1024 });
    expect(loadConfig({ ZHIKE_UPLOAD_DAILY_FILES: '0' }).uploadDailyFiles).toBe(0);
    expect(() => loadConfig({ ZHIKE_UPLOAD_EXPIRY_MINUTES: '0' })).toThrow(/ZHIKE_UPLOAD_EXPIRY_MINUTES/);
    expect(() => loadConfig({ ZHIKE_UPLOAD_DAILY_BYTES: '10MB' })).toThrow(/ZHIKE_UPLOAD_DAILY_BYTES/);
    expect(() => loadConfig({ ZHIKE_UPLOAD_DAILY_FILES: '-1' })).toThrow(/ZHIKE_UPLOAD_DAILY_FILES/);
  });
});
