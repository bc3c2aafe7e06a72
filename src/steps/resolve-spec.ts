/**
 * A step's spec with the schema's defaults filled in, once, at the kind's entry points: the
 * schema fragment is the one place a default is written, and the code below takes the result.
 */

import type { SchemaObject } from '../core/json.js';

/** The top-level fields of a kind's schema fragment that declare a `default:`. */
export type DefaultedKeys<Properties> = {
  [K in keyof Properties]: Properties[K] extends { readonly default: unknown } ? K : never;
}[keyof Properties];

/** A spec whose fields `K` are always present: the ones its schema gives a default. */
export type Resolved<Spec, K extends keyof Spec> = Spec & { readonly [P in K]-?: Exclude<Spec[P], undefined> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fill(value: Record<string, unknown>, properties: { readonly [k: string]: SchemaObject }): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const [name, schema] of Object.entries(properties)) {
    const given = out[name];
    if (given === undefined && 'default' in schema) out[name] = structuredClone(schema.default);
    // A nested object's own fields get their defaults too, where the schema declares them.
    else if (isObject(given) && isObject(schema.properties)) out[name] = fill(given, schema.properties as { [k: string]: SchemaObject });
  }
  return out;
}

/** Fills the fields a spec leaves out with the `default:` values of its schema fragment's `properties`. */
export function withSchemaDefaults<Spec extends object, Properties extends { readonly [k: string]: SchemaObject }>(
  spec: Spec,
  properties: Properties,
): Resolved<Spec, Extract<DefaultedKeys<Properties>, keyof Spec>> {
  return fill(spec as Record<string, unknown>, properties) as Resolved<Spec, Extract<DefaultedKeys<Properties>, keyof Spec>>;
}
