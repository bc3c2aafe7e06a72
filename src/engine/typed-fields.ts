import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { AnyStepKind } from '../steps/kind.js';
import type { SchemaObject } from '../core/json.js';
import { TemplateError } from '../template/render.js';

const typed = ['number', 'integer', 'boolean'];
const words: Record<string, string> = { number: 'a number', integer: 'a whole number', boolean: 'true or false' };
const validators = new WeakMap<SchemaObject, ValidateFunction>();

/** The JSON types a field allows, looking into anyOf/oneOf branches when it has no type of its own. */
function typesOf(schema: SchemaObject | undefined): string[] {
  const t = schema?.type;
  if (Array.isArray(t)) return t as string[];
  if (typeof t === 'string') return [t];
  const branches = [...((schema?.anyOf as SchemaObject[] | undefined) ?? []), ...((schema?.oneOf as SchemaObject[] | undefined) ?? [])];
  return branches.flatMap((b) => typesOf(b));
}

/** Text rendered from a template, read as the first of the field's types it reads as. */
function convert(text: string, types: readonly string[]): number | boolean | undefined {
  const t = text.trim();
  for (const type of types) {
    if (type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
    if (type === 'integer' && /^[-+]?\d+$/.test(t)) return Number(t);
    if (type === 'number' && t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  return undefined;
}

function validatorFor(schema: SchemaObject): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    v = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    validators.set(schema, v);
  }
  return v;
}

/** One field: a template's text converted to the type its schema gives, then checked against that schema. */
function typedValue(schema: SchemaObject | undefined, raw: unknown, rendered: unknown, field: string): unknown {
  if (!schema) return rendered;
  const types = typesOf(schema);
  if (
    typeof raw === 'string' &&
    raw.includes('{{') &&
    typeof rendered === 'string' &&
    types.some((t) => typed.includes(t)) &&
    !types.includes('string')
  ) {
    const value = convert(rendered, types);
    const expected = types.map((t) => words[t] ?? t).join(' or ');
    if (value === undefined)
      throw new TemplateError(`field "${field}" must be ${expected}, but ${raw} rendered as ${JSON.stringify(rendered)}`);
    const validate = validatorFor(schema);
    if (!validate(value))
      throw new TemplateError(
        `field "${field}": ${raw} rendered as ${JSON.stringify(rendered)}, which ${validate.errors?.[0]?.message ?? 'the field does not allow'}`,
      );
    return value;
  }
  const props = schema.properties as Record<string, SchemaObject> | undefined;
  if (
    props &&
    raw &&
    typeof raw === 'object' &&
    !Array.isArray(raw) &&
    rendered &&
    typeof rendered === 'object' &&
    !Array.isArray(rendered)
  ) {
    const r = raw as Record<string, unknown>;
    return Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, typedValue(props[k], r[k], v, `${field}.${k}`)]));
  }
  const items = schema.items as SchemaObject | undefined;
  if (items && Array.isArray(raw) && Array.isArray(rendered)) return rendered.map((v, i) => typedValue(items, raw[i], v, `${field}[${i}]`));
  return rendered;
}

/**
 * The rendered fields of an action with every number, integer or boolean field that was a
 * template converted to its type and checked against the kind's schema; a value that does not
 * convert is a TemplateError naming the field, so the step fails before it starts.
 */
export function typedSpec(
  kind: AnyStepKind,
  raw: Readonly<Record<string, unknown>>,
  rendered: Record<string, unknown>,
): Record<string, unknown> {
  const props = kind.schema.properties;
  return Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, typedValue(props[k], raw[k], v, k)]));
}
