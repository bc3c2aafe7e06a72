import type { SchemaObject } from './json.js';

/** JSON Schema of a duration: a number of seconds, or a number with a unit (500ms, 30s, 5m, 1h). */
export const durationSchema: SchemaObject = {
  description: 'A duration: a number of seconds, or a number with a unit: 500ms, 30s, 5m, 1h.',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$' },
  ],
};

const units: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration the schema accepted (`30s`, `5m`, `500ms`, or a number of seconds). */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * units[m[2]!]!;
}

/** A duration for people: 850ms, 12.3s, 4m 05s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${String(s).padStart(2, '0')}s`;
}
