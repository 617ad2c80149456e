import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import fc from 'fast-check';

/**
 * A small OpenAPI 3.0 fuzzer for the contract test: request values are generated from
 * the document's own schemas (fast-check), then half the cases are broken on purpose
 * (wrong types, out-of-range numbers, NUL and lone surrogates, huge strings, unknown query
 * parameters, missing or foreign credentials, other workspaces' ids, malformed JSON,
 * unsupported content types). Every answer must be a documented status, never a 5xx,
 * and its body must match the documented schema.
 */

export type JsonSchema = Record<string, any>;

export interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: Array<{ name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: JsonSchema }>;
  body: { contentTypes: string[]; schema: JsonSchema | null } | null;
  security: Array<Record<string, string[]>>;
  responses: Record<string, { json: JsonSchema | null; binary: boolean }>;
}

export function operationsOf(doc: JsonSchema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<JsonSchema>(doc.paths)) {
    for (const [method, op] of Object.entries<JsonSchema>(item)) {
      const content = op.requestBody?.content as Record<string, { schema?: JsonSchema }> | undefined;
      const responses: Operation['responses'] = {};
      for (const [status, r] of Object.entries<JsonSchema>(op.responses ?? {})) {
        const types = Object.keys(r.content ?? {});
        responses[status] = { json: r.content?.['application/json']?.schema ?? null, binary: types.length > 0 && !types.includes('application/json') };
      }
      ops.push({
        id: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: content ? { contentTypes: Object.keys(content), schema: content['application/json']?.schema ?? Object.values(content)[0]?.schema ?? null } : null,
        security: op.security ?? doc.security ?? [],
        responses,
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------- valid values

const INT4_MAX = 2_147_483_647;

/** An arbitrary of values the schema accepts (as far as JSON Schema can say). `hint` picks realistic ids. */
export function arbitraryOf(schema: JsonSchema | undefined, hint: (name: string) => fc.Arbitrary<unknown> | null, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if (schema.nullable) {
    const { nullable: _n, ...rest } = schema;
    return fc.option(arbitraryOf(rest, hint, name, depth), { nil: null, freq: 5 });
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return fc.oneof(...union.map((s: JsonSchema) => arbitraryOf({ ...s, description: undefined }, hint, name, depth + 1)));
  if (Array.isArray(schema.allOf)) return arbitraryOf(Object.assign({}, ...schema.allOf), hint, name, depth + 1);
  const hinted = hint(name);
  switch (schema.type) {
    case 'string':
      return hinted ?? stringOf(schema);
    case 'integer':
    case 'number': {
      if (hinted) return hinted;
      const min = schema.minimum === undefined ? -1000 : schema.minimum + (schema.exclusiveMinimum === true ? 1 : 0);
      const max = Math.min(schema.maximum === undefined ? 10_000 : schema.maximum - (schema.exclusiveMaximum === true ? 1 : 0), Math.max(min, 10_000));
      return schema.type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const maxLength = Math.min(schema.maxItems ?? 3, 3);
      return fc.array(arbitraryOf(schema.items, hint, name, depth + 1), { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength });
    }
    case 'object':
    case undefined: {
      if (schema.type === undefined && !schema.properties && !schema.additionalProperties) return fc.jsonValue({ maxDepth: 1 });
      const props = schema.properties ?? {};
      const required = new Set<string>(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries<JsonSchema>(props).map(([k, s]) => [k, arbitraryOf(s, hint, k, depth + 1)])),
        { requiredKeys: Object.keys(props).filter((k) => required.has(k)) },
      );
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const extra = fc.dictionary(stringOf({ maxLength: 10 }), arbitraryOf(schema.additionalProperties, hint, '', depth + 1), { maxKeys: 2 });
        return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
      }
      return record;
    }
    default:
      return fc.constant(null);
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 30, 30);
  const min = Math.min(schema.minLength ?? 0, max);
  const fits = (s: string) => [...s].length >= (schema.minLength ?? 0) && [...s].length <= (schema.maxLength ?? Infinity);
  if (schema.format === 'email') return fc.emailAddress().filter((s) => s.length <= (schema.maxLength ?? 320));
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
    } catch {
      // a pattern fast-check cannot generate from: plain strings (most are refused: 400 is documented)
    }
  }
  return fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ minLength: min, maxLength: max, unit: 'grapheme' })).filter(fits);
}

// ---------------------------------------------------------------- broken values

export type Mutation =
  | { kind: 'nul' | 'lone-surrogate' | 'huge-string' | 'wrong-type' | 'out-of-range'; target: number; variant: number }
  | { kind: 'unknown-query' | 'no-credential' | 'foreign-credential' | 'bogus-credential' | 'malformed-json' | 'unsupported-type' | 'foreign-id' | 'huge-body' | 'null-body' };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('nul', 'lone-surrogate', 'huge-string', 'wrong-type', 'out-of-range'), target: fc.nat(), variant: fc.nat() }) as fc.Arbitrary<Mutation>,
  fc.record({
    kind: fc.constantFrom('unknown-query', 'no-credential', 'foreign-credential', 'bogus-credential', 'malformed-json', 'unsupported-type', 'foreign-id', 'huge-body', 'null-body'),
  }) as fc.Arbitrary<Mutation>,
);

const OUT_OF_RANGE = [-1, 0, INT4_MAX + 1, 4_610_204_557_608_928, 2 ** 53, 1.5, 1e300, '1e3', 'abc', ''];
const WRONG_TYPES = [123, true, null, [], {}, 'x', -0.5];

/** A location in the generated request holding a leaf value (query, path, or body at some depth). */
interface Leaf {
  get(): unknown;
  set(v: unknown): void;
  where: 'path' | 'query' | 'body';
}

export function leavesOf(req: { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown }): Leaf[] {
  const out: Leaf[] = [];
  for (const where of ['path', 'query'] as const) {
    const o = req[where];
    for (const k of Object.keys(o)) out.push({ where, get: () => o[k], set: (v) => (o[k] = v) });
  }
  const walk = (v: unknown, set: (x: unknown) => void, depth: number) => {
    out.push({ where: 'body', get: () => v, set });
    if (v && typeof v === 'object' && depth < 6) {
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], (x) => ((v as Record<string, unknown>)[k] = x), depth + 1);
    }
  };
  if (req.body !== undefined) walk(req.body, (x) => (req.body = x), 0);
  return out;
}

/** A leaf as text to break: objects (some with a null prototype) as their JSON. */
const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

export function breakLeaf(m: Extract<Mutation, { target: number }>, leaves: Leaf[]): void {
  if (leaves.length === 0) return;
  const strings = leaves.filter((l) => typeof l.get() === 'string');
  const numbers = leaves.filter((l) => typeof l.get() === 'number');
  const pick = <T>(xs: T[]) => xs[m.target % xs.length];
  switch (m.kind) {
    case 'nul': {
      const l = pick(strings.length ? strings : leaves);
      l.set(`${asText(l.get())}\u0000x`);
      return;
    }
    case 'lone-surrogate': {
      const l = pick(strings.length ? strings : leaves);
      l.set(m.variant % 2 ? `\uD83D${asText(l.get())}` : `${asText(l.get())}\uDC00`);
      return;
    }
    case 'huge-string':
      pick(strings.length ? strings : leaves).set('长'.repeat(20_000 + (m.variant % 3) * 10_000));
      return;
    case 'out-of-range':
      pick(numbers.length ? numbers : leaves).set(OUT_OF_RANGE[m.variant % OUT_OF_RANGE.length]);
      return;
    case 'wrong-type':
      pick(leaves).set(WRONG_TYPES[m.variant % WRONG_TYPES.length]);
      return;
  }
}

// ---------------------------------------------------------------- answers

export class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, formats: { binary: true } });
  private readonly cache = new Map<JsonSchema, ValidateFunction>();

  /** `components.schemas` of the document, for its $refs. */
  constructor(private readonly components: Record<string, JsonSchema> = {}) {
    // a CommonJS module: its default export is the module object under NodeNext
    const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as (ajv: Ajv) => void;
    addFormats(this.ajv);
  }

  /** Problems with one answer: a 5xx, an undocumented status, or a body that is not the documented one. */
  check(op: Operation, status: number, contentType: string | undefined, body: string): string | null {
    if (status >= 500) return `${status} (a server error): ${body.slice(0, 300)}`;
    const documented = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!documented) return `${status} is not documented (documented: ${Object.keys(op.responses).join(', ')}): ${body.slice(0, 300)}`;
    if (documented.binary || status === 204) return null;
    if (!documented.json) return body ? `${status} has a body but the document says none` : null;
    if (!contentType?.startsWith('application/json')) return `${status} answered ${contentType ?? 'no Content-Type'} where JSON is documented`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return `${status} body is not JSON: ${body.slice(0, 200)}`;
    }
    let validate = this.cache.get(documented.json);
    if (!validate) {
      validate = this.ajv.compile(openapi30ToJsonSchema(documented.json, this.components) as JsonSchema);
      this.cache.set(documented.json, validate);
    }
    if (!validate(parsed)) return `${status} body does not match its schema: ${this.ajv.errorsText(validate.errors)}; body ${body.slice(0, 300)}`;
    return null;
  }
}

/** OpenAPI 3.0's dialect → JSON Schema for Ajv: nullable, boolean exclusiveMinimum/Maximum. */
export function openapi30ToJsonSchema(s: unknown, components: Record<string, JsonSchema> = {}): unknown {
  if (Array.isArray(s)) return s.map((x) => openapi30ToJsonSchema(x, components));
  if (!s || typeof s !== 'object') return s;
  const ref = (s as JsonSchema).$ref;
  if (typeof ref === 'string') {
    const target = components[ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`the document refers to ${ref}, which it does not define`);
    return openapi30ToJsonSchema(target, components);
  }
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, openapi30ToJsonSchema(ps, components)])) : openapi30ToJsonSchema(v, components);
  }
  if (out.exclusiveMinimum === true) {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  }
  if (out.exclusiveMaximum === true) {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  }
  if (out.nullable === true) {
    delete out.nullable;
    const { description: _d, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}
