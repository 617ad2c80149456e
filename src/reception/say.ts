import type { CommandContext } from '../commands/context.js';
import { createMessage } from '../commands/messages.js';
import type { Conversation, MessageMeta } from '../core/model.js';
import { BOT_NAME } from '../core/reception/reception.js';

/**
 * A message the platform writes itself: automatic replies (system), the bot's
 * answers, notes for agents. Empty text sends nothing. The deterministic
 * clientMessageId makes a retry (timer re-run, another instance) a no-op.
 */
export async function say(
  ctx: CommandContext,
  conv: Pick<Conversation, 'id' | 'workspaceId'>,
  content: string | null | undefined,
  clientMessageId: string,
  opts: { as?: 'system' | 'bot'; private?: boolean; meta?: MessageMeta } = {},
): Promise<void> {
  if (!content?.trim()) return;
  // Sent already (a retry, or a line meant once per conversation): skip the write.
  const sent = await ctx.db.query('SELECT 1 FROM messages WHERE conversation_id = $1 AND client_message_id = $2', [conv.id, clientMessageId]);
  if (sent.length > 0) return;
  const as = opts.as ?? 'system';
  await createMessage(ctx, {
    workspaceId: conv.workspaceId,
    conversationId: conv.id,
    senderType: as,
    senderId: null,
    senderName: as === 'bot' ? BOT_NAME : null,
    content,
    private: opts.private,
    clientMessageId,
    meta: opts.meta ?? null,
  });
}
