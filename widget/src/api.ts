import type { CustomerRating, RatingBody } from './csat';
import type { AttachmentRef, ContactAttributes, Conversation, CustomerTicket, Identity, Locale, Message, PreChatAnswers, SendBody, SignedIdentity, WidgetConfig } from './types';

/**
 * A failed request or refused frame. `status` 0 means no answer at all (network
 * down, timeout, socket closed): always worth retrying.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** Worth trying again later with the same clientMessageId. */
  get transient(): boolean {
    const s = this.status;
    return s === 0 || s === 408 || s === 429 || s >= 500 || this.code === 'rate_limited' || this.code === 'internal_error';
  }
}

export const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));

interface CallOptions {
  body?: unknown;
  /** Raw upload: the body is sent as is with this Content-Type. */
  type?: string;
  /** Send X-Contact-Token. Off for public routes: a stale token would make them fail. */
  auth?: boolean;
  timeout?: number;
}

/** The client API of one inbox, on the server the script was loaded from (cross-origin, open CORS). */
export class Api {
  private readonly base: string;

  constructor(
    origin: string,
    inboxToken: string,
    private readonly contactToken: () => string | null,
    /** data-locale: the config's texts and new conversations are in this language (null: the inbox's). */
    private readonly locale: Locale | null = null,
  ) {
    this.base = `${origin}/api/v1/widget/${encodeURIComponent(inboxToken)}`;
  }

  config(): Promise<WidgetConfig> {
    return this.call('GET', this.locale ? `/config?locale=${this.locale}` : '/config');
  }

  createContact(body: Identity & { attributes: ContactAttributes }): Promise<{ contactToken: string }> {
    return this.call('POST', '/contacts', { body });
  }

  updateContact(body: Identity): Promise<unknown> {
    return this.call('PATCH', '/contact', { body, auth: true });
  }

  /** The site's signed user: `merged` when this visitor joined a known customer (the token now stands for them). */
  async identify(body: SignedIdentity): Promise<boolean> {
    return (await this.call<{ merged: boolean }>('POST', '/identify', { body, auth: true })).merged;
  }

  async conversations(): Promise<Conversation[]> {
    return (await this.call<{ conversations: Conversation[] }>('GET', '/conversations', { auth: true })).conversations;
  }

  /** With the pre-chat form's answers, when the inbox asks for them; the conversation keeps the visitor's language. */
  createConversation(body: PreChatAnswers & { locale?: Locale } = {}): Promise<Conversation> {
    return this.call('POST', '/conversations', { auth: true, body });
  }

  /** The newest page of a conversation (or the page before `before`), oldest first, and the conversation. */
  messages(conversationId: number, before?: number): Promise<{ conversation: Conversation; messages: Message[] }> {
    const q = before ? `?before=${before}` : '';
    return this.call('GET', `/conversations/${conversationId}/messages${q}`, { auth: true });
  }

  /** 结束排队: false when no longer queued (an agent took it, or it ended). */
  async leaveQueue(conversationId: number): Promise<boolean> {
    return (await this.call<{ abandoned: boolean }>('POST', `/conversations/${conversationId}/leave-queue`, { auth: true })).abandoned;
  }

  /** Answers an invitation when the socket is down; accepting an agent's opens the conversation returned. */
  async replyInvite(invitationId: number, accept: boolean): Promise<number | null> {
    return (await this.call<{ conversationId: number | null }>('POST', `/invitations/${invitationId}/reply`, { auth: true, body: { accept } })).conversationId;
  }

  /** The visitor picked one of the bot's "您是不是想问" choices: the bot's answer comes back (and over the socket). */
  choose(conversationId: number, articleId: number): Promise<Message> {
    return this.call('POST', `/conversations/${conversationId}/bot/choose`, { auth: true, body: { articleId } });
  }

  /** 有帮助 / 没帮助 on a bot answer (a second rating replaces the first). */
  async feedback(conversationId: number, messageId: number, helpful: boolean): Promise<void> {
    await this.call('POST', `/conversations/${conversationId}/bot/feedback`, { auth: true, body: { messageId, helpful } });
  }

  /** 我的工单: the visitor's tickets, newest first, with the public replies. */
  async tickets(): Promise<CustomerTicket[]> {
    return (await this.call<{ tickets: CustomerTicket[] }>('GET', '/tickets', { auth: true })).tickets;
  }

  /** 确认已解决 on a ticket. */
  confirmTicket(id: number): Promise<CustomerTicket> {
    return this.call('POST', `/tickets/${id}/confirm`, { auth: true });
  }

  /** 结束会话: the visitor ends the conversation (it becomes resolved). */
  async end(conversationId: number): Promise<Conversation> {
    return (await this.call<{ conversation: Conversation }>('POST', `/conversations/${conversationId}/end`, { auth: true })).conversation;
  }

  /** 满意度: the visitor's rating of a conversation, null before they rate. */
  async rating(conversationId: number): Promise<CustomerRating | null> {
    return (await this.call<{ rating: CustomerRating | null }>('GET', `/conversations/${conversationId}/rating`, { auth: true })).rating;
  }

  /** Rates a conversation, or changes the rating (within its window). */
  async rate(conversationId: number, body: RatingBody): Promise<CustomerRating> {
    return (await this.call<{ rating: CustomerRating }>('POST', `/conversations/${conversationId}/rating`, { auth: true, body })).rating;
  }

  send(conversationId: number, body: SendBody): Promise<Message> {
    return this.call('POST', `/conversations/${conversationId}/messages`, { body, auth: true });
  }

  upload(file: Blob, filename: string, type: string): Promise<AttachmentRef> {
    const q = `?filename=${encodeURIComponent(filename.slice(-200))}`;
    return this.call('POST', `/attachments${q}`, { body: file, type, auth: true, timeout: 120_000 });
  }

  private async call<T>(method: string, path: string, o: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = {};
    const token = o.auth ? this.contactToken() : null;
    if (token) headers['X-Contact-Token'] = token;
    let body: BodyInit | undefined;
    if (o.type) {
      headers['Content-Type'] = o.type;
      body = o.body as Blob;
    } else if (o.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    // The timer covers the body too: a stalled response must not hang the outbox.
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = setTimeout(() => ctl?.abort(), o.timeout ?? 20_000);
    try {
      let res: Response;
      let data: { error?: { code?: string; message?: string } } | null;
      try {
        res = await fetch(this.base + path, { method, headers, body, signal: ctl?.signal, credentials: 'omit' });
        data = await res.json().catch(() => null);
      } catch (e) {
        throw new ApiError(0, 'network', String(e));
      }
      if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? res.statusText);
      return data as T;
    } finally {
      clearTimeout(timer);
    }
  }
}
