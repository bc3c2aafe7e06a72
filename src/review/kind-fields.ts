import { durationSchema } from '../core/duration.js';
import type { SchemaObject } from '../core/json.js';
import { sameData } from './flatten.js';

/** One field of a step kind as the reference lists it; nested fields have dotted names (`requests[].expect.status`). */
export interface KindField {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: string;
  readonly description: string;
}

const asSchema = (v: unknown): SchemaObject | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as SchemaObject) : undefined;
const schemas = (v: unknown): SchemaObject[] => (Array.isArray(v) ? v.map(asSchema).filter((s): s is SchemaObject => s !== undefined) : []);

/** A schema's type in words: `string`, `list of string`, `one of: create, schema-only`, `duration`. */
export function typeText(s: SchemaObject): string {
  if (sameData(s.anyOf, durationSchema.anyOf)) return 'duration (seconds, or 500ms, 30s, 5m, 1h)';
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop()!;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of: ${s.enum.map(String).join(', ')}`;
  const alternatives = [...schemas(s.anyOf), ...schemas(s.oneOf)];
  if (alternatives.length > 0) return [...new Set(alternatives.map(typeText))].join(' or ');
  const type = s.type;
  if (Array.isArray(type)) return type.join(' or ');
  if (type === 'array') {
    const items = asSchema(s.items);
    return items && Object.keys(items).length > 0 ? `list of ${typeText(items)}` : 'list';
  }
  if (type === 'object') {
    const values = asSchema(s.additionalProperties);
    return !s.properties && values && Object.keys(values).length > 0 ? `mapping of name → ${typeText(values)}` : 'mapping';
  }
  if (typeof type === 'string') return type;
  // Only combinators without alternatives of their own (not, dependentSchemas) or nothing at all.
  return 'any value';
}

/** The default a schema declares, else the one its description states (`...; default 2s.`). */
function defaultText(s: SchemaObject): string | undefined {
  if ('default' in s) return JSON.stringify(s.default);
  const said = /(?<!by )\bdefault:? ([^;.():,]+)/i.exec(typeof s.description === 'string' ? s.description : '');
  return said?.[1]?.trim();
}

/** The object schema a field's value nests, if any: its own properties, or those of its list items. */
function nested(s: SchemaObject): { readonly schema: SchemaObject; readonly suffix: string } | undefined {
  if (asSchema(s.properties)) return { schema: s, suffix: '.' };
  const items = asSchema(s.items);
  if (s.type === 'array' && items && asSchema(items.properties)) return { schema: items, suffix: '[].' };
  return undefined;
}

/** Every field of an object schema, depth first: each field, then the fields nested in its value. */
export function kindFields(schema: { readonly properties?: unknown; readonly required?: unknown }, prefix = ''): KindField[] {
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return Object.entries(asSchema(schema.properties) ?? {}).flatMap(([name, value]) => {
    const s = asSchema(value) ?? {};
    const description = typeof s.description === 'string' ? s.description : '';
    const fallback = defaultText(s);
    const field: KindField = {
      name: `${prefix}${name}`,
      type: typeText(s),
      required: required.includes(name),
      ...(fallback !== undefined && { default: fallback }),
      description,
    };
    const inner = nested(s);
    return [field, ...(inner ? kindFields(inner.schema, `${prefix}${name}${inner.suffix}`) : [])];
  });
}
