import { stringify } from 'yaml';
import type { AnyStepKind } from '../steps/kind.js';
import type { SchemaObject } from '../core/json.js';

/** Connections the examples name; a plan that declares them makes every example valid. */
export const exampleConnections = {
  db: { sqlite: 'app.db' },
  source: { sqlite: 'app.db' },
  target: { postgres: 'postgresql://app@localhost:5432/app' },
} as const;

/** The value a description shows after "e.g.": a quoted text, or one word without templates. */
function saidExample(description: unknown): string | undefined {
  const m = /\be\.g\.,? (?:"([^"]+)"|([^\s;,()]+))/.exec(typeof description === 'string' ? description : '');
  const text = m?.[1] ?? m?.[2];
  return text !== undefined && !text.includes('{{') ? text : undefined;
}

/** An example value for one field: from the schema's `examples`, the description, or the field's type. */
function exampleValue(name: string, s: SchemaObject, kind: AnyStepKind): unknown {
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (kind.connectionFields?.includes(name)) return name in exampleConnections ? name : 'db';
  const said = saidExample(s.description);
  if (said !== undefined) return said;
  if (Array.isArray(s.enum)) return s.enum[0];
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (s.type === 'boolean') return true;
  if (s.type === 'integer' || s.type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  return `<${name}>`;
}

/**
 * A step of the kind as YAML: its required fields and every field whose schema gives an
 * example. Made from the schema alone, so a kind added later gets one too.
 */
export function kindExample(kind: AnyStepKind): string {
  const required = kind.schema.required ?? [];
  const step: Record<string, unknown> = { id: `example-${kind.kind}`, kind: kind.kind };
  for (const [name, s] of Object.entries(kind.schema.properties)) {
    if (required.includes(name) || Array.isArray(s.examples)) step[name] = exampleValue(name, s, kind);
  }
  return stringify([step], { lineWidth: 0, flowCollectionPadding: true });
}
