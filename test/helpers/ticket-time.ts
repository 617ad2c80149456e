import type { Db } from '../../src/storage/db.js';

/**
 * Minutes pass for a ticket, the way they would on the clock: its creation and SLA history
 * move back, and so do its SLA timers (their due times and their memory of the clock's run,
 * which is the same run begun earlier). The timers and clocks stay the production ones.
 */
export async function passTicketTime(db: Db, ticketId: number, minutes: number): Promise<void> {
  const back = (iso: string) => new Date(Date.parse(iso) - minutes * 60_000).toISOString();
  await db.tx(async (sql) => {
    await sql.query(`UPDATE tickets SET created_at = created_at - make_interval(mins => $2) WHERE id = $1`, [ticketId, minutes]);
    await sql.query(`UPDATE ticket_sla_history SET at = at - make_interval(mins => $2) WHERE ticket_id = $1`, [ticketId, minutes]);
    for (const r of await sql.query(`SELECT key, payload FROM timers WHERE key LIKE $1`, [`sla:${ticketId}:%`])) {
      const payload = { ...r.payload, startedAt: back(r.payload.startedAt), handledUntil: back(r.payload.handledUntil) };
      await sql.query(`UPDATE timers SET due_at = due_at - make_interval(mins => $2), payload = $3::jsonb WHERE key = $1`, [r.key, minutes, JSON.stringify(payload)]);
    }
  });
}

/** An SLA policy in wall-clock minutes for `fault` tickets (10 / 20 / 60, warn at 80%, 组长 at once, supervisors 5 minutes later). */
export const FAULT_POLICY = {
  name: '报障',
  match: { types: ['fault'] },
  targets: { first_reply: { minutes: 10, business: false }, next_reply: { minutes: 20, business: false }, resolution: { minutes: 60, business: false } },
  warnPercent: 80,
  escalation: { leaderAfterMinutes: 0, supervisorAfterMinutes: 5 },
  position: 0,
};
