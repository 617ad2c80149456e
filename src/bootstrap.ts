import crypto from 'node:crypto';
import { insertAgent } from './commands/agents.js';
import { insertInbox } from './commands/inboxes.js';
import type { Inbox, Workspace } from './core/model.js';
import { maybeOne, one, type Db } from './storage/db.js';
import { toInbox, toWorkspace } from './storage/rows.js';

const BOOTSTRAP_LOCK = 72_436_002;

export interface BootstrapResult {
  workspace: Workspace;
  inbox: Inbox;
  /** Set only on the very first start. */
  created?: { adminEmail: string; generatedPassword: string | null };
}

/**
 * First start: one workspace, an administrator and a default web inbox.
 * The admin's password comes from ZHIKE_ADMIN_PASSWORD, or is generated and
 * returned (printed once by the caller). Safe when several instances start together.
 */
export async function bootstrap(db: Db, opts: { adminEmail?: string; adminPassword?: string; workspaceName?: string }): Promise<BootstrapResult> {
  return db.tx(async (sql) => {
    await sql.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
    const existing = await maybeOne(sql, 'SELECT * FROM workspaces ORDER BY id LIMIT 1');
    if (existing) {
      const inbox = await maybeOne(sql, `SELECT * FROM inboxes WHERE workspace_id = $1 AND channel_type = 'web' ORDER BY id LIMIT 1`, [existing.id]);
      const ws = toWorkspace(existing);
      return { workspace: ws, inbox: inbox ? toInbox(inbox) : await insertInbox(sql, ws.id, '网站咨询', DEFAULT_INBOX_SETTINGS) };
    }
    const workspace = toWorkspace(await one(sql, 'INSERT INTO workspaces (name) VALUES ($1) RETURNING *', [opts.workspaceName ?? '我的企业']));
    const generatedPassword = opts.adminPassword ? null : crypto.randomBytes(12).toString('base64url');
    const adminEmail = opts.adminEmail ?? 'admin@zhike.local';
    await insertAgent(sql, workspace.id, {
      email: adminEmail,
      name: '管理员',
      role: 'admin',
      password: opts.adminPassword ?? generatedPassword!,
      agentNo: '1000',
    });
    const inbox = await insertInbox(sql, workspace.id, '网站咨询', DEFAULT_INBOX_SETTINGS);
    return { workspace, inbox, created: { adminEmail, generatedPassword } };
  });
}

/** The first inbox's settings (the 欢迎语 lives in its reception settings). */
export const DEFAULT_INBOX_SETTINGS = { title: '在线客服', greeting: '您好，欢迎咨询！请问有什么可以帮您？', color: '#1677ff', locale: 'zh-CN' as const };
