import { ApiError } from '../api/client';
import { hasKey, type MessageKey, type Translate } from '../i18n';

/**
 * What to tell the agent about a failure: our wording for the codes we know
 * (with the server's details, e.g. the limit), the server's own message otherwise.
 */
export function errorText(err: unknown, t: Translate, override?: MessageKey): string {
  if (err instanceof ApiError) {
    const key = override ?? `error.${err.code}`;
    if (hasKey(key)) {
      const vars: Record<string, string | number> = { message: err.message, limit: '' };
      for (const [k, v] of Object.entries(err.details ?? {})) {
        if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
      }
      if (Array.isArray(err.details?.problems)) vars.problems = (err.details.problems as unknown[]).map(String).join('; ');
      return t(key, vars);
    }
    return t('error.generic', { message: err.message });
  }
  if (err instanceof Error) return t('error.generic', { message: err.message });
  return t('error.generic', { message: String(err) });
}
