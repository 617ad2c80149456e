import { Api, ApiError, asApiError } from './api';
import { type Env, landing, uuid, visitorAttributes } from './env';
import { textsFor, type Texts } from './i18n';
import { Outbox, type OutboxItem } from './outbox';
import { Socket, type SocketState } from './socket';
import type { Store } from './store';
import type { Conversation, Identity, Message, SendBody, ServerFrame, WidgetConfig } from './types';
import { type Preview, View } from './ui';

const MAX_CHARS = 5000;
const MAX_FILE_MB = 10;
/** Accepted uploads (the server checks again, by content). Key: extension, for files the browser gives no type. */
const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};
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
  rate_limited: 429,
  internal_error: 500,
};

const DEFAULT_CONFIG: WidgetConfig = { title: '', greeting: null, color: '#1677ff', locale: 'zh-CN', agentsOnline: 1 };

interface Waiter {
  resolve(m: Message): void;
  reject(e: ApiError): void;
}

function fileType(f: File): string | null {
  if (Object.values(TYPES).includes(f.type)) return f.type;
  const ext = (/\.(\w+)$/.exec(f.name)?.[1] ?? '').toLowerCase();
  return !f.type || f.type === 'application/octet-stream' ? (TYPES[ext] ?? null) : null;
}

/**
 * The widget's brain: who the visitor is (contact token), which conversation is
 * current, what is shown, what is still on its way out. The contact is created
 * lazily, on the first message or file: a visitor who only looks costs the server nothing.
 */
export class Chat {
  private readonly t: Texts;
  private readonly api: Api;
  private readonly view: View;
  private readonly outbox: Outbox;
  private socket: Socket | null = null;
  private cfg: WidgetConfig;
  private cfgAt = 0;
  private contact: string | null;
  private contactP: Promise<string> | null = null;
  private identity: Identity = {};
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
  /** More history before the oldest shown message of this conversation. */
  private olderOf: number | null = null;
  private typingConv = 0;
  private typingAt = 0;
  private typingIdle = 0;
  private agentTypingTimer = 0;

  constructor(
    private readonly env: Env,
    private readonly store: Store,
  ) {
    const saved = store.get();
    this.cfg = saved.cfg ?? DEFAULT_CONFIG;
    this.contact = saved.contact ?? null;
    this.t = textsFor(env.locale ?? this.cfg.locale);
    this.api = new Api(env.origin, env.inbox, () => this.contact);
    this.view = new View(env.origin, this.t, {
      send: (text) => this.sendText(text),
      files: (files) => files.forEach((f) => this.sendFile(f)),
      typing: (empty) => this.typing(empty),
      retry: () => this.outbox.kick(),
      toggled: (open) => this.toggled(open),
      reconnect: () => {
        this.socket?.kick();
        this.outbox.kick();
        if (this.historyTimer) this.loadHistory();
      },
      earlier: () => void this.loadEarlier(),
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
          this.view.own(item.cid, 'failed', retrying ? this.t.retrying : this.t.failed, retrying);
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
    // Unsent messages of an earlier page (or tab) go out again, after the history shows what already arrived.
    if (this.contact) this.loadHistory();
    else this.restoreOutbox();
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

  /** Host pages may tell us who the visitor is (name / email / phone). */
  identify(who: Identity): void {
    this.identity = { ...this.identity, ...who };
    if (this.contact) void this.api.updateContact(who).catch(() => {});
  }

  // ── configuration, contact, history ────────────────────────────────────

  private async refreshConfig(): Promise<void> {
    const cfg = await fetchConfig(this.api, this.store);
    if (cfg === 'unknown') return this.view.host.remove();
    if (!cfg) return; // unreachable right now: the widget works on; messages wait in the outbox
    this.cfg = cfg;
    this.cfgAt = Date.now();
    this.view.config(cfg);
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
    this.store.update((s) => {
      delete s.contact;
      delete s.conv;
      delete s.seen;
    });
    this.view.agent(null);
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
   * The newest page of the current conversation (and, when it is short, the
   * conversation before it, for context), then the socket, resuming after the
   * last seq loaded. Retried with backoff while the server is unreachable.
   */
  private loadHistory(): void {
    clearTimeout(this.historyTimer);
    this.historyTimer = 0;
    void (async () => {
      try {
        const list = await this.guard(this.api.conversations());
        const seen = this.store.get().seen ?? {};
        for (const c of list.slice(0, 2)) {
          const page = await this.guard(this.api.messages(c.id));
          this.status(c);
          for (const m of page) {
            this.receive(m, false);
            this.cursor.set(c.id, Math.max(this.cursor.get(c.id) ?? 0, m.seq));
            // Replies that came while no page was open count as unread.
            const s = seen[c.id];
            if (s !== undefined && m.seq > s && m.senderType !== 'customer' && m.senderType !== 'system') this.unread++;
          }
          // A full page: there is more above it; older conversations would leave a gap.
          if (page.length === HISTORY_PAGE) {
            this.older(c.id);
            break;
          }
        }
        this.historyTry = 0;
        this.view.connection(false);
        this.view.badge(this.unread);
        this.seen();
        this.restoreOutbox();
        this.connect();
      } catch {
        if (!this.contact) return this.restoreOutbox(); // contact_unknown: nothing to load
        this.view.connection(true);
        const wait = Math.min(15_000, 1_000 * 2 ** this.historyTry++);
        this.historyTimer = window.setTimeout(() => this.loadHistory(), wait / 2 + (Math.random() * wait) / 2);
      }
    })();
  }

  private older(conv: number | null): void {
    this.olderOf = conv;
    this.view.earlier(conv !== null);
  }

  private async loadEarlier(): Promise<void> {
    const conv = this.olderOf;
    const before = conv === null ? undefined : this.view.firstSeq(conv);
    if (conv === null || !before) return;
    try {
      const page = await this.api.messages(conv, before);
      this.view.keepPosition(() => page.forEach((m) => this.receive(m, false)));
      if (page.length < HISTORY_PAGE) this.older(null);
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

  /** The conversation the outbox sends to: the current one, or a new one. */
  private async conversation(): Promise<number> {
    await this.ensureContact();
    if (this.conv && this.conv.status !== 'resolved') return this.conv.id;
    const c = await this.guard(this.api.createConversation());
    this.status(c);
    this.connect();
    return c.id;
  }

  // ── the socket ─────────────────────────────────────────────────────────

  /** Connects once there is a conversation to follow (nothing can arrive before). */
  private connect(): void {
    if (this.socket || !this.contact || !this.conv) return;
    const base = this.env.origin.replace(/^http/, 'ws');
    this.socket = new Socket(`${base}/api/v1/ws`, {
      hello: () => {
        const resume: Record<string, number> = {};
        for (const id of this.convs.keys()) resume[id] = this.cursor.get(id) ?? 0;
        return { type: 'hello', inboxToken: this.env.inbox, contactToken: this.contact ?? '', resume };
      },
      frame: (f) => this.frame(f),
      state: (s, code) => this.socketState(s, code),
    });
    this.socket.start();
  }

  private socketState(s: SocketState, code?: number): void {
    // Connecting for the first time is not "disconnected"; anything after a failure is.
    this.view.connection(s === 'down' || (s === 'connecting' && this.wasReady));
    if (s === 'ready') return;
    for (const [ref, w] of this.waiters) {
      this.waiters.delete(ref);
      w.reject(new ApiError(0, 'disconnected', 'connection lost'));
    }
    if (code === 4003) this.forgetContact();
  }

  private frame(f: ServerFrame): void {
    switch (f.type) {
      case 'ready':
        // After a reconnect, conversation frames (resolved, assigned) may have been missed.
        if (this.wasReady) void this.refreshStatuses();
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

  private async refreshStatuses(): Promise<void> {
    try {
      for (const c of await this.api.conversations()) if (this.convs.has(c.id)) this.status(c);
    } catch {
      /* the next reconnect tries again */
    }
  }

  /** The page is back (online / visible): reconnect now and flush the outbox. */
  private wake(): void {
    this.socket?.kick();
    this.outbox.kick();
  }

  // ── conversations and messages ─────────────────────────────────────────

  /** A conversation's status or assignee changed; the newest one is current. */
  private status(c: Conversation): void {
    const known = this.convs.get(c.id);
    const merged: Conversation = { id: c.id, status: c.status, assignee: c.assignee ?? known?.assignee ?? null };
    this.convs.set(c.id, merged);
    if (!this.conv || c.id >= this.conv.id) {
      if (this.conv?.id !== c.id) this.store.update((s) => (s.conv = c.id));
      this.conv = merged;
    }
    if (this.conv.id !== c.id) return this.view.refresh();
    const ended = merged.status === 'resolved';
    // "工号 1024 小王 为您服务" only while they do
    this.view.agent(ended ? null : merged.assignee);
    if (ended) this.view.typing(false);
    // Not while our next message is already starting the new conversation.
    this.view.ended(ended && !this.outbox.items.some((i) => i.conv === null || i.conv === c.id));
    this.view.refresh();
  }

  private receive(m: Message, live: boolean): void {
    if (!this.convs.has(m.conversationId)) {
      // A conversation we did not know (e.g. started in another tab): it is open, since it just got a message.
      this.status({ id: m.conversationId, status: 'open', assignee: null });
    }
    if (this.view.upsert(m) === 'dup') return;
    this.top.set(m.conversationId, Math.max(this.top.get(m.conversationId) ?? 0, m.seq));
    // Stored, so done (also when another tab, or an earlier page, sent it).
    if (m.clientMessageId && m.senderType === 'customer') this.outbox.drop(m.clientMessageId);
    const fromAgent = m.senderType === 'agent' || m.senderType === 'bot';
    if (fromAgent && m.conversationId === this.conv?.id) this.view.typing(false);
    if (!live) return;
    if (this.watching()) this.seen();
    else if (fromAgent) this.view.badge(++this.unread);
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
    if (Date.now() - this.cfgAt > 60_000) void this.refreshConfig(); // agents online may have changed
  }

  // ── what the visitor does ──────────────────────────────────────────────

  private sendText(text: string): boolean {
    if (text.length > MAX_CHARS) {
      this.view.notice(this.t.tooLong(text.length, MAX_CHARS));
      return false;
    }
    this.stopTyping();
    this.enqueue({ content: text.trim() ? text.replace(/^\s*\n|\s+$/g, '') : text });
    return true;
  }

  private sendFile(file: File): void {
    const type = fileType(file);
    if (!type) return this.view.notice(this.t.badType(file.name));
    if (file.size > MAX_FILE_MB * 1024 * 1024) return this.view.notice(this.t.tooBig(file.name, MAX_FILE_MB));
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
