import { verify } from '@node-rs/argon2';
import type { Agent } from '../core/model.js';
import type { Caller } from '../core/permissions.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { maybeOne, type Db } from '../storage/db.js';
import { toAgent } from '../storage/rows.js';
import { hashPassword } from './agents.js';

export const SESSION_DAYS = 30;

/** Verifying against this when the e-mail is unknown keeps the timing of both failures alike. */
let dummyHash: Promise<string> | null = null;

export async function login(
  db: Db,
  email: string,
  password: string,
  userAgent: string | undefined,
): Promise<{ token: string; agent: Agent; expiresAt: Date } | null> {
  const row = await maybeOne(db, 'SELECT * FROM agents WHERE lower(email) = lower($1) AND active', [email.trim()]);
  if (!row) {
    dummyHash ??= hashPassword('zhike-timing-equaliser');
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  if (!ok) return null;
  const token = newToken('zk_');
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db.query('INSERT INTO sessions (token_hash, agent_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)', [
    hashToken(token),
    row.id,
    expiresAt,
    userAgent?.slice(0, 300) ?? null,
  ]);
  return { token, agent: toAgent(row), expiresAt };
}

export interface Session {
  caller: Caller;
  agent: Agent;
}

/** The agent behind a bearer token or session cookie, if the session is live and the agent active. */
export async function authenticate(db: Db, token: string): Promise<Session | null> {
  const row = await maybeOne(
    db,
    `SELECT a.* FROM sessions s JOIN agents a ON a.id = s.agent_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND a.active`,
    [hashToken(token)],
  );
  if (!row) return null;
  const agent = toAgent(row);
  return { agent, caller: { agentId: agent.id, workspaceId: agent.workspaceId, role: agent.role } };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}
