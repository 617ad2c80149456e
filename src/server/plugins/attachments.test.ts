import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../test/helpers/api.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.each(DB_KINDS)('attachments on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  let contactToken: string;
  let convId: number;
  const upload = (body: Buffer, type: string, filename = 'x.png', who: { contactToken?: string; token?: string } = { contactToken }) =>
    t.app.inject({
      method: 'POST',
      url: who.token ? `/api/v1/attachments?filename=${encodeURIComponent(filename)}` : `${a.widgetBase}/attachments?filename=${encodeURIComponent(filename)}`,
      headers: { 'content-type': type, ...(who.contactToken ? { 'x-contact-token': who.contactToken } : {}), ...(who.token ? { authorization: `Bearer ${who.token}` } : {}) },
      payload: body,
    });

  beforeAll(async () => {
    contactToken = (await a.newContact()).contactToken;
    convId = (await a.newConversation(contactToken)).id;
  });

  it('a customer sends an image: stored in the database, served by its capability URL', async () => {
    const up = await upload(PNG, 'image/png', '截图.png');
    expect(up.statusCode).toBe(201);
    const ref = up.json();
    expect(ref).toMatchObject({ name: '截图.png', contentType: 'image/png', size: PNG.length });
    const msg = await a.inject('POST', `${a.widgetBase}/conversations/${convId}/messages`, {
      contactToken,
      payload: { content: '', clientMessageId: 'img-1', attachmentIds: [ref.id] },
    });
    expect(msg.status).toBe(201);
    expect(msg.body).toMatchObject({ contentType: 'image', attachments: [{ id: ref.id, url: ref.url }] });

    const dl = await t.app.inject({ method: 'GET', url: ref.url });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(dl.rawPayload.equals(PNG)).toBe(true);

    // an attachment belongs to one message only
    const reuse = await a.inject('POST', `${a.widgetBase}/conversations/${convId}/messages`, {
      contactToken,
      payload: { content: 'again', clientMessageId: 'img-2', attachmentIds: [ref.id] },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe('attachment_unavailable');
  });

  it('refuses files over 10 MB naming the limit', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const r = await upload(big, 'image/png');
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'attachment_too_large', details: { limit: 10 * 1024 * 1024 } });
    expect(r.json().error.message).toMatch(/10 MB/);
  });

  it('refuses types not on the list, and content that is not what it claims', async () => {
    const exe = await upload(Buffer.from('MZ\x90\x00'), 'application/x-msdownload', 'virus.exe');
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error.code).toBe('attachment_type_not_allowed');
    expect(exe.json().error.message).toMatch(/image\/png/);
    const fake = await upload(Buffer.from('<script>alert(1)</script>'), 'image/png');
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.code).toBe('attachment_type_mismatch');
  });

  it('agents upload too, and cannot use a customer’s upload as their own', async () => {
    const mine = await upload(PNG, 'image/png', 'a.png', { token: t.adminToken });
    expect(mine.statusCode).toBe(201);
    const theirs = (await upload(PNG, 'image/png')).json();
    const r = await a.agentSend(t.adminToken, convId, 'see', { attachmentIds: [theirs.id] });
    expect(r.status).toBe(400);
    const ok = await a.agentSend(t.adminToken, convId, 'see', { attachmentIds: [mine.json().id] });
    expect(ok.status).toBe(201);
    const pdf = await upload(Buffer.from('%PDF-1.4 minimal'), 'application/pdf', '../../etc/发票.pdf', { token: t.adminToken });
    expect(pdf.json().name).toBe('发票.pdf');
    const dl = await t.app.inject({ method: 'GET', url: pdf.json().url });
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(dl.headers['content-security-policy']).toContain('sandbox');
  });
});
