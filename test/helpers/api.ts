import type { TestApp } from './app.js';

/** Thin helpers over app.inject for the flows most tests need. */
export function api(t: TestApp) {
  const agent = (token: string) => ({ authorization: `Bearer ${token}` });
  const inject = async (method: string, url: string, opts: { token?: string; contactToken?: string; payload?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) Object.assign(headers, agent(opts.token));
    if (opts.contactToken) headers['x-contact-token'] = opts.contactToken;
    const res = await t.app.inject({ method: method as 'GET', url, headers, payload: opts.payload as object });
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : null, headers: res.headers, raw: res };
  };
  const w = `/api/v1/widget/${t.inbox.token}`;
  return {
    inject,
    async newContact(body: object = {}) {
      const r = await inject('POST', `${w}/contacts`, { payload: body });
      if (r.status !== 201) throw new Error(`contact: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { contactToken: string; contact: { id: number } };
    },
    async newConversation(contactToken: string) {
      const r = await inject('POST', `${w}/conversations`, { contactToken });
      if (r.status !== 201) throw new Error(`conversation: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { id: number };
    },
    customerSend(contactToken: string, conversationId: number, content: string, clientMessageId: string = crypto.randomUUID()) {
      return inject('POST', `${w}/conversations/${conversationId}/messages`, { contactToken, payload: { content, clientMessageId } });
    },
    agentSend(token: string, conversationId: number, content: string, extra: object = {}) {
      return inject('POST', `/api/v1/conversations/${conversationId}/messages`, { token, payload: { content, ...extra } });
    },
    async createAgent(token: string, body: { email: string; name: string; role?: string; password?: string; agentNo?: string }) {
      const r = await inject('POST', '/api/v1/agents', { token, payload: { password: 'agent-pass-123', ...body } });
      if (r.status !== 201) throw new Error(`agent: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { id: number; email: string };
    },
    async login(email: string, password = 'agent-pass-123') {
      const r = await inject('POST', '/api/v1/auth/login', { payload: { email, password } });
      if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    widgetBase: w,
  };
}

function safeJson(s: string) {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
