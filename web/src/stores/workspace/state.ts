import type {
  Agent,
  AssigneeFilter,
  AttachmentRef,
  Availability,
  Contact,
  Conversation,
  ConversationCounts,
  ConversationStatus,
  LiveVisitor,
  Message,
  SkillGroup,
  WorkspaceInfo,
} from '../../api/types';
import type { ConnectionState } from '../../realtime/socket';

/** An outgoing message until the server has stored it (then the real message replaces it). */
export interface PendingMessage {
  clientMessageId: string;
  conversationId: number;
  content: string;
  private: boolean;
  attachments: AttachmentRef[];
  status: 'sending' | 'failed';
  error: unknown;
  /** Failed for a passing reason (offline, server error): sent again on its own, with the same clientMessageId. */
  retrying?: boolean;
  createdAt: string;
}

/** The loaded messages of one conversation, sorted by seq, each seq once. */
export interface Thread {
  messages: Message[];
  loaded: boolean;
  loading: boolean;
  error: unknown;
  hasOlder: boolean;
  loadingOlder: boolean;
}

/** 我的 / 未分配 / 全部, and 留言 (handler offline: left when nobody could answer) */
export type ListTab = AssigneeFilter | 'offline';
export const LIST_TABS: readonly ListTab[] = ['mine', 'unassigned', 'all', 'offline'];

/** The server's tab counts plus 留言 (counted from a capped page: OFFLINE_COUNT_CAP means "that many or more"); null: unknown */
export type TabCounts = ConversationCounts & { offline: number | null };
export const OFFLINE_COUNT_CAP = 100;

export interface ListState {
  tab: ListTab;
  status: ConversationStatus;
  counts: TabCounts | null;
  /**
   * The server's cursor below the loaded pages. Conversations older than it are not
   * shown until "load more" reaches them; null when everything is loaded.
   */
  floor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
}

export interface Typing {
  name: string | null;
  until: number;
}

export interface WorkspaceState {
  me: Agent;
  workspace: WorkspaceInfo;
  agents: Record<number, Agent>;
  agentsLoaded: boolean;
  /** Every conversation we know about, kept current by the socket. The list is derived from it. */
  conversations: Record<number, Conversation>;
  contacts: Record<number, Contact>;
  /** 技能组 by id (names for the header, the transfer dialog, the monitor) */
  groups: Record<number, SkillGroup>;
  groupsLoaded: boolean;
  /** Visitors with a page open now, by contact id (GET /visitors, then `visitor` frames) */
  visitors: Record<number, LiveVisitor>;
  visitorsLoaded: boolean;
  list: ListState;
  threads: Record<number, Thread>;
  pending: Record<number, PendingMessage[]>;
  customerTyping: Record<number, Typing>;
  colleagueTyping: Record<number, Typing>;
  activeId: number | null;
  connection: { state: ConnectionState; retryAt: number | null };
}

export type Action =
  | { type: 'me/updated'; agent: Agent }
  | { type: 'agents/loaded'; agents: Agent[] }
  | { type: 'agent/upsert'; agent: Agent }
  | { type: 'presence'; agentId: number; availability: Availability }
  | { type: 'list/filter'; tab: ListTab; status: ConversationStatus }
  | { type: 'list/loading'; more: boolean }
  | {
      type: 'list/loaded';
      conversations: Conversation[];
      counts: ConversationCounts;
      floor: string | null;
      /** replace: drop every cached conversation except `keep` (resync after a reconnect) */
      mode: 'merge' | 'more' | 'replace';
      keep: number[];
    }
  | { type: 'list/failed'; error: unknown; more: boolean }
  | { type: 'counts/loaded'; status: ConversationStatus; counts: ConversationCounts }
  | { type: 'counts/offline'; status: ConversationStatus; offline: number }
  | { type: 'groups/loaded'; groups: SkillGroup[] }
  | { type: 'group/upsert'; group: SkillGroup }
  | { type: 'group/remove'; id: number }
  | { type: 'visitors/loaded'; visitors: LiveVisitor[] }
  | { type: 'visitor'; contactId: number; visitor: LiveVisitor | null }
  | { type: 'conversation/upsert'; conversation: Conversation; isNew?: boolean }
  | { type: 'contact/upsert'; contact: Contact }
  | { type: 'thread/loading'; id: number }
  | { type: 'thread/loaded'; id: number; messages: Message[] }
  | { type: 'thread/failed'; id: number; error: unknown }
  | { type: 'thread/olderLoading'; id: number }
  | { type: 'thread/olderLoaded'; id: number; messages: Message[] }
  | { type: 'thread/olderFailed'; id: number }
  | { type: 'thread/evict'; ids: number[] }
  | { type: 'messages/received'; messages: Message[] }
  | { type: 'pending/add'; message: PendingMessage }
  | { type: 'pending/status'; conversationId: number; clientMessageId: string; status: 'sending' | 'failed'; error?: unknown; retrying?: boolean }
  | { type: 'pending/remove'; conversationId: number; clientMessageId: string }
  | { type: 'typing'; conversationId: number; from: 'agent' | 'customer'; name: string | null; on: boolean; until: number }
  | { type: 'typing/expire'; now: number }
  | { type: 'active'; id: number | null }
  | { type: 'connection'; state: ConnectionState; retryAt: number | null };

export function initialState(me: Agent, workspace: WorkspaceInfo): WorkspaceState {
  return {
    me,
    workspace,
    agents: { [me.id]: me },
    agentsLoaded: false,
    conversations: {},
    contacts: {},
    groups: {},
    groupsLoaded: false,
    visitors: {},
    visitorsLoaded: false,
    list: { tab: 'mine', status: 'open', counts: null, floor: null, loading: true, loadingMore: false, error: null },
    threads: {},
    pending: {},
    customerTyping: {},
    colleagueTyping: {},
    activeId: null,
    connection: { state: 'connecting', retryAt: null },
  };
}

// ── list membership ─────────────────────────────────────────────────────

export function matchesTab(c: Pick<Conversation, 'assigneeId' | 'handler'>, tab: ListTab, meId: number): boolean {
  if (tab === 'mine') return c.assigneeId === meId;
  if (tab === 'unassigned') return c.assigneeId === null;
  if (tab === 'offline') return c.handler === 'offline';
  return true;
}

/** Newest activity first, as the server orders: (updatedAt, id) descending. */
export function compareActivity(a: Pick<Conversation, 'updatedAt' | 'id'>, b: Pick<Conversation, 'updatedAt' | 'id'>): number {
  const ta = Date.parse(a.updatedAt);
  const tb = Date.parse(b.updatedAt);
  if (ta !== tb) return tb - ta;
  return b.id - a.id;
}

export function parseCursor(cursor: string): { updatedAt: string; id: number } {
  const i = cursor.lastIndexOf('_');
  return { updatedAt: cursor.slice(0, i), id: Number(cursor.slice(i + 1)) };
}

/** Whether a conversation is inside the loaded window (at or above the floor). */
export function aboveFloor(c: Pick<Conversation, 'updatedAt' | 'id'>, floor: string | null): boolean {
  if (!floor) return true;
  return compareActivity(c, parseCursor(floor)) <= 0;
}

function countsDelta(counts: TabCounts, prev: Conversation | null, next: Conversation, status: ConversationStatus, meId: number): TabCounts {
  const out = { ...counts };
  const delta = (tab: ListTab) => {
    const before = prev !== null && prev.status === status && matchesTab(prev, tab, meId) ? 1 : 0;
    const after = next.status === status && matchesTab(next, tab, meId) ? 1 : 0;
    return after - before;
  };
  for (const tab of ['mine', 'unassigned', 'all'] as const) out[tab] = Math.max(0, out[tab] + delta(tab));
  if (out.offline !== null) out.offline = Math.max(0, out.offline + delta('offline'));
  return out;
}

// ── messages ────────────────────────────────────────────────────────────

/** Merges messages into a sorted list, each seq once (a message can arrive as HTTP answer, ack and live frame). */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  if (!changed) return existing;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const emptyThread: Thread = { messages: [], loaded: false, loading: false, error: null, hasOlder: false, loadingOlder: false };

function patchThread(state: WorkspaceState, id: number, patch: Partial<Thread>): WorkspaceState {
  const thread = state.threads[id] ?? emptyThread;
  return { ...state, threads: { ...state.threads, [id]: { ...thread, ...patch } } };
}

function withoutKey<T>(record: Record<number, T>, key: number): Record<number, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/**
 * A live visitor's "chatting" follows their conversations: the server sends no `visitor`
 * frame when a visitor starts or ends a conversation (only when their page changes).
 */
function withChat(visitors: Record<number, LiveVisitor>, c: Conversation): Record<number, LiveVisitor> {
  const v = visitors[c.contactId];
  if (!v) return visitors;
  if (c.status !== 'resolved' && v.conversationId !== c.id && (v.conversationId === null || c.id > v.conversationId)) {
    return { ...visitors, [c.contactId]: { ...v, conversationId: c.id } };
  }
  if (c.status === 'resolved' && v.conversationId === c.id) return { ...visitors, [c.contactId]: { ...v, conversationId: null } };
  return visitors;
}

// ── reducer ─────────────────────────────────────────────────────────────

export function reducer(state: WorkspaceState, action: Action): WorkspaceState {
  switch (action.type) {
    case 'me/updated':
      return { ...state, me: action.agent, agents: { ...state.agents, [action.agent.id]: action.agent } };

    case 'agents/loaded': {
      const agents: Record<number, Agent> = {};
      for (const a of action.agents) agents[a.id] = a;
      const me = agents[state.me.id] ?? state.me;
      return { ...state, agents, agentsLoaded: true, me };
    }

    case 'agent/upsert': {
      const agents = { ...state.agents, [action.agent.id]: action.agent };
      return { ...state, agents, me: action.agent.id === state.me.id ? action.agent : state.me };
    }

    case 'presence': {
      const agent = state.agents[action.agentId];
      const me = action.agentId === state.me.id ? { ...state.me, availability: action.availability } : state.me;
      if (!agent) return me === state.me ? state : { ...state, me };
      if (agent.availability === action.availability && me === state.me) return state;
      return { ...state, me, agents: { ...state.agents, [agent.id]: { ...agent, availability: action.availability } } };
    }

    case 'list/filter':
      if (state.list.tab === action.tab && state.list.status === action.status) return state;
      return {
        ...state,
        list: {
          ...state.list,
          tab: action.tab,
          status: action.status,
          // counts depend on the status filter only; the tab switch keeps them
          counts: action.status === state.list.status ? state.list.counts : null,
          floor: null,
          error: null,
        },
      };

    case 'list/loading':
      return { ...state, list: { ...state.list, ...(action.more ? { loadingMore: true } : { loading: true }), error: null } };

    case 'list/loaded': {
      let conversations: Record<number, Conversation>;
      if (action.mode === 'replace') {
        conversations = {};
        for (const id of action.keep) if (state.conversations[id]) conversations[id] = state.conversations[id];
      } else {
        conversations = { ...state.conversations };
      }
      for (const c of action.conversations) conversations[c.id] = c;
      return {
        ...state,
        conversations,
        list: {
          ...state.list,
          counts: { ...action.counts, offline: state.list.counts?.offline ?? null },
          floor: action.floor,
          loading: action.mode === 'more' ? state.list.loading : false,
          loadingMore: false,
          error: null,
        },
      };
    }

    case 'list/failed':
      return {
        ...state,
        list: { ...state.list, loading: action.more ? state.list.loading : false, loadingMore: false, error: action.error },
      };

    case 'counts/loaded':
      if (action.status !== state.list.status) return state;
      return { ...state, list: { ...state.list, counts: { ...action.counts, offline: state.list.counts?.offline ?? null } } };

    case 'counts/offline': {
      if (action.status !== state.list.status) return state;
      const base = state.list.counts ?? { mine: 0, unassigned: 0, all: 0, offline: null };
      return { ...state, list: { ...state.list, counts: { ...base, offline: action.offline } } };
    }

    case 'groups/loaded': {
      const groups: Record<number, SkillGroup> = {};
      for (const g of action.groups) groups[g.id] = g;
      return { ...state, groups, groupsLoaded: true };
    }

    case 'group/upsert':
      return { ...state, groups: { ...state.groups, [action.group.id]: action.group } };

    case 'group/remove':
      return { ...state, groups: withoutKey(state.groups, action.id) };

    case 'visitors/loaded': {
      const visitors: Record<number, LiveVisitor> = {};
      for (const v of action.visitors) visitors[v.contactId] = v;
      return { ...state, visitors, visitorsLoaded: true };
    }

    case 'visitor':
      if (action.visitor === null) {
        const visitors = withoutKey(state.visitors, action.contactId);
        return visitors === state.visitors ? state : { ...state, visitors };
      }
      return { ...state, visitors: { ...state.visitors, [action.contactId]: action.visitor } };

    case 'conversation/upsert': {
      const next = action.conversation;
      const prev = state.conversations[next.id] ?? null;
      let counts = state.list.counts;
      if (counts && (prev || action.isNew)) counts = countsDelta(counts, prev, next, state.list.status, state.me.id);
      return {
        ...state,
        conversations: { ...state.conversations, [next.id]: next },
        list: { ...state.list, counts },
        visitors: withChat(state.visitors, next),
      };
    }

    case 'contact/upsert': {
      const contact = action.contact;
      let conversations = state.conversations;
      for (const c of Object.values(state.conversations)) {
        if (c.contactId === contact.id && c.contactName !== contact.name) {
          if (conversations === state.conversations) conversations = { ...state.conversations };
          conversations[c.id] = { ...c, contactName: contact.name };
        }
      }
      const live = state.visitors[contact.id];
      const visitors =
        live && (live.name !== contact.name || live.vip !== contact.vip)
          ? { ...state.visitors, [contact.id]: { ...live, name: contact.name, vip: contact.vip } }
          : state.visitors;
      return { ...state, conversations, visitors, contacts: { ...state.contacts, [contact.id]: contact } };
    }

    case 'thread/loading':
      return patchThread(state, action.id, { loading: true, error: null });

    case 'thread/loaded': {
      const existing = state.threads[action.id];
      const messages = mergeMessages(existing?.loaded ? existing.messages : [], action.messages);
      const first = messages[0];
      return patchThread(state, action.id, {
        messages,
        loaded: true,
        loading: false,
        error: null,
        hasOlder: first !== undefined && first.seq > 1,
      });
    }

    case 'thread/failed':
      return patchThread(state, action.id, { loading: false, error: action.error });

    case 'thread/olderLoading':
      return patchThread(state, action.id, { loadingOlder: true });

    case 'thread/olderLoaded': {
      const thread = state.threads[action.id];
      if (!thread) return state;
      const messages = mergeMessages(thread.messages, action.messages);
      const first = messages[0];
      return patchThread(state, action.id, {
        messages,
        loadingOlder: false,
        hasOlder: action.messages.length > 0 && first !== undefined && first.seq > 1,
      });
    }

    case 'thread/olderFailed':
      return patchThread(state, action.id, { loadingOlder: false });

    case 'thread/evict': {
      const threads = { ...state.threads };
      for (const id of action.ids) delete threads[id];
      return { ...state, threads };
    }

    case 'messages/received': {
      let threads = state.threads;
      let pending = state.pending;
      let customerTyping = state.customerTyping;
      for (const m of action.messages) {
        const thread = threads[m.conversationId];
        // Messages of conversations we have not loaded are not kept: opening one loads it and syncs from there.
        if (thread?.loaded) {
          const merged = mergeMessages(thread.messages, [m]);
          if (merged !== thread.messages) {
            if (threads === state.threads) threads = { ...state.threads };
            threads[m.conversationId] = { ...thread, messages: merged };
          }
        }
        if (m.clientMessageId) {
          const list = pending[m.conversationId];
          if (list?.some((p) => p.clientMessageId === m.clientMessageId)) {
            if (pending === state.pending) pending = { ...state.pending };
            pending[m.conversationId] = list.filter((p) => p.clientMessageId !== m.clientMessageId);
          }
        }
        if (m.senderType === 'customer' && customerTyping[m.conversationId]) {
          customerTyping = withoutKey(customerTyping, m.conversationId);
        }
      }
      if (threads === state.threads && pending === state.pending && customerTyping === state.customerTyping) return state;
      return { ...state, threads, pending, customerTyping };
    }

    case 'pending/add': {
      const list = state.pending[action.message.conversationId] ?? [];
      return { ...state, pending: { ...state.pending, [action.message.conversationId]: [...list, action.message] } };
    }

    case 'pending/status': {
      const list = state.pending[action.conversationId];
      if (!list) return state;
      return {
        ...state,
        pending: {
          ...state.pending,
          [action.conversationId]: list.map((p) =>
            p.clientMessageId === action.clientMessageId ? { ...p, status: action.status, error: action.error ?? null, retrying: action.retrying ?? false } : p,
          ),
        },
      };
    }

    case 'pending/remove': {
      const list = state.pending[action.conversationId];
      if (!list) return state;
      return {
        ...state,
        pending: { ...state.pending, [action.conversationId]: list.filter((p) => p.clientMessageId !== action.clientMessageId) },
      };
    }

    case 'typing': {
      const key = action.from === 'customer' ? 'customerTyping' : 'colleagueTyping';
      const current = state[key];
      const next = action.on
        ? { ...current, [action.conversationId]: { name: action.name, until: action.until } }
        : withoutKey(current, action.conversationId);
      return next === current ? state : { ...state, [key]: next };
    }

    case 'typing/expire': {
      const expire = (r: Record<number, Typing>) => {
        let out = r;
        for (const [id, v] of Object.entries(r)) {
          if (v.until <= action.now) {
            if (out === r) out = { ...r };
            delete out[Number(id)];
          }
        }
        return out;
      };
      const customerTyping = expire(state.customerTyping);
      const colleagueTyping = expire(state.colleagueTyping);
      if (customerTyping === state.customerTyping && colleagueTyping === state.colleagueTyping) return state;
      return { ...state, customerTyping, colleagueTyping };
    }

    case 'active':
      return state.activeId === action.id ? state : { ...state, activeId: action.id };

    case 'connection':
      if (state.connection.state === action.state && state.connection.retryAt === action.retryAt) return state;
      return { ...state, connection: { state: action.state, retryAt: action.retryAt } };
  }
}
