import type { RealtimeBus } from '../bus/bus.js';
import { isEvent } from '../core/events.js';
import type { Conversation } from '../core/model.js';
import type { Db } from '../storage/db.js';
import type { Listener } from '../events/dispatcher.js';
import type { Router } from '../routing/router.js';

/**
 * 排队位置, live: after a queue changes, its waiting customers get their position
 * and estimated wait, and the consoles the queue's length — at most every 300 ms
 * (a burst of changes makes one update). Best effort: a customer who misses one
 * gets the next, and the position again when their widget reconnects.
 */
export function queuePositionsListener(router: Router, bus: RealtimeBus, db: Db): Listener {
  const queues = new QueueNotifier(router, bus);
  return {
    name: 'queue-positions',
    events: [
      'conversation.assigned',
      'conversation.status_changed',
      'conversation.queued',
      'conversation.abandoned',
      'conversation.transferred',
      'conversation.response_overdue',
      'contact.updated',
    ],
    async handle(e) {
      if (isEvent(e, 'contact.updated')) {
        if (!e.data.fields.includes('vip')) return;
        // a VIP moves up the queues they wait in: everyone there gets their new position
        const waiting = await db.query(`SELECT DISTINCT group_id FROM conversations WHERE contact_id = $1 AND queued_at IS NOT NULL`, [e.subject.id]);
        for (const w of waiting) queues.touch({ workspaceId: e.workspaceId, groupId: w.group_id, handler: 'human' });
        return;
      }
      const conv = e.subject as Conversation;
      queues.touch(conv);
      if (isEvent(e, 'conversation.transferred') && e.data.fromGroupId !== e.data.toGroupId) queues.touch({ ...conv, groupId: e.data.fromGroupId });
    },
  };
}

class QueueNotifier {
  private readonly pending = new Map<string, { workspaceId: number; groupId: number | null }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly router: Router,
    private readonly bus: RealtimeBus,
  ) {}

  touch(conv: Pick<Conversation, 'workspaceId' | 'groupId' | 'handler'>): void {
    if (conv.handler !== 'human') return;
    this.pending.set(`${conv.workspaceId}:${conv.groupId}`, { workspaceId: conv.workspaceId, groupId: conv.groupId });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), 300);
      this.timer.unref();
    }
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const { workspaceId, groupId } of batch) {
      try {
        const entries = await this.router.queue(workspaceId, groupId);
        await this.bus.publish({ t: 'queue', workspaceId, groupId, entries });
      } catch {
        // the next change publishes again
      }
    }
  }
}
