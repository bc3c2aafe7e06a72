import { connectionLabel } from './database/connection-label.js';
import { dbFailureResult } from './database/db-result.js';
import { compareCounts, type Comparison, type TableCounts } from './count-compare/compare.js';
import { defineStepKind, type DescribeLine, type JsonValue, type StepContext, type StepResult } from './kind.js';

/** The fields of a `count-compare` step, rendered. */
export interface CountCompareSpec {
  readonly source: string;
  readonly target: string;
  readonly tables?: readonly string[];
  readonly where?: Readonly<Record<string, string>>;
  readonly schema?: string;
}

const quoted = (names: readonly string[]) => names.map((t) => `"${t}"`).join(', ');
const shown = (n: number | null) => (n === null ? 'missing' : String(n));
const differs = (c: TableCounts) => c.source === null || c.target === null || c.source !== c.target;

function outputsOf(found: Comparison): { [k: string]: JsonValue } {
  const counts: { [k: string]: JsonValue } = {};
  let totalSource = 0;
  let totalTarget = 0;
  for (const [table, c] of found.counts) {
    counts[table] = { source: c.source, target: c.target };
    totalSource += c.source ?? 0;
    totalTarget += c.target ?? 0;
  }
  return {
    counts,
    tables: [...found.tables],
    total_source: totalSource,
    total_target: totalTarget,
    skipped: found.skipped.map((s) => ({ table: s.table, reason: s.reason })),
  };
}

function verdict(found: Comparison, spec: CountCompareSpec, ctx: StepContext): StepResult {
  const outputs = outputsOf(found);
  for (const r of found.renamed) {
    ctx.warn(ctx.mask(`table "${r.table}" was counted as "${r.as}" on the ${r.side} (no table of that exact name there)`));
  }
  for (const s of found.skipped) ctx.output(ctx.mask(`skipped ${s.table}: ${s.reason}`));
  const different = [...found.counts].filter(([, c]) => differs(c));
  if (different.length > 0) {
    const list = different.map(([t, c]) => `${t} ${shown(c.source)} -> ${shown(c.target)}`).join(', ');
    return {
      ok: false,
      message: ctx.mask(`row counts differ in ${different.length} of ${found.tables.length} tables: ${list}`),
      hint: ctx.mask(
        `counts read "source -> target" for ${spec.source} and ${spec.target}; "missing" means the table does not exist on that side` +
          ` (PostgreSQL schema "${spec.schema ?? 'public'}")`,
      ),
      outputs,
    };
  }
  if (found.tables.length === 0) {
    return { ok: false, message: `no tables to compare: the source "${spec.source}" has none`, hint: 'name the tables with `tables:`', outputs };
  }
  return { ok: true, outputs, note: `${found.tables.length} tables, ${String(outputs.total_source)} rows on each side` };
}

async function runCountCompare(spec: CountCompareSpec, ctx: StepContext): Promise<StepResult> {
  const where = spec.where ?? {};
  const unknownWhere = spec.tables ? Object.keys(where).filter((t) => !spec.tables?.includes(t)) : [];
  if (unknownWhere.length > 0) {
    return {
      ok: false,
      message: ctx.mask(`where has a condition for ${quoted(unknownWhere)}, but tables does not list it`),
      hint: 'add the table to tables, or remove its condition; nothing was counted',
    };
  }
  const options = { workDir: ctx.workDir, signal: ctx.signal, schema: spec.schema ?? 'public' };
  const { withCountSession } = await import('../db/count.js');
  const outcome = await withCountSession(ctx.connection(spec.source), options, (source) =>
    withCountSession(ctx.connection(spec.target), options, (target) =>
      compareCounts(source, target, {
        ...(spec.tables ? { tables: spec.tables } : {}),
        where,
        onCounted: (done, total) => ctx.progress({ label: 'tables counted', done, total, unit: 'tables' }),
      }),
    ),
  );
  const found = outcome.ok ? outcome.value : outcome;
  if (!found.ok) return dbFailureResult(found, ctx);
  const missingWhere = Object.keys(where).filter((t) => !found.value.tables.includes(t));
  if (missingWhere.length > 0) {
    return {
      ok: false,
      message: ctx.mask(`where has a condition for ${quoted(missingWhere)}, but the source "${spec.source}" has no such table`),
      hint: ctx.mask(`the tables of the source are: ${found.value.tables.join(', ')}`),
    };
  }
  return verdict(found.value, spec, ctx);
}

/** Compares row counts table by table between two connections. */
export const countCompare = defineStepKind<CountCompareSpec>({
  kind: 'count-compare',
  summary: 'Compares row counts table by table between two connections and fails listing every table that differs.',
  schema: {
    properties: {
      source: { type: 'string', minLength: 1, description: 'Connection whose counts are expected (from connections:).' },
      target: { type: 'string', minLength: 1, description: 'Connection whose counts must match the source (from connections:).' },
      tables: {
        type: 'array',
        description: 'Tables to compare; default all tables of the source (without SQLite internals, virtual tables and their shadow tables).',
        items: { type: 'string', minLength: 1 },
        minItems: 1,
        uniqueItems: true,
      },
      where: {
        type: 'object',
        description: 'Per table, an SQL condition both sides count with (table name -> condition, e.g. files: "deleted = 0").',
        additionalProperties: { type: 'string', minLength: 1 },
      },
      schema: { type: 'string', minLength: 1, description: 'PostgreSQL schema the tables are in; default public.' },
    },
    required: ['source', 'target'],
  },
  connectionFields: ['source', 'target'],
  outputs: () => ['counts', 'tables', 'total_source', 'total_target', 'skipped'],
  describe(spec, ctx) {
    const lines: DescribeLine[] = [
      { label: 'compare', text: `${connectionLabel(spec.source, ctx)} -> ${connectionLabel(spec.target, ctx)}` },
      { label: 'tables', text: spec.tables ? ctx.mask(spec.tables.join(', ')) : 'all tables of the source' },
    ];
    for (const [table, condition] of Object.entries(spec.where ?? {})) lines.push({ label: 'where', text: ctx.mask(`${table}: ${condition}`) });
    if (spec.schema !== undefined) lines.push({ label: 'schema', text: ctx.mask(spec.schema) });
    return lines;
  },
  run: runCountCompare,
});
