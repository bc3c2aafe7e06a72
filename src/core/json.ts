/** Plain JSON: what outputs and undo tokens are made of, so they can be journaled. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** A JSON Schema object (draft 2020-12); kept loose because schemas are data. */
export type SchemaObject = { readonly [k: string]: unknown };
