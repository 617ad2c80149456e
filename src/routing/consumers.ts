import { defineConsumer } from '../events/consumers.js';
import { findConversation } from '../storage/conversations.js';
import { maybeOne, type Sql } from '../storage/db.js';
import type { Router } from './router.js';

/**
 * 分配: a conversation that people handle and nobody has gets an agent of its group,
 * or a queue place — when the customer writes in it (their first message: an empty
 * conversation takes no seat and no queue place), when the bot hands it over (转人工),
 * when its agent lets it go, when it is reopened, and when it is transferred to a
 * group. Router.route checks the current state (and that the customer has written),
 * so a repeated event changes nothing. An accepted invitation is its agent's from the start.
 */
export function routeConsumer(router: Router) {
  return defineConsumer({
    name: 'routing.route',
    events: ['message.created', 'conversation.handler_changed', 'conversation.assigned', 'conversation.status_changed', 'conversation.transferred'],
    // the events that leave a conversation with people and nobody assigned
    match: {
      // (a queued customer's messages pass: the queue's drain serves them)
      'message.created': { senderType: ['customer'], handler: ['human'], assigneeId: [null], queued: [false] },
      'conversation.handler_changed': { to: ['human'] },
      'conversation.assigned': { to: [null] },
      'conversation.status_changed': { to: ['open'] },
      'conversation.transferred': { toAgentId: [null] },
    },
    async handle(e) {
      if (e.conversationId === null) return;
      if (e.type === 'message.created') await router.routeOnCustomerMessage(e.conversationId);
      else await router.route(e.conversationId, e.type === 'conversation.transferred' ? { reason: 'transfer' } : {});
    },
  });
}

/**
 * A seat freed up (a conversation ended, was parked or moved on; an agent came
 * back online, got a higher 接待上限, was reactivated; a group got new members or
 * a new strategy): the oldest waiting customers (VIP first) are served at once.
 */
export function drainConsumer(router: Router, db: Sql) {
  return defineConsumer({
    name: 'routing.drain',
    events: ['conversation.assigned', 'conversation.status_changed', 'agent.presence_changed', 'agent.updated', 'skill_group.changed'],
    async handle(e) {
      switch (e.type) {
        case 'conversation.assigned':
          if (e.data.from !== null) await router.drainForAgent(e.workspaceId, e.data.from);
          return;
        case 'conversation.status_changed': {
          if (e.data.from !== 'open' || e.data.to === 'open' || e.conversationId === null) return;
          const conv = await findConversation(db, e.conversationId);
          if (conv?.assigneeId != null) await router.drainForAgent(e.workspaceId, conv.assigneeId);
          return;
        }
        case 'agent.presence_changed':
          if (e.data.to === 'online') await router.drainForAgent(e.workspaceId, e.data.agentId);
          return;
        case 'agent.updated': {
          // a raised limit or a reactivation may free seats; a renamed agent does not
          if (!e.data.fields.includes('maxConcurrent') && !e.data.fields.includes('active')) return;
          const agent = await maybeOne(db, 'SELECT id, active, availability FROM agents WHERE id = $1', [e.data.agentId]);
          if (agent?.active && agent.availability === 'online') await router.drainForAgent(e.workspaceId, agent.id);
          return;
        }
        case 'skill_group.changed':
          if (e.data.action !== 'created') await router.drain(e.workspaceId, e.data.action === 'deleted' ? null : e.data.groupId);
          return;
      }
    },
  });
}
