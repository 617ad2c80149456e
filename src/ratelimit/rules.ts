/**
 * The client API's abuse limits: per client IP and per contact, per route category.
 * A rule is `N/window` (`60/1m`: 60 per minute); `0` switches a limit off.
 */
export interface Rule {
  max: number;
  windowMs: number;
}

export const LIMIT_CATEGORIES = ['contacts', 'conversations', 'messages', 'uploads', 'pages'] as const;
export type LimitCategory = (typeof LIMIT_CATEGORIES)[number];
/** `ip.messages`, `contact.messages`, … (the name a 429 answer carries). */
export type LimitName = `ip.${LimitCategory}` | `contact.${Exclude<LimitCategory, 'contacts'>}`;
export type LimitRules = Record<LimitName, Rule | null>;

/**
 * Defaults: per IP generous (an office or a carrier NAT puts hundreds of visitors
 * behind one address), per contact tight enough to stop a script but never a person.
 */
export const DEFAULT_LIMITS: Record<LimitName, string> = {
  'ip.contacts': '100/1m',
  'ip.conversations': '100/1m',
  'ip.messages': '1800/1m',
  'ip.uploads': '60/1m',
  'ip.pages': '3000/1m',
  'contact.conversations': '20/1h',
  'contact.messages': '60/1m',
  'contact.uploads': '20/1m',
  'contact.pages': '60/1m',
};

/** ip.messages → ZHIKE_LIMIT_IP_MESSAGES */
export const envNameOf = (name: LimitName) => `ZHIKE_LIMIT_${name.replace('.', '_').toUpperCase()}`;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `60/1m` → 60 per 60 000 ms; `0` → null (off). Throws a message naming the variable on anything else. */
export function parseRule(variable: string, value: string): Rule | null {
  const v = value.trim();
  if (v === '0') return null;
  const m = /^(\d+)\/(\d*)(s|m|h)$/.exec(v);
  const max = m ? Number(m[1]) : NaN;
  const count = m ? (m[2] === '' ? 1 : Number(m[2])) : NaN;
  if (!m || !Number.isSafeInteger(max) || max < 1 || count < 1 || count > 24 * 3600) {
    throw new Error(`${variable} must look like 60/1m (N per window: 10s, 1m, 1h) or 0 to switch it off, got "${value}"`);
  }
  return { max, windowMs: count * UNITS[m[3]] };
}

/** Every client API limit from the environment (ZHIKE_LIMIT_*), defaults for the rest. */
export function limitRulesFrom(env: Record<string, string | undefined>): LimitRules {
  const rules = {} as LimitRules;
  for (const name of Object.keys(DEFAULT_LIMITS) as LimitName[]) {
    const variable = envNameOf(name);
    const value = env[variable];
    rules[name] = parseRule(variable, value === undefined || value === '' ? DEFAULT_LIMITS[name] : value);
  }
  return rules;
}

/** Describes a rule for people: `60 per 1m`. */
export function describeRule(rule: Rule): string {
  const w = rule.windowMs;
  const window = w % 3_600_000 === 0 ? `${w / 3_600_000}h` : w % 60_000 === 0 ? `${w / 60_000}m` : `${w / 1000}s`;
  return `${rule.max} per ${window}`;
}
