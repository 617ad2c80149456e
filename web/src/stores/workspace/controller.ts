import { api, ApiError } from '../../api';
import type {
  AssigneeFilter,
  AttachmentRef,
  Availability,
  Conversation,
  ConversationPage,
  ConversationStatus,
  Handler,
  Me,
  Message,
  TransferTarget,
} from '../../api/types';
import { contactLabel, formatDuration } from '../../i18n/format';
import type { Translate } from '../../i18n';
import { Notifier } from '../../lib/notify';
import { qaAlertPath, qaAlertText, type QaAlert } from '../../lib/qaAlert';
import type { TicketAlert } from '../../lib/ticketAlert';
import { uuid } from '../../lib/uuid';
import type { ServerFrame } from '../../realtime/frames';
import { RealtimeClient } from '../../realtime/socket';
import { createStore, type Store } from '../store';
import { initialState, OFFLINE_COUNT_CAP, reducer, type Action, type ListTab, type WorkspaceState } from './state';

const PAGE_SIZE = 50;
const MESSAGE_PAGE = 50;
/** Threads kept in memory (and resumed after a reconnect); the least recently opened are dropped. */
const MAX_THREADS = 20;
const TYPING_SEND_EVERY_MS = 2000;
const TYPING_IDLE_MS = 3000;
/** A customer typing indicator without news fades after this long. */
const TYPING_SHOW_MS = 6000;
const COUNTS_DEBOUNCE_MS = 800;
/** If the socket is not ready this soon, load the list over HTTP anyway. */
const FIRST_LIST_FALLBACK_MS = 1500;
/** A reply that failed for a passing reason is sent again after this, doubling up to the cap (and at once on reconnect). */
const RESEND_FIRST_MS = 1000;
const RESEND_CAP_MS = 30_000;

/** What the server is asked for a list tab: 留言 is every conversation nobody could answer (handler offline). */
function tabQuery(tab: ListTab): { assignee: AssigneeFilter; handler?: Handler } {
  return tab === 'offline' ? { assignee: 'all', handler: 'offline' } : { assignee: tab };
}

/** Frames (and `ready` after every connect) for pages that keep their own data: the monitor, the visitors page. */
export type FrameListener = (frame: ServerFrame | { type: 'connected'; reconnected: boolean }) => void;

/** 超时提醒, for the antd notification the shell shows. */
export interface AlertInfo {
  conversationId: number;
  waitedSeconds: number;
  contactName: string | null;
  contactId: number | null;
}

export interface ControllerOptions {
  me: Me;
  t: Translate;
  /** The server no longer accepts our session. */
  onSessionLost: () => void;
}

/**
 * Everything the workspace does that is not rendering: loads over HTTP,
 * listens to the socket, keeps the store current, sends, notifies.
 * One per logged-in session.
 */
export class WorkspaceController {
  readonly store: Store<WorkspaceState, Action>;
  readonly notifier = new Notifier();
  private readonly socket: RealtimeClient;
  private t: Translate;
  private navigate: ((conversationId: number) => void) | null = null;

  private listRequest = 0;
  /** Per conversation: the version of the last socket update, to keep it over older HTTP answers. */
  private liveVersion = new Map<number, number>();
  private version = 0;
  private countsTimer: number | null = null;
  private firstListTimer: number | null = null;
  private typingTimer: number | null = null;
  private threadOrder: number[] = [];
  private reading = new Set<number>();
  private notified = new Set<string>();
  private typingOut: { conversationId: number; sentAt: number; idle: number | null } | null = null;
  /** Pending replies on their way to the server (never two requests for one clientMessageId at once). */
  private delivering = new Set<string>();
  private resendTimer: number | null = null;
  private resendDelay = 0;
  private stopped = false;
  private listeners = new Set<FrameListener>();
  private alertListeners = new Set<(alert: AlertInfo) => void>();
  private qaAlertListeners = new Set<(alert: QaAlert) => void>();
  private ticketAlertListeners = new Set<(alert: TicketAlert) => void>();
  private navigatePath: ((path: string) => void) | null = null;

  constructor(private readonly opts: ControllerOptions) {
    this.t = opts.t;
    this.store = createStore(reducer, initialState(opts.me.agent, opts.me.workspace));
    this.socket = new RealtimeClient({
      resume: () => this.resumeMap(),
      onFrame: (f) => this.onFrame(f),
      onReady: (info) => this.onReady(info.reconnected),
      onState: (state, info) => this.dispatch({ type: 'connection', state, retryAt: info.retryAt }),
      onUnauthorized: () => void this.checkSession(),
    });
  }

  get state(): WorkspaceState {
    return this.store.getState();
  }

  private dispatch(action: Action): void {
    if (!this.stopped) this.store.dispatch(action);
  }

  setTranslate(t: Translate): void {
    this.t = t;
  }

  setNavigate(fn: ((conversationId: number) => void) | null, path: ((path: string) => void) | null = null): void {
    this.navigate = fn;
    this.navigatePath = path;
  }

  start(): void {
    this.stopped = false;
    this.socket.start();
    void this.loadAgents();
    void this.loadGroups();
    this.firstListTimer = window.setTimeout(() => {
      this.firstListTimer = null;
      void this.refreshList('merge');
    }, FIRST_LIST_FALLBACK_MS);
    this.typingTimer = window.setInterval(() => this.dispatch({ type: 'typing/expire', now: Date.now() }), 1000);
    window.addEventListener('focus', this.onAttention);
    document.addEventListener('visibilitychange', this.onAttention);
  }

  stop(): void {
    this.stopped = true;
    this.socket.stop();
    for (const timer of [this.firstListTimer, this.countsTimer, this.resendTimer]) if (timer !== null) window.clearTimeout(timer);
    if (this.typingTimer !== null) window.clearInterval(this.typingTimer);
    if (this.typingOut?.idle) window.clearTimeout(this.typingOut.idle);
    window.removeEventListener('focus', this.onAttention);
    document.removeEventListener('visibilitychange', this.onAttention);
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  /** Every server frame, and `connected` after each (re)connect; returns the unsubscribe function. */
  listen(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** 超时提醒 alerts for me; returns the unsubscribe function. */
  onAlert(listener: (alert: AlertInfo) => void): () => void {
    this.alertListeners.add(listener);
    return () => void this.alertListeners.delete(listener);
  }

  /** Ticket alerts (SLA, promises, deadlines, complaint alerts); returns the unsubscribe function. */
  onTicketAlert(listener: (alert: TicketAlert) => void): () => void {
    this.ticketAlertListeners.add(listener);
    return () => void this.ticketAlertListeners.delete(listener);
  }

  /** Live 质检 alerts (qa_finding, qa_appeal); returns the unsubscribe function. */
  onQaAlert(listener: (alert: QaAlert) => void): () => void {
    this.qaAlertListeners.add(listener);
    return () => void this.qaAlertListeners.delete(listener);
  }

  private emit(frame: Parameters<FrameListener>[0]): void {
    for (const l of [...this.listeners]) {
      try {
        l(frame);
      } catch (err) {
        console.error(err);
      }
    }
  }

  // ── conversation list ───────────────────────────────────────────────

  setFilter(tab: ListTab, status: ConversationStatus): void {
    const { list } = this.state;
    if (list.tab === tab && list.status === status) return;
    this.dispatch({ type: 'list/filter', tab, status });
    void this.refreshList('merge');
  }

  /**
   * Loads the first page of the current filter. `replace` (after a reconnect)
   * drops what we knew, since we may have missed changes while offline; only the
   * open conversation and what the socket updated meanwhile are kept.
   */
  async refreshList(mode: 'merge' | 'replace'): Promise<void> {
    const requestId = ++this.listRequest;
    const startVersion = this.version;
    const { tab, status } = this.state.list;
    this.dispatch({ type: 'list/loading', more: false });
    void this.refreshOfflineCount(status);
    try {
      const page = await api.listConversations({ status, ...tabQuery(tab), limit: PAGE_SIZE });
      if (requestId !== this.listRequest) return;
      this.applyPage(page, mode, startVersion);
    } catch (err) {
      if (requestId !== this.listRequest) return;
      this.dispatch({ type: 'list/failed', error: err, more: false });
    }
  }

  async loadMore(): Promise<void> {
    const { list } = this.state;
    if (!list.floor || list.loadingMore) return;
    const requestId = this.listRequest;
    const startVersion = this.version;
    this.dispatch({ type: 'list/loading', more: true });
    try {
      const page = await api.listConversations({ status: list.status, ...tabQuery(list.tab), before: list.floor, limit: PAGE_SIZE });
      if (requestId !== this.listRequest) return;
      this.applyPage(page, 'more', startVersion);
    } catch (err) {
      if (requestId !== this.listRequest) return;
      this.dispatch({ type: 'list/failed', error: err, more: true });
    }
  }

  private applyPage(page: ConversationPage, mode: 'merge' | 'more' | 'replace', startVersion: number): void {
    const cached = this.state.conversations;
    const touched = (id: number) => (this.liveVersion.get(id) ?? -1) > startVersion;
    // A socket update newer than the request wins over the page's copy.
    const conversations = page.conversations.map((c) => (touched(c.id) && cached[c.id] ? cached[c.id] : c));
    const keep = Object.keys(cached)
      .map(Number)
      .filter((id) => id === this.state.activeId || touched(id));
    this.dispatch({ type: 'list/loaded', conversations, counts: page.counts, floor: page.nextCursor, mode, keep });
    this.maybeMarkRead();
  }

  /** Tab counts, re-read from the server (debounced) when a change cannot be counted locally. */
  private scheduleCounts(): void {
    if (this.countsTimer !== null) return;
    this.countsTimer = window.setTimeout(async () => {
      this.countsTimer = null;
      const status = this.state.list.status;
      try {
        const page = await api.listConversations({ status, assignee: 'all', limit: 1 });
        this.dispatch({ type: 'counts/loaded', status, counts: page.counts });
      } catch {
        /* next change or reconnect refreshes them */
      }
      void this.refreshOfflineCount(status);
    }, COUNTS_DEBOUNCE_MS);
  }

  /** The server counts 我的 / 未分配 / 全部 only: 留言 are counted from one capped page. */
  private async refreshOfflineCount(status: ConversationStatus): Promise<void> {
    try {
      const page = await api.listConversations({ status, assignee: 'all', handler: 'offline', limit: OFFLINE_COUNT_CAP });
      this.dispatch({ type: 'counts/offline', status, offline: page.conversations.length });
    } catch {
      /* shown as unknown until the next refresh */
    }
  }

  private upsertConversation(conversation: Conversation, isNew = false): void {
    const known = conversation.id in this.state.conversations;
    this.liveVersion.set(conversation.id, ++this.version);
    this.dispatch({ type: 'conversation/upsert', conversation, isNew });
    if (!known && !isNew) this.scheduleCounts();
    if (conversation.id === this.state.activeId) this.maybeMarkRead();
  }

  // ── one conversation ────────────────────────────────────────────────

  /** Opens a conversation in the middle column (null closes it). */
  open(id: number | null): void {
    const prev = this.state.activeId;
    if (prev !== null && prev !== id) this.stopTyping();
    this.dispatch({ type: 'active', id });
    if (id === null) return;
    if (!this.state.conversations[id]) void this.fetchConversation(id);
    const thread = this.state.threads[id];
    if (!thread?.loaded && !thread?.loading) void this.loadThread(id);
    this.threadOrder = [id, ...this.threadOrder.filter((x) => x !== id)];
    const evict = this.threadOrder.slice(MAX_THREADS);
    if (evict.length) {
      this.threadOrder = this.threadOrder.slice(0, MAX_THREADS);
      this.dispatch({ type: 'thread/evict', ids: evict });
    }
    this.maybeMarkRead();
  }

  async fetchConversation(id: number): Promise<Conversation | null> {
    const startVersion = this.version;
    try {
      const conv = await api.getConversation(id);
      if ((this.liveVersion.get(id) ?? -1) <= startVersion) this.dispatch({ type: 'conversation/upsert', conversation: conv });
      if (id === this.state.activeId) this.maybeMarkRead();
      return conv;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this.dispatch({ type: 'thread/failed', id, error: err });
      return null;
    }
  }

  async loadThread(id: number): Promise<void> {
    this.dispatch({ type: 'thread/loading', id });
    try {
      const { messages } = await api.listMessages(id, { limit: MESSAGE_PAGE });
      this.dispatch({ type: 'thread/loaded', id, messages });
      // Close any gap between this page and the live stream: the server sends what came after.
      const last = this.state.threads[id]?.messages.at(-1)?.seq ?? 0;
      this.socket.send({ type: 'sync', conversationId: id, afterSeq: last });
      this.maybeMarkRead();
    } catch (err) {
      this.dispatch({ type: 'thread/failed', id, error: err });
    }
  }

  /** The page before the first message loaded; `limit` up to the server's 200 (a search result far back: the whole gap at once). */
  async loadOlder(id: number, limit = MESSAGE_PAGE): Promise<void> {
    const thread = this.state.threads[id];
    if (!thread?.loaded || !thread.hasOlder || thread.loadingOlder) return;
    const first = thread.messages[0];
    if (!first) return;
    this.dispatch({ type: 'thread/olderLoading', id });
    try {
      const { messages } = await api.listMessages(id, { before: first.seq, limit: Math.min(200, Math.max(MESSAGE_PAGE, limit)) });
      this.dispatch({ type: 'thread/olderLoaded', id, messages });
    } catch {
      this.dispatch({ type: 'thread/olderFailed', id });
    }
  }

  /** Sends a reply or a private note; shows it at once as pending, retried with the same clientMessageId. */
  send(conversationId: number, input: { content: string; private: boolean; attachments: AttachmentRef[] }): void {
    const message = {
      clientMessageId: uuid(),
      conversationId,
      content: input.content,
      private: input.private,
      attachments: input.attachments,
      status: 'sending' as const,
      error: null,
      createdAt: new Date().toISOString(),
    };
    this.stopTyping();
    this.dispatch({ type: 'pending/add', message });
    void this.deliver(conversationId, message.clientMessageId);
  }

  retry(conversationId: number, clientMessageId: string): void {
    this.dispatch({ type: 'pending/status', conversationId, clientMessageId, status: 'sending' });
    void this.deliver(conversationId, clientMessageId);
  }

  discard(conversationId: number, clientMessageId: string): void {
    this.dispatch({ type: 'pending/remove', conversationId, clientMessageId });
  }

  /**
   * Sends one pending reply. A refusal (4xx: invalid text, too long, resolved…) leaves it
   * failed with the reason, for the agent to edit or discard. A passing failure (offline,
   * timeout, server error) marks it failed but retrying: it goes again on its own with the
   * same clientMessageId (the server stores it once), after a backoff and on reconnect.
   */
  private async deliver(conversationId: number, clientMessageId: string): Promise<void> {
    const p = this.state.pending[conversationId]?.find((x) => x.clientMessageId === clientMessageId);
    if (!p || this.delivering.has(clientMessageId)) return;
    this.delivering.add(clientMessageId);
    try {
      const message = await api.sendMessage(conversationId, {
        content: p.content,
        private: p.private,
        clientMessageId,
        attachmentIds: p.attachments.length ? p.attachments.map((a) => a.id) : undefined,
      });
      this.dispatch({ type: 'messages/received', messages: [message] });
      // the message may belong to a thread that was not loaded: drop the pending copy anyway
      this.dispatch({ type: 'pending/remove', conversationId, clientMessageId });
      this.resendDelay = 0;
    } catch (err) {
      const retrying = !(err instanceof ApiError) || err.transient;
      this.dispatch({ type: 'pending/status', conversationId, clientMessageId, status: 'failed', error: err, retrying });
      if (retrying) this.scheduleResend();
    } finally {
      this.delivering.delete(clientMessageId);
    }
  }

  private scheduleResend(): void {
    if (this.resendTimer !== null || this.stopped) return;
    this.resendDelay = Math.min(RESEND_CAP_MS, this.resendDelay ? this.resendDelay * 2 : RESEND_FIRST_MS);
    this.resendTimer = window.setTimeout(() => {
      this.resendTimer = null;
      void this.resendPending();
    }, this.resendDelay);
  }

  /** Sends again every reply that failed for a passing reason, oldest first, one at a time per conversation (in order). */
  private async resendPending(): Promise<void> {
    await Promise.all(
      Object.entries(this.state.pending).map(async ([id, list]) => {
        for (const p of list.filter((x) => x.status === 'failed' && x.retrying)) {
          this.dispatch({ type: 'pending/status', conversationId: Number(id), clientMessageId: p.clientMessageId, status: 'sending' });
          await this.deliver(Number(id), p.clientMessageId);
        }
      }),
    );
  }

  /** 分配 / 接入; `force` (supervisors) goes past the agent's 接待上限. */
  async assign(conversationId: number, assigneeId: number | null, force = false): Promise<Conversation> {
    const conv = await api.assign(conversationId, assigneeId, force);
    this.upsertConversation(conv);
    return conv;
  }

  /** 转接 to an agent or a skill group, or 升级 to the group's 组长, with a note the receiver sees. */
  async transfer(conversationId: number, target: TransferTarget, note: string | null): Promise<Conversation> {
    const conv = await api.transfer(conversationId, target, note);
    this.upsertConversation(conv);
    return conv;
  }

  async loadGroups(): Promise<void> {
    try {
      const { groups } = await api.listGroups();
      this.dispatch({ type: 'groups/loaded', groups });
    } catch {
      /* retried on reconnect */
    }
  }

  async loadVisitors(): Promise<void> {
    try {
      const { visitors } = await api.visitors();
      this.dispatch({ type: 'visitors/loaded', visitors });
    } catch {
      /* retried on reconnect */
    }
  }

  async setStatus(conversationId: number, status: ConversationStatus): Promise<Conversation> {
    const conv = await api.setStatus(conversationId, status);
    this.upsertConversation(conv);
    return conv;
  }

  async setAvailability(availability: Availability): Promise<void> {
    const agent = await api.setAvailability(availability);
    this.dispatch({ type: 'me/updated', agent });
  }

  async loadAgents(): Promise<void> {
    try {
      const { agents } = await api.listAgents();
      this.dispatch({ type: 'agents/loaded', agents });
    } catch {
      /* retried on reconnect */
    }
  }

  /** Marks the open conversation read while the agent can actually see it. */
  maybeMarkRead(): void {
    const id = this.state.activeId;
    if (id === null) return;
    const conv = this.state.conversations[id];
    if (!conv || conv.unreadCount === 0 || !this.state.threads[id]?.loaded) return;
    if (document.visibilityState !== 'visible' || !document.hasFocus()) return;
    if (this.reading.has(id)) return;
    this.reading.add(id);
    api
      .markRead(id)
      .then((c) => {
        this.liveVersion.set(c.id, ++this.version);
        this.dispatch({ type: 'conversation/upsert', conversation: c });
      })
      .catch(() => {})
      .finally(() => this.reading.delete(id));
  }

  private onAttention = () => this.maybeMarkRead();

  // ── typing (outgoing) ───────────────────────────────────────────────

  /** The agent typed in the reply box (public replies only: notes must not tell the customer anything). */
  typing(conversationId: number): void {
    const now = Date.now();
    const cur = this.typingOut;
    if (cur && cur.conversationId !== conversationId) this.stopTyping();
    if (!this.typingOut || now - this.typingOut.sentAt >= TYPING_SEND_EVERY_MS) {
      if (this.socket.send({ type: 'typing', conversationId, on: true })) {
        this.typingOut = { conversationId, sentAt: now, idle: this.typingOut?.idle ?? null };
      }
    }
    if (!this.typingOut) return;
    if (this.typingOut.idle) window.clearTimeout(this.typingOut.idle);
    this.typingOut.idle = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    const cur = this.typingOut;
    if (!cur) return;
    if (cur.idle) window.clearTimeout(cur.idle);
    this.typingOut = null;
    this.socket.send({ type: 'typing', conversationId: cur.conversationId, on: false });
  }

  // ── socket ──────────────────────────────────────────────────────────

  /** hello.resume: the last seq of every thread we hold, so the server sends exactly what we missed. */
  private resumeMap(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, thread] of Object.entries(this.state.threads)) {
      if (thread.loaded) out[id] = thread.messages.at(-1)?.seq ?? 0;
    }
    return out;
  }

  private onReady(reconnected: boolean): void {
    if (this.firstListTimer !== null) {
      window.clearTimeout(this.firstListTimer);
      this.firstListTimer = null;
    }
    // The whole first page and the counts, every time: whatever changed while we were away shows up.
    void this.refreshList(reconnected ? 'replace' : 'merge');
    // visitor frames only carry changes: the list is read again on every connect
    void this.loadVisitors();
    if (reconnected) {
      // replies typed while the connection was down go out now, without anyone pressing 重试
      if (this.resendTimer !== null) window.clearTimeout(this.resendTimer);
      this.resendTimer = null;
      this.resendDelay = 0;
      void this.resendPending();
      void this.loadAgents();
      void this.loadGroups();
      const active = this.state.activeId;
      if (active !== null) {
        void this.fetchConversation(active);
        if (!this.state.threads[active]?.loaded) void this.loadThread(active);
      }
    }
    this.emit({ type: 'connected', reconnected });
  }

  private async checkSession(): Promise<void> {
    try {
      await api.me();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        this.stop();
        this.opts.onSessionLost();
      }
    }
  }

  private onFrame(frame: ServerFrame): void {
    this.apply(frame);
    this.emit(frame);
  }

  private apply(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message': {
        const live = frame.conversation;
        const known = live ? live.id in this.state.conversations : true;
        if (live) this.upsertConversation(live, !known && live.lastSeq === frame.message.seq && frame.message.seq === 1);
        this.dispatch({ type: 'messages/received', messages: [frame.message] });
        if (live) this.maybeNotify(frame.message, live);
        return;
      }
      case 'conversation':
        this.upsertConversation(frame.conversation, frame.change === 'created');
        return;
      case 'typing':
        this.dispatch({
          type: 'typing',
          conversationId: frame.conversationId,
          from: frame.from,
          name: frame.name,
          on: frame.on,
          until: Date.now() + TYPING_SHOW_MS,
        });
        return;
      case 'presence':
        this.dispatch({ type: 'presence', agentId: frame.agentId, availability: frame.availability });
        return;
      case 'agent':
        this.dispatch({ type: 'agent/upsert', agent: frame.agent });
        return;
      case 'contact':
        this.dispatch({ type: 'contact/upsert', contact: frame.contact });
        return;
      case 'ack':
        this.dispatch({ type: 'messages/received', messages: [frame.message] });
        return;
      case 'visitor':
        this.dispatch({ type: 'visitor', contactId: frame.contactId, visitor: frame.visitor });
        return;
      case 'alert':
        if (frame.kind === 'response_timeout') this.alert(frame);
        else if (frame.kind === 'qa_finding' || frame.kind === 'qa_appeal') this.qaAlert(frame);
        else if (frame.kind === 'ticket') this.ticketAlert(frame);
        return;
      case 'error':
        if (frame.code === 'unauthorized') void this.checkSession();
        return;
      default:
        return;
    }
  }

  /**
   * 超时提醒: a customer of mine has waited too long. Same channel as new messages
   * (chime, desktop notification), plus the in-app notification the shell shows.
   */
  private alert(frame: { conversationId: number; waitedSeconds: number; contactName: string | null }): void {
    const conv = this.state.conversations[frame.conversationId];
    const info: AlertInfo = {
      conversationId: frame.conversationId,
      waitedSeconds: frame.waitedSeconds,
      contactName: frame.contactName ?? conv?.contactName ?? null,
      contactId: conv?.contactId ?? null,
    };
    const who = info.contactId !== null ? contactLabel(info.contactName, info.contactId, this.t) : (info.contactName ?? `#${info.conversationId}`);
    this.notifier.chime();
    this.notifier.desktop({
      title: this.t('alert.title'),
      body: this.t('alert.body', { name: who, waited: formatDuration(info.waitedSeconds, this.t) }),
      tag: `zhike-alert-${info.conversationId}`,
      onClick: () => this.navigate?.(info.conversationId),
    });
    for (const l of [...this.alertListeners]) l(info);
  }

  /** 质检提醒 and 申诉 news: chime, desktop notification, and the in-app one the shell shows. */
  private qaAlert(frame: QaAlert): void {
    const { title, body } = qaAlertText(frame, this.t);
    this.notifier.chime();
    this.notifier.desktop({
      title,
      body,
      tag: frame.kind === 'qa_finding' ? `zhike-qa-${frame.messageId}` : `zhike-appeal-${frame.appealId}-${frame.action}`,
      onClick: () => this.navigatePath?.(qaAlertPath(frame)),
    });
    for (const l of [...this.qaAlertListeners]) l(frame);
  }

  /**
   * 工单提醒: chime now; the texts (and the desktop notification) come from the shell, which
   * loads the tickets' words with the first such alert (they are not in the first load).
   */
  private ticketAlert(frame: TicketAlert): void {
    this.notifier.chime();
    for (const l of [...this.ticketAlertListeners]) l(frame);
  }

  /**
   * A customer wrote: sound and desktop notification unless the agent is looking
   * at that very conversation. Only for conversations that are mine or waiting
   * for someone, once per message.
   */
  private maybeNotify(message: Message, conv: Conversation): void {
    if (message.senderType !== 'customer' || message.private) return;
    const me = this.state.me;
    if (conv.assigneeId !== null && conv.assigneeId !== me.id) return;
    if (conv.status === 'resolved') return;
    const key = `${message.conversationId}:${message.seq}`;
    if (this.notified.has(key)) return;
    this.notified.add(key);
    if (this.notified.size > 2000) this.notified = new Set([...this.notified].slice(-1000));
    const watching = document.visibilityState === 'visible' && document.hasFocus() && this.state.activeId === conv.id;
    if (watching) return;
    this.notifier.chime();
    const body = message.content.trim() || (message.contentType === 'image' ? this.t('msg.image') : this.t('msg.file'));
    this.notifier.desktop({
      title: contactLabel(conv.contactName, conv.contactId, this.t),
      body: body.length > 120 ? `${body.slice(0, 120)}…` : body,
      // one notification per conversation: a second message replaces the first
      tag: `zhike-conversation-${conv.id}`,
      onClick: () => this.navigate?.(conv.id),
    });
  }
}
