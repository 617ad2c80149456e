import type { Role } from '../model.js';
import type { ReportKind } from './types.js';

/**
 * Who reads which report: 主管 and 管理员 all of them; 质检员 and 质检主管 the quality report
 * (their own work); agents none (their own figures live in their workbench).
 */
export function canReadReport(role: Role, kind: ReportKind): boolean {
  if (role === 'admin' || role === 'supervisor') return true;
  return (role === 'qa' || role === 'qa_lead') && kind === 'quality';
}

/** Exports leave the system: leads only, and each one is written to the audit log (docs/privacy.md). */
export const canExportReports = (role: Role) => role === 'admin' || role === 'supervisor';
