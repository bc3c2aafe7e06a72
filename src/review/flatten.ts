/** A leaf of a step's fields: its dotted path and value, e.g. `expect.compare.op`. */
export interface Leaf {
  readonly path: string;
  readonly value: unknown;
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/**
 * Flattens nested fields into leaves so a change names exactly the value that moved. Lists of
 * plain values stay one leaf (`tables: a, b`); lists of objects are indexed (`cast[1].to`).
 */
export function flatten(value: unknown, prefix = ''): Leaf[] {
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return [{ path: prefix, value }];
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [{ path: prefix, value }];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ path: prefix, value }];
}

/** Equality of plain data where the order of object keys does not count. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && sameData(ra[k], rb[k]));
  }
  return false;
}

/** How a leaf value reads in a diff line: strings as they are, lists joined, the rest as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return JSON.stringify(value);
}
