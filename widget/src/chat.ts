import { MAX_ATTACHMENT_BYTES, MAX_MESSAGE_CHARS } from '../../src/core/limits';
import { codePointLength } from '../../src/core/text';
import { Api, ApiError, asApiError } from './api';
import { type Env, landing, onNavigate, pageReport, uuid, visitKey, visitorAttributes } from './env';
import { Ratings } from './csat';
import { fileType } from './files';
import { textsFor, type Texts } from './i18n';
import { Outbox, type OutboxItem } from './outbox';
import { Socket, type SocketState } from './socket';
import type { QueueSpot, Store } from './store';
import type { Conversation, Identity, Invite, Message, PageReport, PreChatAnswers, SendBody, ServerFrame, SignedIdentity, WidgetConfig } from './types';
import { type Preview, View } from './ui';

const MAX_FILE_MB = MAX_ATTACHMENT_BYTES / 1024 / 1024;
const ACK_TIMEOUT_MS = 10_000;
const TYPING_EVERY_MS = 2_000;
const TYPING_IDLE_MS = 3_000;
/** An agent's typing indicator dies on its own if the "off" frame is lost. */
const AGENT_TYPING_MS = 8_000;
const HISTORY_PAGE = 100;
/** The HTTP status of the same refusal, so the outbox judges socket and HTTP errors alike. */
const FRAME_ERROR_STATUS: Record<string, number> = {
  conversation_resolved: 409,
  conversation_not_found: 404,
  invalid_text: 400,
  rate_limited: 429,
  internal_error: 500,
};

const DEFAULT_CONFIG: WidgetConfig = { title: '', greeting: null, color: '#1677ff', locale: 'zh-CN', agentsOnline: 1 };

interface Waiter {
  resolve(m: Message): void;
  reject(e: ApiError): void;
}

/**
 * The widget's brain: who the visitor is (contact token), which conversation is
 * current, what is shown, what is still on its way out. The contact is created and
 * the socket opened at page load: agents see who is browsing (and invite them); the
 * idle socket costs a hello, a page frame per navigation and the server's pings.
 */
export class Chat {
  private readonly t: Texts;
  private readonly api: Api;
  private readonly view: View;
  private readonly outbox: Outbox;
  /** 满意度评价 cards. */
  private readonly ratings: Ratings;
  private socket: Socket | null = null;
  private cfg: WidgetConfig;
  private cfgAt = 0;
  private contact: string | null;
  private contactP: Promise<string> | null = null;
  private identity: Identity = {};
  /** The signed user's name / email / phone: the site's claims, sent with the identity only (prefill the pre-chat form). */
  private claims: Identity = {};
  /** Each signed identity (userId, timestamp, signature) this page sent: sent once (a page may identify on every route). */
  private readonly signed = new Set<string>();
  /** Signed identities go one after another; the first history load waits for those asked for at start. */
  private signing: Promise<void> = Promise.resolve();
  private warned = false;
  /** Identified: the customer may have conversations from other devices, so the history is asked for even without one stored here. */
  private wide = false;
  /** load() ran once: a merge or a new user loads again. */
  private started = false;
  private readonly first = landing();
  /** The current conversation: messages go there until it ends. */
  private conv: Conversation | null = null;
  private readonly convs = new Map<number, Conversation>();
  /**
   * conversation → last seq received through the ordered stream (history, `message`
   * frames). The socket's resume point; acks and HTTP answers do not move it, since
   * a message stored while we were away could sit below them.
   */
  private readonly cursor = new Map<number, number>();
  /** conversation → highest seq shown, for the unread mark. */
  private readonly top = new Map<number, number>();
  private readonly waiters = new Map<string, Waiter>();
  /** Outbox items this page handles; the stored outbox keeps other tabs' items. */
  private readonly mine = new Set<string>();
  private unread = 0;
  private wasReady = false;
  private historyTry = 0;
  private historyTimer = 0;
  /**
   * [conversation, seq]: there is more history before this seq (the oldest page loaded).
   * Not the oldest row shown: a message resent from a stale outbox may sit far above the page.
   */
  private olderOf: [number, number] | null = null;
  private typingConv = 0;
  private typingAt = 0;
  private typingIdle = 0;
  private agentTypingTimer = 0;
  /** The conversation being created (the outbox and the pre-chat form may both ask for it). */
  private convP: Promise<number> | null = null;
  /** History is loaded (or there is none): until then, whether a conversation is open is unknown. */
  private loaded: boolean;
  /** 排队: our place in the queue, live. */
  private queue: QueueSpot | null = null;
  /** The invitation shown (at most one). */
  private invitation: Invite | null = null;
  /** The last page reported; single-page sites report each navigation. */
  private url = '';
  /** The current page's key (a new one per page shown). */
  private pageKey = '';
  private navTimer = 0;
  /** conversation → [seq, sender] of the latest bot or agent message: is the bot answering it? */
  private readonly answeredBy = new Map<number, [number, string]>();
  /** 转人工 was asked in this conversation (0: in the one about to start): the button goes. */
  private asked: number | null = null;

  constructor(
    private readonly env: Env,
    private readonly store: Store,
  ) {
    const saved = store.get();
    this.cfg = saved.cfg ?? DEFAULT_CONFIG;
    this.contact = saved.contact ?? null;
    this.loaded = !this.contact;
    this.t = textsFor(env.locale ?? this.cfg.locale);
    this.api = new Api(env.origin, env.inbox, () => this.contact, env.locale);
    this.ratings = new Ratings(this.t, { get: (id) => this.guard(this.api.rating(id)), post: (id, body) => this.guard(this.api.rate(id, body)) });
    this.view = new View(env.origin, this.t, {
      send: (text) => this.sendText(text),
      files: (files) => files.forEach((f) => this.sendFile(f)),
      typing: (empty) => this.typing(empty),
      retry: () => this.outbox.kick(),
      toggled: (open) => this.toggled(open),
      reconnect: () => this.wake(),
      earlier: () => void this.loadEarlier(),
      prechat: (a, typed) => this.prechat(a, typed),
      leaveQueue: () => void this.leaveQueue(),
      toHuman: () => this.toHuman(),
      invite: (accept) => this.answerInvite(accept),
      choose: (conv, articleId) => void this.choose(conv, articleId),
      feedback: (conv, messageId, helpful) => this.feedback(conv, messageId, helpful),
      openTickets: () => void this.loadTickets(),
      confirmTicket: (id) => this.confirmTicket(id),
      endChat: () => void this.endChat(),
      csat: (m) => this.ratings.card(m),
    }, (id) => this.convs.get(id)?.status);
    this.outbox = new Outbox(
      {
        conversation: () => this.conversation(),
        upload: async (file, type) => {
          await this.ensureContact();
          return this.guard(this.api.upload(file, file.name || 'image.png', type));
        },
        send: (conv, item) => this.guard(this.deliver(conv, item)),
      },
      {
        sent: (_item, m) => this.receive(m, true),
        failed: (item, err, retrying) => {
          if (!retrying) console.warn('[zhike] message refused:', err.code, err.message);
          // refused for good (NUL, too long …): say why; the messages behind it go on
          this.view.own(item.cid, 'failed', retrying ? this.t.retrying : this.t.refused(err.code), retrying);
        },
        ended: (id) => this.status({ id, status: 'resolved', assignee: this.convs.get(id)?.assignee ?? null }),
        save: (items) =>
          this.store.update((s) => {
            for (const i of items) this.mine.add(i.cid);
            s.outbox = (s.outbox ?? []).filter((i) => !this.mine.has(i.cid)).concat(items);
          }),
      },
    );
  }

  /** Mounts the widget. `fresh`: the /config answer, when the caller already fetched it. */
  start(fresh?: WidgetConfig): void {
    document.body.append(this.view.host);
    this.view.config(this.cfg);
    if (fresh) this.cfgAt = Date.now();
    else void this.refreshConfig();
    // Unsent messages of an earlier page (or tab) go out again, after the history shows
    // what already arrived (without a contact, nothing did).
    if (!this.contact) this.restoreOutbox();
    // data-user-*: the site's logged-in user, known to agents at once.
    if (this.env.user) this.identify(this.env.user);
    // After the host page's early calls too (they run right after start): a browser another user
    // used shows nothing of theirs while the new user's identity is on its way.
    void Promise.resolve()
      .then(() => this.signing)
      .then(() => this.load());
    // Debounced: single-page apps set the title just after navigating.
    onNavigate(() => {
      clearTimeout(this.navTimer);
      this.navTimer = window.setTimeout(() => this.navigated(), 300);
    });
    window.addEventListener('online', () => this.wake());
    window.addEventListener('offline', () => this.socket?.kick());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) return;
      this.wake();
      this.seen();
    });
  }

  open(): void {
    this.view.open();
  }

  close(): void {
    this.view.close();
  }

  toggle(): void {
    this.view.toggle();
  }

  /**
   * Host pages may tell us who the visitor is: name / email / phone (unsigned), or the site's
   * logged-in user signed on its server (userId, timestamp, signature: docs/identity.md).
   */
  identify(who: Identity): void {
    const { userId, timestamp, signature, name, email, phone } = who;
    if (userId === undefined) {
      this.identity = { ...this.identity, ...who };
      if (this.contact) void this.api.updateContact(who).catch(() => {});
      return;
    }
    // Only the fields the server takes (it refuses others), as it types them.
    const body: SignedIdentity = { userId: String(userId), timestamp: Number(timestamp), signature: String(signature ?? ''), name, email, phone };
    const key = `${body.userId}\n${body.timestamp}\n${body.signature}`;
    if (this.signed.has(key)) return;
    this.signed.add(key);
    this.claims = { name, email, phone };
    this.signIn(body, key, 0);
  }

  private signIn(who: SignedIdentity, key: string, attempt: number): void {
    this.signing = this.signing.then(async () => {
      try {
        await this.ensureContact();
        let merged: boolean;
        try {
          merged = await this.guard(this.api.identify(who));
        } catch (e) {
          if (asApiError(e).code !== 'identity_switch') throw e;
          // Another user logged in on this browser: a contact of their own; nothing of the last one's is shown or sent.
          this.switchUser();
          await this.ensureContact();
          merged = await this.guard(this.api.identify(who));
        }
        this.wide = true;
        // Merged: the token stands for the customer now; reconnect and load their conversations.
        if (merged) {
          this.socket?.stop();
          this.socket = null;
        }
        if ((merged || !this.store.get().conv) && this.started) this.load();
      } catch (e) {
        const err = asApiError(e);
        if (err.transient || err.code === 'contact_unknown') {
          // Unreachable (or the contact was lost): again in a while; the signature holds for 10 minutes.
          if (attempt < 4) setTimeout(() => this.signIn(who, key, attempt + 1), 2_000 << attempt);
          else this.signed.delete(key); // the page's next call tries again
          return;
        }
        // Wrong or expired: the visitor goes on anonymously.
        if (!this.warned) console.warn('[zhike] identify refused:', err.code, err.message);
        this.warned = true;
      }
    });
  }

  /** A different user on this browser (409 identity_switch): forget the last one's contact and everything shown of it. */
  private switchUser(): void {
    this.forgetContact();
    this.identity = {};
    this.outbox.clear();
    this.store.update((s) => {
      delete s.outbox;
      delete s.pre;
    });
    this.top.clear();
    this.answeredBy.clear();
    this.ratings.clear();
    this.unread = 0;
    this.view.badge(0);
    this.older(null);
    this.asked = null;
    this.invitation = null;
    this.view.clear();
    this.who();
  }

  // ── configuration, contact, history ────────────────────────────────────

  private async refreshConfig(): Promise<void> {
    const cfg = await fetchConfig(this.api, this.store);
    if (cfg === 'unknown') return this.view.host.remove();
    if (!cfg) return; // unreachable right now: the widget works on; messages wait in the outbox
    this.cfg = cfg;
    this.cfgAt = Date.now();
    this.view.config(cfg);
    this.who();
  }

  private ensureContact(): Promise<string> {
    if (this.contact) return Promise.resolve(this.contact);
    // Another tab may have created it meanwhile.
    const saved = this.store.get().contact;
    if (saved) return Promise.resolve((this.contact = saved));
    return (this.contactP ??= this.api
      .createContact({ attributes: visitorAttributes(this.first) })
      .then(({ contactToken }) => {
        this.contact = contactToken;
        this.store.update((s) => (s.contact = contactToken));
        // Separately: a malformed e-mail from the host page must not keep the visitor's messages out.
        if (Object.keys(this.identity).length) void this.api.updateContact(this.identity).catch(() => {});
        return contactToken;
      })
      .finally(() => (this.contactP = null)));
  }

  /** The server no longer knows our contact (data reset): start afresh; the outbox resends under a new one. */
  private forgetContact(): void {
    this.contact = null;
    this.conv = null;
    this.convs.clear();
    this.cursor.clear();
    this.socket?.stop();
    this.socket = null;
    this.queue = null;
    this.store.update((s) => {
      delete s.contact;
      delete s.conv;
      delete s.seen;
      delete s.queue;
    });
    this.who();
  }

  /** Catches contact_unknown on any call to forget the contact before the error goes on. */
  private async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'contact_unknown') this.forgetContact();
      throw e;
    }
  }

  /**
   * The contact (created now for a new visitor: agents see who browses), the newest
   * page of the current conversation (and, when it is short, the conversation before
   * it, for context), then the socket, resuming after the last seq loaded. Retried
   * with backoff while the server is unreachable, or after the contact was lost.
   */
  private load(): void {
    clearTimeout(this.historyTimer);
    this.historyTimer = 0;
    this.started = true;
    void (async () => {
      try {
        await this.ensureContact();
        // Most visitors never chat: without a conversation ever, there is no history to ask for
        // (an identified customer may have some from another device).
        if (this.wide || this.store.get().conv) await this.history();
        this.historyTry = 0;
        this.loaded = true;
        this.view.connection(false);
        this.view.badge(this.unread);
        this.seen();
        this.restoreOutbox();
        // Queue positions come only when the queue moves: show the last one heard until then.
        const q = this.store.get().queue;
        if (q && this.convs.has(q.conv)) this.queued(q);
        this.who();
        this.connect();
      } catch (e) {
        if (asApiError(e).code === 'inbox_not_found') return;
        if (!this.contact) this.restoreOutbox(); // contact_unknown: the messages go out under a new contact
        this.view.connection(true);
        this.view.linkState('down');
        const wait = Math.min(15_000, 1_000 * 2 ** this.historyTry++);
        this.historyTimer = window.setTimeout(() => this.load(), wait / 2 + (Math.random() * wait) / 2);
      }
    })();
  }

  private async history(): Promise<void> {
    const list = await this.guard(this.api.conversations());
    const seen = this.store.get().seen ?? {};
    for (const c of list.slice(0, 2)) {
      const page = (await this.guard(this.api.messages(c.id))).messages;
      this.status(c);
      for (const m of page) {
        this.cursor.set(c.id, Math.max(this.cursor.get(c.id) ?? 0, m.seq));
        // Replies that came while no page was open count as unread.
        const s = seen[c.id];
        if (this.receive(m, false) && s !== undefined && m.seq > s && m.senderType !== 'customer' && m.senderType !== 'system') this.unread++;
      }
      // A full page: there is more above it; older conversations would leave a gap.
      if (page.length === HISTORY_PAGE) {
        this.older([c.id, page[0].seq]);
        break;
      }
    }
  }

  private older(at: [number, number] | null): void {
    this.olderOf = at;
    this.view.earlier(at !== null);
  }

  private async loadEarlier(): Promise<void> {
    if (!this.olderOf) return;
    const [conv, before] = this.olderOf;
    try {
      const page = (await this.api.messages(conv, before)).messages;
      this.view.keepPosition(() => page.forEach((m) => this.receive(m, false)));
      this.older(page.length < HISTORY_PAGE ? null : [conv, page[0].seq]);
    } catch {
      /* the button stays; try again */
    }
  }

  private restoreOutbox(): void {
    for (const item of this.store.get().outbox ?? []) {
      if (this.outbox.has(item.cid)) continue;
      this.mine.add(item.cid);
      if (this.view.has(item.cid)) {
        // stored before the page went away (the answer was lost): the history shows it; nothing to resend
        this.store.update((s) => (s.outbox = s.outbox?.filter((i) => i.cid !== item.cid)));
        continue;
      }
      this.view.pending(item.cid, item.conv, item.content, item.attachments);
      this.outbox.add(item);
    }
  }

  /** The conversation the outbox sends to: the current one, or a new one (once, however many ask). */
  private conversation(): Promise<number> {
    return (this.convP ??= this.newConversation().finally(() => (this.convP = null)));
  }

  private async newConversation(): Promise<number> {
    await this.ensureContact();
    if (this.conv && this.conv.status !== 'resolved') return this.conv.id;
    // The pre-chat answers waiting for this conversation: the topic picks the skill group.
    const pre = this.store.get().pre;
    const body: PreChatAnswers = pre && pre.conv === undefined ? { topic: pre.topic, name: pre.name, phone: pre.phone } : {};
    let c: Conversation;
    try {
      c = await this.guard(this.api.createConversation({ ...body, locale: this.env.locale ?? this.cfg.locale }));
    } catch (e) {
      // The topics changed since /config: go without one rather than not at all.
      if (asApiError(e).code !== 'unknown_topic') throw e;
      void this.refreshConfig();
      c = await this.guard(this.api.createConversation({ ...body, topic: undefined, locale: this.env.locale ?? this.cfg.locale }));
    }
    if (pre && pre.conv === undefined) this.store.update((s) => s.pre && (s.pre.conv = c.id));
    if (this.asked === 0) this.asked = c.id;
    this.status(c);
    this.connect();
    return c.id;
  }

  // ── the socket ─────────────────────────────────────────────────────────

  /** Connects at page load (visitor tracking, invitations) and stays connected. */
  private connect(): void {
    if (this.socket || !this.contact) return;
    const base = this.env.origin.replace(/^http/, 'ws');
    this.socket = new Socket(`${base}/api/v1/ws`, {
      hello: () => {
        const resume: Record<string, number> = {};
        for (const id of this.convs.keys()) resume[id] = this.cursor.get(id) ?? 0;
        return { type: 'hello', inboxToken: this.env.inbox, contactToken: this.contact ?? '', resume, page: this.page() };
      },
      frame: (f) => this.frame(f),
      state: (s, code) => this.socketState(s, code),
      quiet: () => !this.view.isOpen && !this.invitation && !this.outbox.items.length && (!this.conv || this.conv.status === 'resolved'),
    });
    this.socket.start();
  }

  /** The page now, as reported; counts as activity for the visit. */
  private page(): PageReport {
    if (location.href !== this.url || !this.pageKey) this.pageKey = uuid();
    this.url = location.href;
    return pageReport(visitKey(this.store), this.pageKey);
  }

  /** A single-page site navigated: report the new page (while down, the next hello does). */
  private navigated(): void {
    if (location.href !== this.url) this.socket?.send({ type: 'page', page: this.page() });
  }

  private socketState(s: SocketState, code?: number): void {
    // Connecting for the first time is not "disconnected"; anything after a failure is.
    this.view.connection(s === 'down' || (s === 'connecting' && this.wasReady));
    this.view.linkState(s === 'ready' || s === 'idle' ? 'up' : s === 'down' || this.wasReady ? 'down' : 'connecting');
    if (s === 'ready') return;
    for (const [ref, w] of this.waiters) {
      this.waiters.delete(ref);
      w.reject(new ApiError(0, 'disconnected', 'connection lost'));
    }
    if (code === 4003) {
      // The server no longer knows us (data reset): a new contact, and connect again.
      this.forgetContact();
      clearTimeout(this.historyTimer);
      this.historyTimer = window.setTimeout(() => this.load(), 1_000);
    }
  }

  private frame(f: ServerFrame): void {
    switch (f.type) {
      case 'ready':
        // After a reconnect, conversation frames (resolved, assigned) may have been missed.
        if (this.wasReady) {
          void this.refreshStatuses();
          this.ratings.refresh();
        }
        this.wasReady = true;
        this.outbox.kick();
        return;
      case 'message': {
        const m = f.message;
        this.cursor.set(m.conversationId, Math.max(this.cursor.get(m.conversationId) ?? 0, m.seq));
        this.receive(m, true);
        return;
      }
      case 'ack':
      case 'error': {
        const w = f.ref ? this.waiters.get(f.ref) : undefined;
        if (!w || !f.ref) return;
        this.waiters.delete(f.ref);
        if (f.type === 'ack') w.resolve(f.message);
        else w.reject(new ApiError(FRAME_ERROR_STATUS[f.code] ?? 400, f.code, f.message));
        return;
      }
      case 'conversation':
        this.status(f.conversation);
        return;
      case 'queue':
        this.queued({ conv: f.conversationId, position: f.position, eta: f.etaSeconds });
        return;
      case 'invite':
        // One at a time: a newer invitation replaces the one shown.
        this.invitation = f;
        this.view.invite(f);
        return;
      case 'invite_result':
        if (f.conversationId) void this.adopt(f.conversationId);
        return;
      case 'typing':
        if (f.from !== 'agent' || f.conversationId !== this.conv?.id) return;
        this.view.typing(f.on);
        clearTimeout(this.agentTypingTimer);
        if (f.on) this.agentTypingTimer = window.setTimeout(() => this.view.typing(false), AGENT_TYPING_MS);
        return;
    }
  }

  private deliver(conv: number, item: OutboxItem): Promise<Message> {
    const body: SendBody = { content: item.content, clientMessageId: item.cid };
    if (item.attachments.length) body.attachmentIds = item.attachments.map((a) => a.id);
    this.view.own(item.cid, 'sending', this.t.sending);
    const socket = this.socket;
    if (!socket || socket.state !== 'ready') return this.api.send(conv, body);
    return new Promise<Message>((resolve, reject) => {
      const ref = item.cid;
      const timer = window.setTimeout(() => {
        this.waiters.delete(ref);
        reject(new ApiError(0, 'timeout', 'no acknowledgement'));
      }, ACK_TIMEOUT_MS);
      const done = <T>(fn: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        fn(v);
      };
      this.waiters.set(ref, { resolve: done(resolve), reject: done(reject) });
      if (!socket.send({ type: 'send', ref, conversationId: conv, ...body })) this.waiters.get(ref)?.reject(new ApiError(0, 'disconnected', 'not connected'));
    });
  }

  /** After a reconnect: statuses missed meanwhile, and conversations started elsewhere (an invitation accepted, another tab). */
  private async refreshStatuses(): Promise<void> {
    try {
      for (const c of await this.api.conversations()) {
        if (this.convs.has(c.id)) this.status(c);
        else if (!this.conv || c.id > this.conv.id) void this.adopt(c.id);
      }
    } catch {
      /* the next reconnect tries again */
    }
  }

  /** A conversation started elsewhere (an agent's invitation accepted): it becomes current, with its messages. */
  private async adopt(id: number): Promise<void> {
    try {
      const { conversation, messages } = await this.guard(this.api.messages(id));
      this.status(conversation);
      for (const m of messages) {
        this.cursor.set(id, Math.max(this.cursor.get(id) ?? 0, m.seq));
        this.receive(m, true);
      }
    } catch {
      /* its messages come over the socket anyway */
    }
  }

  /** The page is back (online / visible): reconnect now and flush the outbox. */
  private wake(): void {
    this.socket?.kick();
    this.outbox.kick();
    if (this.historyTimer) this.load();
  }

  // ── conversations and messages ─────────────────────────────────────────

  /** A conversation's status or assignee changed; the newest one is current. */
  private status(c: Conversation): void {
    const known = this.convs.get(c.id);
    const merged: Conversation = { id: c.id, status: c.status, assignee: c.assignee ?? known?.assignee ?? null, handler: c.handler ?? known?.handler };
    this.convs.set(c.id, merged);
    if (!this.conv || c.id >= this.conv.id) {
      if (this.conv?.id !== c.id) {
        this.store.update((s) => (s.conv = c.id));
        this.view.adoptLocal(c.id);
      }
      this.conv = merged;
    }
    // Taken by an agent, or ended: no longer waiting.
    if (this.queue?.conv === c.id && (merged.assignee || merged.status === 'resolved')) this.queued(null);
    if (this.conv.id === c.id) {
      const ended = merged.status === 'resolved';
      if (ended) this.view.typing(false);
      // Not while our next message is already starting the new conversation.
      this.view.ended(ended && !this.outbox.items.some((i) => i.conv === null || i.conv === c.id));
    }
    this.view.refresh();
    this.who();
  }

  /**
   * Who answers, in the header: the agent serving the current conversation
   * ("工号 1024 小王 为您服务", only while they do), else the bot when it answers
   * (with 转人工), else the inbox's status. Also the queue bar and the pre-chat form.
   */
  private who(): void {
    const c = this.conv && this.conv.status !== 'resolved' ? this.conv : null;
    const queued = !!c && this.queue?.conv === c.id;
    const last = c && this.answeredBy.get(c.id)?.[1];
    const answeredByBot = c?.handler ? c.handler === 'bot' : last ? last === 'bot' : this.cfg.answering === 'bot';
    const bot = !c?.assignee && !queued && answeredByBot && this.asked !== (c ? c.id : 0);
    this.view.serving(c?.assignee ?? null, bot, this.cfg.canHandOff !== false);
    this.view.queue(queued ? this.queue : null);
    this.view.endable(!!c && !queued);
    const pre = this.store.get().pre;
    this.view.prechat(this.needForm() ? (this.cfg.preChat ?? null) : null, { name: pre?.name ?? this.identity.name ?? this.claims.name, phone: pre?.phone ?? this.identity.phone ?? this.claims.phone });
  }

  /** The pre-chat form is due: the inbox asks, and the next message starts a conversation without answers yet. */
  private needForm(): boolean {
    const p = this.cfg.preChat;
    const pre = this.store.get().pre;
    return (
      !!p?.enabled &&
      (p.askName || p.askPhone || p.topics.length > 0) &&
      this.loaded &&
      !(this.conv && this.conv.status !== 'resolved') &&
      !(pre && pre.conv === undefined) &&
      !this.outbox.items.some((i) => i.conv === null)
    );
  }

  /** 排队: a position (live, or remembered from the last page), or null once an agent took it or it ended. */
  private queued(q: QueueSpot | null): void {
    const c = q && this.convs.get(q.conv);
    this.queue = c && (c.assignee || c.status === 'resolved') ? null : q;
    this.store.update((s) => {
      if (this.queue) s.queue = this.queue;
      else delete s.queue;
    });
    this.who();
  }

  /** 结束排队: the conversation ends (and is recorded as abandoned). */
  private async leaveQueue(): Promise<void> {
    const q = this.queue;
    if (!q) return;
    try {
      if (await this.guard(this.api.leaveQueue(q.conv))) this.status({ id: q.conv, status: 'resolved', assignee: null });
      else void this.refreshStatuses(); // an agent took it meanwhile
      this.queued(null);
    } catch {
      this.view.notice(this.t.error);
    }
  }

  /** 结束会话: the conversation ends; the rating request (when the inbox asks) comes over the socket. */
  private async endChat(): Promise<void> {
    const c = this.conv;
    if (!c || c.status === 'resolved') return;
    try {
      this.status(await this.guard(this.api.end(c.id)));
    } catch {
      this.view.notice(this.t.error);
      void this.refreshStatuses(); // ended meanwhile (an agent, idleness)?
    }
  }

  /** A "您是不是想问" choice: the bot answers with that article (shown when it comes back, or over the socket). */
  private async choose(conv: number, articleId: number): Promise<void> {
    try {
      this.receive(await this.guard(this.api.choose(conv, articleId)), true);
    } catch {
      this.view.notice(this.t.error);
    }
  }

  private async feedback(conv: number, messageId: number, helpful: boolean): Promise<boolean> {
    try {
      await this.guard(this.api.feedback(conv, messageId, helpful));
      return true;
    } catch {
      this.view.notice(this.t.error);
      return false;
    }
  }

  /** 我的工单: shown once the visitor has a ticket; read when the panel opens and when the list is opened. */
  private async loadTickets(): Promise<void> {
    if (!this.contact) return;
    try {
      this.view.tickets(await this.guard(this.api.tickets()));
    } catch {
      // an older server, or offline: the button stays as it was
    }
  }

  private async confirmTicket(id: number): Promise<boolean> {
    try {
      await this.guard(this.api.confirmTicket(id));
      await this.loadTickets();
      return true;
    } catch {
      this.view.notice(this.t.error);
      return false;
    }
  }

  /** Sends 转人工 (the bot hands over; the server decides: an agent, the queue, or 留言). */
  private toHuman(): void {
    const was = this.asked;
    this.asked = this.conv && this.conv.status !== 'resolved' ? this.conv.id : 0;
    if (!this.sendText(this.t.toHuman)) this.asked = was;
    this.who();
  }

  /** The pre-chat form is filled in: its answers go with the new conversation, which starts now unless a message is typed. */
  private prechat(a: PreChatAnswers, typed: boolean): void {
    this.store.update((s) => (s.pre = { ...a }));
    this.who();
    if (!typed) void this.conversation().catch(() => this.view.notice(this.t.error));
  }

  /** 接受 / 忽略. Accepting an automatic invitation opens the panel with its greeting (not sent). */
  private answerInvite(accept: boolean): void {
    const inv = this.invitation;
    if (!inv) return;
    this.invitation = null;
    this.view.invite(null);
    if (accept) {
      this.view.open();
      if (inv.kind === 'auto') this.view.local(inv.message);
    }
    const id = inv.invitationId;
    // The agent's conversation comes back in invite_result (socket) or in the answer (HTTP).
    if (!this.socket?.send({ type: 'invite_reply', ref: `inv${id}`, invitationId: id, accept })) {
      void this.guard(this.api.replyInvite(id, accept)).then(
        (conv) => void (conv && this.adopt(conv)),
        () => {},
      );
    }
  }

  /** Shows a stored message; false when it was shown already. */
  private receive(m: Message, live: boolean): boolean {
    if (!this.convs.has(m.conversationId)) {
      // A conversation we did not know (e.g. started in another tab): it is open, since it just got a message.
      this.status({ id: m.conversationId, status: 'open', assignee: null });
    }
    if (this.view.upsert(m) === 'dup') return false;
    this.top.set(m.conversationId, Math.max(this.top.get(m.conversationId) ?? 0, m.seq));
    // Stored, so done (also when another tab, or an earlier page, sent it).
    const cid = m.senderType === 'customer' && m.clientMessageId;
    if (cid) {
      this.outbox.drop(cid);
      // Another tab's, which may close before its answer: not to be resent by the next page.
      if (live && this.store.get().outbox?.some((i) => i.cid === cid)) this.store.update((s) => (s.outbox = s.outbox?.filter((i) => i.cid !== cid)));
    }
    const fromAgent = m.senderType === 'agent' || m.senderType === 'bot';
    if (fromAgent && (this.answeredBy.get(m.conversationId)?.[0] ?? 0) < m.seq) {
      this.answeredBy.set(m.conversationId, [m.seq, m.senderType]);
      if (m.conversationId === this.conv?.id) {
        this.view.typing(false);
        this.who();
      }
    }
    if (!live) return true;
    if (this.watching()) this.seen();
    else if (fromAgent) this.view.badge(++this.unread);
    return true;
  }

  private watching(): boolean {
    return this.view.isOpen && !document.hidden;
  }

  /** The visitor sees the panel: nothing is unread any more. */
  private seen(): void {
    if (!this.watching()) return;
    this.unread = 0;
    this.view.badge(0);
    if (!this.top.size) return;
    this.store.update((s) => {
      s.seen = {};
      for (const [id, seq] of this.top) s.seen[id] = seq;
    });
  }

  private toggled(open: boolean): void {
    if (!open) return;
    this.seen();
    visitKey(this.store); // activity
    this.socket?.kick(); // idle sockets skip the watchdog: check it now that it matters
    if (Date.now() - this.cfgAt > 60_000) void this.refreshConfig(); // agents online may have changed
    void this.loadTickets();
  }

  // ── what the visitor does ──────────────────────────────────────────────

  private sendText(text: string): boolean {
    // code points, as the server counts: an emoji is one character
    const length = codePointLength(text);
    if (length > MAX_MESSAGE_CHARS) {
      this.view.notice(this.t.tooLong(length, MAX_MESSAGE_CHARS));
      return false;
    }
    if (!this.formOk()) return false;
    this.stopTyping();
    this.enqueue({ content: text.trim() ? text.replace(/^\s*\n|\s+$/g, '') : text });
    return true;
  }

  /** Sending answers a pending pre-chat form too; false (the problems shown) when its answers are not valid. */
  private formOk(): boolean {
    if (!this.needForm()) return true;
    const a = this.view.readPrechat();
    if (a) this.store.update((s) => (s.pre = { ...a }));
    return !!a;
  }

  private sendFile(file: File): void {
    if (!this.formOk()) return;
    const type = fileType(file);
    if (!type) return this.view.notice(this.t.badType(file.name));
    if (file.size > MAX_ATTACHMENT_BYTES) return this.view.notice(this.t.tooBig(file.name, MAX_FILE_MB));
    const url = type.startsWith('image/') ? URL.createObjectURL(file) : null;
    this.enqueue({ content: '', file, fileType: type }, { url, name: file.name, type, size: file.size });
  }

  private enqueue(part: Pick<OutboxItem, 'content' | 'file' | 'fileType'>, preview?: Preview): void {
    // Messages written to an open conversation belong to it; after it ended they start a new one.
    const conv = this.conv && this.conv.status !== 'resolved' ? this.conv.id : null;
    const item: OutboxItem = { cid: uuid(), conv, attachments: [], at: Date.now(), ...part };
    this.mine.add(item.cid);
    this.view.pending(item.cid, conv, item.content, [], preview);
    this.view.ended(false);
    this.outbox.add(item);
    visitKey(this.store); // activity
    this.who();
  }

  /** Customer typing frames: at most every 2 s while typing, "off" after 3 s idle, on send, or when cleared. */
  private typing(empty: boolean): void {
    const c = this.conv;
    if (empty) return this.stopTyping();
    if (!c || c.status === 'resolved' || !this.socket) return;
    const now = Date.now();
    if (this.typingConv !== c.id || now - this.typingAt >= TYPING_EVERY_MS) {
      if (this.socket.send({ type: 'typing', conversationId: c.id, on: true })) {
        this.typingConv = c.id;
        this.typingAt = now;
      }
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingIdle);
    if (!this.typingConv) return;
    this.socket?.send({ type: 'typing', conversationId: this.typingConv, on: false });
    this.typingConv = 0;
    this.typingAt = 0;
  }
}

/** GET /config, remembered for the next page. null: unreachable; 'unknown': no such inbox. */
export async function fetchConfig(api: Api, store: Store): Promise<WidgetConfig | null | 'unknown'> {
  try {
    const cfg = await api.config();
    store.update((s) => (s.cfg = cfg));
    return cfg;
  } catch (e) {
    if (asApiError(e).code !== 'inbox_not_found') return null;
    console.error('[zhike] unknown inbox token: check data-inbox in the widget snippet');
    return 'unknown';
  }
}
