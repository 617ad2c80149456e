import type { Agent, Conversation } from '../api/types';
import * as rules from '../../../src/core/permissions';

/** The server's rules (src/core/permissions.ts), asked for the signed-in agent, so the console only offers what the server allows. */
export { canReview, isLead, servesCustomers } from '../../../src/core/permissions';

type Assigned = Pick<Conversation, 'assigneeId'>;
const who = (me: Agent): rules.Who => ({ agentId: me.id, role: me.role });

export const canTake = (me: Agent, conv: Assigned) => rules.canTake(who(me), conv);
export const canTransfer = (me: Agent, conv: Assigned) => rules.canTransfer(who(me), conv);
export const canChangeStatus = (me: Agent, conv: Assigned) => rules.canChangeStatus(who(me), conv);
/** Public replies; private notes are always allowed. */
export const canReply = (me: Agent, conv: Assigned) => rules.canReply(who(me), conv);
