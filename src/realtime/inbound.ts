import type { RawData, WebSocket } from 'ws';
import type { RealtimeBus } from '../bus/bus.js';
import { setAvailability } from '../commands/agents.js';
import type { CommandContext } from '../commands/context.js';
import { createMessage } from '../commands/messages.js';
import { DomainError } from '../core/errors.js';
import { MAX_WS_FRAME_BYTES } from '../core/limits.js';
import type { Availability } from '../core/model.js';
import { assertCanReply } from '../core/permissions.js';
import { clientFrame, type ClientFrame } from '../core/realtime/client-frames.js';
import { isInvalidTextIssue } from '../core/text-schema.js';
import { INVALID_TEXT } from '../core/text.js';
import type { Metrics } from '../observability/metrics.js';
import type { ClientLimiter } from '../ratelimit/limiter.js';
import { getConversation } from '../storage/conversations.js';
import type { VisitorTracker } from '../visitors/tracker.js';
import { AgentConn, agentFrame, customerFrame, CustomerConn, forCustomer, PONG, type Conn, type FrameWriter, type Log } from './connection.js';
import type { ConversationContacts, Delivery } from './delivery.js';

export interface InboundDeps extends CommandContext {
  bus: RealtimeBus;
  log: Log;
  metrics: Metrics;
  visitors?: VisitorTracker;
  limiter?: ClientLimiter;
}

/**
 * Frames from clients: parsed and checked (size, JSON, schema), then (once
 * authenticated) handled (send/ack, typing, sync, presence, page, invite_reply)
 * with the same ownership checks as the HTTP API.
 */
export class Inbound {
  constructor(
    private readonly deps: InboundDeps,
    private readonly writer: FrameWriter,
    private readonly delivery: Delivery,
    private readonly contacts: ConversationContacts,
  ) {}

  /** A client frame, or null after answering with an error frame (binary, too large, not JSON, not a valid frame). */
  parse(ws: WebSocket, data: RawData, isBinary: boolean): ClientFrame | null {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      this.writer.sendError(ws, undefined, 'invalid_frame', 'frames must be JSON text, not binary');
      return null;
    }
    if (size > MAX_WS_FRAME_BYTES) {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      this.writer.sendError(ws, undefined, 'frame_too_large', `a frame may be at most ${MAX_WS_FRAME_BYTES} bytes`, {
        limit: MAX_WS_FRAME_BYTES,
      });
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      this.writer.sendError(ws, undefined, 'invalid_json', 'the frame is not valid JSON');
      return null;
    }
    const parsed = clientFrame.safeParse(json);
    if (!parsed.success) {
      this.deps.metrics.wsFrames.inc({ outcome: 'invalid' });
      const ref = typeof (json as { ref?: unknown })?.ref === 'string' ? ((json as { ref: string }).ref).slice(0, 100) : undefined;
      // NUL or a lone surrogate anywhere: invalid_text, so clients know the text itself is refused
      const issue = parsed.error.issues.find(isInvalidTextIssue) ?? parsed.error.issues[0];
      const code = isInvalidTextIssue(issue) ? INVALID_TEXT : 'invalid_frame';
      this.writer.sendError(ws, ref, code, `${issue.path.join('.') || 'frame'}: ${issue.message}`);
      return null;
    }
    return parsed.data;
  }

  /** A frame from an authenticated connection (the gateway rate-limited it already): handled in order. */
  receive(conn: Conn, frame: ClientFrame): void {
    this.deps.metrics.wsFrames.inc({ outcome: 'ok' });
    if (frame.type === 'ping' || frame.type === 'typing') {
      void this.handle(conn, frame);
      return;
    }
    // One frame at a time per connection: two quick messages are stored in the order they were sent.
    conn.queue = conn.queue.then(() => this.handle(conn, frame));
  }

  private async handle(conn: Conn, frame: ClientFrame): Promise<void> {
    try {
      if (conn instanceof CustomerConn) await this.deps.limiter?.checkFrame(frame, conn.ws, conn.contact.id); // messages and page reports
      switch (frame.type) {
        case 'hello':
          this.writer.sendError(conn.ws, undefined, 'already_authenticated', 'this connection is already authenticated');
          return;
        case 'ping':
          this.writer.send(conn.ws, PONG);
          return;
        case 'sync':
          if (!(await this.mayAccess(conn, frame.conversationId))) throw notFoundConversation();
          this.delivery.sync(conn, frame.conversationId, frame.afterSeq);
          return;
        case 'send':
          return await this.handleSend(conn, frame);
        case 'typing':
          return await this.handleTyping(conn, frame.conversationId, frame.on);
        case 'presence':
          if (!(conn instanceof AgentConn)) throw new DomainError('forbidden', 'only agents have a presence status', 403);
          await setAvailability(this.deps, conn.session.caller, frame.availability as Availability);
          return;
        case 'page':
          if (!(conn instanceof CustomerConn)) throw new DomainError('forbidden', 'only widgets report pages', 403);
          await conn.page?.track(frame.page);
          return;
        case 'invite_reply': {
          if (!(conn instanceof CustomerConn) || !this.deps.visitors) throw new DomainError('forbidden', 'only visitors answer invitations', 403);
          const { conversationId } = await this.deps.visitors.reply(conn.workspaceId, conn.inbox.id, conn.contact.id, frame.invitationId, frame.accept);
          if (conversationId) conn.owned.add(conversationId);
          this.writer.send(conn.ws, customerFrame({ type: 'invite_result', ref: frame.ref, invitationId: frame.invitationId, accepted: frame.accept, conversationId }));
          return;
        }
      }
    } catch (err) {
      const ref = refOf(frame);
      if (err instanceof DomainError) {
        this.writer.sendError(conn.ws, ref, err.code, err.message, err.details);
      } else {
        this.deps.log.error({ err, frame: frame.type }, 'websocket frame failed');
        this.writer.sendError(conn.ws, ref, 'internal_error', 'the server could not handle this frame; retry it');
      }
    }
  }

  private async handleSend(conn: Conn, frame: Extract<ClientFrame, { type: 'send' }>): Promise<void> {
    (conn.sending ??= new Set()).add(frame.clientMessageId);
    try {
      const result = await this.store(conn, frame);
      const { message, duplicate } = result;
      const ack = conn instanceof AgentConn ? agentFrame({ type: 'ack', ref: frame.ref, message, duplicate }) : customerFrame({ type: 'ack', ref: frame.ref, message: forCustomer(message), duplicate });
      this.writer.send(conn.ws, ack);
    } finally {
      conn.sending.delete(frame.clientMessageId);
    }
  }

  private async store(conn: Conn, frame: Extract<ClientFrame, { type: 'send' }>) {
    let result;
    if (conn instanceof AgentConn) {
      const conv = await getConversation(this.deps.db, conn.workspaceId, frame.conversationId);
      if (!conv) throw notFoundConversation();
      assertCanReply(conn.session.caller, conv, frame.private ?? false);
      result = await createMessage(this.deps, {
        workspaceId: conn.workspaceId,
        conversationId: frame.conversationId,
        senderType: 'agent',
        senderId: conn.session.agent.id,
        senderName: conn.session.agent.name,
        content: frame.content,
        private: frame.private,
        attachmentIds: frame.attachmentIds,
        clientMessageId: frame.clientMessageId,
      });
    } else {
      const c = conn as CustomerConn;
      if (frame.private) throw new DomainError('forbidden', 'customers cannot write private notes', 403);
      result = await createMessage(this.deps, {
        workspaceId: c.workspaceId,
        conversationId: frame.conversationId,
        contactId: c.contact.id,
        senderType: 'customer',
        senderId: c.contact.id,
        senderName: c.contact.name,
        content: frame.content,
        attachmentIds: frame.attachmentIds,
        clientMessageId: frame.clientMessageId,
        channel: 'web',
      });
    }
    return result;
  }

  private async handleTyping(conn: Conn, conversationId: number, on: boolean): Promise<void> {
    if (conn instanceof CustomerConn) {
      if (!(await this.mayAccess(conn, conversationId))) throw notFoundConversation();
      await this.deps.bus.publish({
        t: 'typing',
        workspaceId: conn.workspaceId,
        contactId: conn.contact.id,
        conversationId,
        from: 'customer',
        senderId: conn.contact.id,
        name: conn.contact.name,
        on,
      });
      return;
    }
    const agent = (conn as AgentConn).session.agent;
    let contactId = this.contacts.get(conversationId);
    if (contactId === undefined) {
      const conv = await getConversation(this.deps.db, conn.workspaceId, conversationId);
      if (!conv) throw notFoundConversation();
      contactId = conv.contactId;
      this.contacts.remember(conversationId, contactId);
    }
    await this.deps.bus.publish({
      t: 'typing',
      workspaceId: conn.workspaceId,
      contactId,
      conversationId,
      from: 'agent',
      senderId: agent.id,
      name: agent.name,
      on,
    });
  }

  /** Ownership: customers reach their own conversations only, agents those of their workspace. */
  async mayAccess(conn: Conn, conversationId: number): Promise<boolean> {
    if (conn instanceof CustomerConn) {
      if (conn.owned.has(conversationId)) return true;
      // created a moment ago (the 'created' event may still be on its way): ask the database
      const conv = await getConversation(this.deps.db, conn.workspaceId, conversationId, conn.contact.id);
      if (conv) conn.owned.add(conversationId);
      return conv !== null;
    }
    return (await getConversation(this.deps.db, conn.workspaceId, conversationId)) !== null;
  }
}

export function refOf(frame: unknown): string | undefined {
  const ref = (frame as { ref?: unknown })?.ref;
  return typeof ref === 'string' ? ref : undefined;
}

const notFoundConversation = () => new DomainError('conversation_not_found', 'conversation not found (or not yours)', 404);
