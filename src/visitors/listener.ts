import { isEvent } from '../core/events.js';
import type { Listener } from '../events/dispatcher.js';
import type { VisitorTracker } from './tracker.js';

/** The live visitor list shows who is chatting: a conversation that starts or ends changes the visitor's row. */
export function visitorsListener(visitors: VisitorTracker): Listener {
  return {
    name: 'visitors',
    events: ['conversation.created', 'conversation.status_changed'],
    async handle(e) {
      if (isEvent(e, 'conversation.created') || isEvent(e, 'conversation.status_changed')) {
        await visitors.announce(e.workspaceId, e.subject.contactId);
      }
    },
  };
}
