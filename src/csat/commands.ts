import { runCommand, type CommandContext } from '../commands/context.js';
import { csatTexts, customerView, decideRating, reasonsFromLabels, type CsatRating, type CustomerRating, type RatingInput } from '../core/csat/rating.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Contact, Conversation } from '../core/model.js';
import { assertCanReply, type Caller } from '../core/permissions.js';
import type { ReceptionSettings } from '../core/reception/settings.js';
import { say } from '../reception/say.js';
import { findConversation } from '../storage/conversations.js';
import { findRatingRow, findRequest, requestMessageId, toRating } from './store.js';

export interface RatingOutcome {
  rating: CsatRating;
  /** the same, as the customer sees it (their language) */
  customer: CustomerRating;
  /** false: an earlier rating was changed */
  created: boolean;
}

/**
 * The customer rates their conversation (or changes the rating within 24 hours). Only the
 * conversation's own contact reaches this (the client API's token): agents never rate.
 * The rated agent is the one the conversation is with at the first rating.
 */
export async function rateConversation(ctx: CommandContext, contact: Pick<Contact, 'id' | 'workspaceId'>, conversationId: number, input: RatingInput): Promise<RatingOutcome> {
  const comment = input.comment?.trim() || null;
  return runCommand(ctx, async (sql) => {
    // the conversation as it is now (it may have ended a moment ago); the rating row locked below
    const conv = await findConversation(sql, conversationId, { workspaceId: contact.workspaceId, contactId: contact.id });
    if (!conv) throw notFound('conversation');
    const settings = await ctx.reception.get(conv.inboxId, sql);
    const reasons = reasonsFromLabels(settings.csat, settings.translations.en.csat, input.reasons ?? []);
    const existing = await findRatingRow(sql, conv.id, { lock: true });
    const request = await findRequest(sql, conv.id);
    const now = new Date();
    const action = decideRating(
      { enabled: settings.csat.enabled, status: conv.status, requested: request !== null, existing: existing ? { createdAt: new Date(existing.created_at) } : null, now },
      { score: input.score, reasons, comment },
    );
    const row =
      action === 'update'
        ? (await sql.query('UPDATE csat_ratings SET score = $2, reasons = $3::jsonb, comment = $4, updated_at = now() WHERE id = $1 RETURNING *', [existing!.id, input.score, JSON.stringify(reasons), comment]))[0]
        : (
            await sql.query(
              `INSERT INTO csat_ratings (workspace_id, conversation_id, inbox_id, contact_id, agent_id, score, reasons, comment, source)
               VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
               ON CONFLICT (conversation_id) DO NOTHING RETURNING *`,
              [conv.workspaceId, conv.id, conv.inboxId, contact.id, conv.assigneeId, input.score, JSON.stringify(reasons), comment, request?.source ?? 'close'],
            )
          )[0];
    // two first ratings at the same instant: the other one is stored; this one is a change of it
    if (!row) throw new DomainError('rating_conflict', 'the rating was being saved at the same moment: send it again', 409);
    const rating = toRating(row, settings.csat.labels);
    const event = pendingEvent('csat.rated', {
      workspaceId: conv.workspaceId,
      conversationId: conv.id,
      actor: { type: 'customer', id: contact.id },
      data: { ratingId: rating.id, score: rating.score, previousScore: existing ? Number(existing.score) : null, agentId: rating.agentId, reasons: rating.reasons },
      subject: rating,
    });
    const customer = customerView(rating, settings.csat, settings.translations.en.csat, conv.locale);
    return { result: { rating, customer, created: action === 'create' }, events: [event] };
  });
}

/** The rating of a conversation of the contact's, as the widget shows it, in their language (null: none yet). */
export async function customerRating(ctx: CommandContext, contact: Pick<Contact, 'id' | 'workspaceId'>, conversationId: number): Promise<CustomerRating | null> {
  const conv = await findConversation(ctx.db, conversationId, { workspaceId: contact.workspaceId, contactId: contact.id });
  if (!conv) throw notFound('conversation');
  const row = await findRatingRow(ctx.db, conv.id);
  if (!row) return null;
  const settings = await ctx.reception.get(conv.inboxId);
  return customerView(toRating(row, settings.csat.labels), settings.csat, settings.translations.en.csat, conv.locale);
}

/** A conversation's rating and whether the customer was asked, for agents of its workspace. */
export async function conversationRating(ctx: CommandContext, caller: Caller, conversationId: number): Promise<{ rating: CsatRating | null; requested: boolean }> {
  const conv = await findConversation(ctx.db, conversationId, { workspaceId: caller.workspaceId });
  if (!conv) throw notFound('conversation');
  const row = await findRatingRow(ctx.db, conv.id);
  const request = await findRequest(ctx.db, conv.id);
  const settings = await ctx.reception.get(conv.inboxId);
  return { rating: row ? toRating(row, settings.csat.labels) : null, requested: request !== null };
}

/**
 * 邀请评价: the agent asks for the rating before closing. The same request the close
 * sends, once per conversation: whoever asks first, the customer sees one card.
 */
export async function inviteRating(ctx: CommandContext, caller: Caller, conversationId: number): Promise<{ messageId: number }> {
  const conv = await findConversation(ctx.db, conversationId, { workspaceId: caller.workspaceId });
  if (!conv) throw notFound('conversation');
  assertCanReply(caller, conv, false);
  const settings = await ctx.reception.get(conv.inboxId);
  if (!settings.csat.enabled) throw new DomainError('csat_disabled', 'this inbox does not ask for ratings: switch 满意度评价 on in its reception settings', 409);
  if (await findRatingRow(ctx.db, conv.id)) throw new DomainError('already_rated', 'the customer has rated this conversation already', 409);
  if (await findRequest(ctx.db, conv.id)) throw new DomainError('already_requested', 'the customer has been asked for a rating already', 409);
  const messageId = await sendRatingRequest(ctx, conv, settings, 'invite');
  return { messageId };
}

/**
 * Writes the rating request into the conversation, in the customer's language: a system
 * message whose meta carries what the widget's card needs. Its clientMessageId is per
 * conversation, so a second request (a redelivered event, an invitation racing the close)
 * writes nothing. Returns the request's message id.
 */
export async function sendRatingRequest(ctx: CommandContext, conv: Conversation, settings: ReceptionSettings, source: 'close' | 'invite'): Promise<number> {
  const { prompt, ...texts } = csatTexts(settings.csat, settings.translations.en.csat, conv.locale);
  await say(ctx, conv, prompt, requestMessageId(conv.id), { as: 'system', meta: { csat: { kind: 'request', source, ...texts } } });
  const request = await findRequest(ctx.db, conv.id);
  if (!request) throw new Error(`the rating request of conversation ${conv.id} was not stored`);
  return request.messageId;
}
