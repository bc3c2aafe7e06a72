import { connectionLabel } from './database/connection-label.js';
import { dbFailureResult } from './database/db-result.js';
import { compareCounts, type Comparison, type TableCounts } from './count-compare/compare.js';
import type { TableContents } from '../db/compare/differences.js';
import { compareContents } from './count-compare/contents.js';
import {
  countCompareSchema,
  resolveCountCompareSpec,
  type CountCompareSpec,
  type ResolvedCountCompareSpec,
} from './count-compare/spec-schema.js';
import { contentsFailure, contentsOutputs, multisetNotes, secretColumns } from './count-compare/contents-report.js';
import { defineStepKind, type DescribeLine, type StepContext, type StepResult } from './kind.js';
import type { JsonValue } from '../core/json.js';

/** What the sessions found: counts, and contents when checksums were asked for. */
interface Found {
  readonly counted: Comparison;
  readonly contents: ReadonlyMap<string, TableContents> | null;
  /** Rows read per second (counted rows for counts; rows read on both sides for checksums). */
  readonly rowsPerSecond: number;
}

const schemasOf = (spec: CountCompareSpec): readonly string[] | null => spec.schemas ?? (spec.schema === undefined ? null : [spec.schema]);
const schemaText = (spec: CountCompareSpec) => {
  const listed = schemasOf(spec);
  return listed
    ? `PostgreSQL ${listed.length === 1 ? 'schema' : 'schemas'} ${listed.map((n) => `"${n}"`).join(', ')}`
    : 'PostgreSQL: every schema but the system ones';
};

const quoted = (names: readonly string[]) => names.map((t) => `"${t}"`).join(', ');
const shown = (n: number | null) => (n === null ? 'missing' : String(n));
const differs = (c: TableCounts) => c.source === null || c.target === null || c.source !== c.target;

function outputsOf(all: Found, spec: ResolvedCountCompareSpec): { [k: string]: JsonValue } {
  const found = all.counted;
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
    verify: spec.verify,
    rows_per_second: all.rowsPerSecond,
    ...(all.contents ? { checksums: contentsOutputs(all.contents, secretColumns(spec.secret_columns)) } : {}),
  };
}

function verdict(all: Found, spec: ResolvedCountCompareSpec, ctx: StepContext): StepResult {
  const found = all.counted;
  const outputs = outputsOf(all, spec);
  const contentsMessage = all.contents ? contentsFailure(all.contents, secretColumns(spec.secret_columns)) : null;
  for (const line of all.contents ? multisetNotes(all.contents) : []) ctx.output(ctx.mask(line));
  const ambiguity = found.ambiguous
    .map(
      (a) =>
        `; "${a.table}" is in more than one schema on the ${a.side} (${a.candidates.join(', ')}): name the one to compare with schemas:`,
    )
    .join('');
  for (const r of found.renamed) {
    ctx.warn(ctx.mask(`table "${r.table}" was counted as "${r.as}" on the ${r.side} (no table of that exact name there)`));
  }
  for (const s of found.skipped) ctx.output(ctx.mask(`skipped ${s.table}: ${s.reason}`));
  const different = [...found.counts].filter(([, c]) => differs(c));
  if (different.length > 0) {
    const list = different.map(([t, c]) => `${t} ${shown(c.source)} -> ${shown(c.target)}`).join(', ');
    return {
      ok: false,
      message: ctx.mask(
        `row counts differ in ${different.length} of ${found.tables.length} tables: ${list}${contentsMessage ? `\n${contentsMessage}` : ''}`,
      ),
      hint: ctx.mask(
        `counts read "source -> target" for ${spec.source} and ${spec.target}; "missing" means the table does not exist on that side` +
          ` (${schemaText(spec)})${ambiguity}`,
      ),
      outputs,
    };
  }
  if (found.tables.length === 0) {
    return {
      ok: false,
      message: `no tables to compare: the source "${spec.source}" has none`,
      hint: 'name the tables with `tables:`',
      outputs,
    };
  }
  if (contentsMessage) {
    return {
      ok: false,
      message: ctx.mask(contentsMessage),
      hint: 'values read "source -> target" in a canonical form (UTC instants with microseconds, exact decimals, JSON with sorted keys, bytes as hex); fix the rows or run the transfer again',
      outputs,
    };
  }
  const checked = all.contents ? ', contents equal' : '';
  return { ok: true, outputs, note: `${found.tables.length} tables, ${String(outputs.total_source)} rows on each side${checked}` };
}

async function runCountCompare(given: CountCompareSpec, ctx: StepContext): Promise<StepResult> {
  const spec = resolveCountCompareSpec(given);
  const where = spec.where ?? {};
  const unknownWhere = spec.tables ? Object.keys(where).filter((t) => !spec.tables?.includes(t)) : [];
  if (unknownWhere.length > 0) {
    return {
      ok: false,
      message: ctx.mask(`where has a condition for ${quoted(unknownWhere)}, but tables does not list it`),
      hint: 'add the table to tables, or remove its condition; nothing was counted',
    };
  }
  if (spec.schema !== undefined && spec.schemas !== undefined) {
    return { ok: false, message: 'the step gives both schema and schemas', hint: 'keep schemas (a list); schema is its one-name form' };
  }
  const options = { workDir: ctx.workDir, signal: ctx.signal, schemas: schemasOf(spec) };
  const { withCountSession } = await import('../db/compare/count.js');
  const started = performance.now();
  const outcome = await withCountSession(ctx.connection(spec.source), options, (source) =>
    withCountSession(ctx.connection(spec.target), options, async (target): Promise<Found> => {
      const counted = await compareCounts(source, target, {
        ...(spec.tables ? { tables: spec.tables } : {}),
        where,
        onCounted: (done, total) => ctx.progress({ label: 'tables counted', done, total, unit: 'tables' }),
      });
      const rowsCounted = [...counted.counts.values()].reduce((n, c) => n + (c.source ?? 0) + (c.target ?? 0), 0);
      if (spec.verify !== 'checksums') return { counted, contents: null, rowsPerSecond: perSecond(rowsCounted, started) };
      const checking = performance.now();
      const contents = await compareContents(source, target, counted, {
        where,
        onRows: (done, total) => ctx.progress({ label: 'rows checked', done, total, unit: 'rows' }),
      });
      const read = [...contents.values()].reduce((n, t) => n + t.sourceRows + t.targetRows, 0);
      return { counted, contents, rowsPerSecond: perSecond(read, checking) };
    }),
  );
  const found = outcome.ok ? outcome.value : outcome;
  if (!found.ok) return dbFailureResult(found, ctx);
  const missingWhere = Object.keys(where).filter((t) => !found.value.counted.tables.includes(t));
  if (missingWhere.length > 0) {
    return {
      ok: false,
      message: ctx.mask(`where has a condition for ${quoted(missingWhere)}, but the source "${spec.source}" has no such table`),
      hint: ctx.mask(`the tables of the source are: ${found.value.counted.tables.join(', ')}`),
    };
  }
  return verdict(found.value, spec, ctx);
}

const perSecond = (rows: number, since: number) => Math.round(rows / Math.max((performance.now() - since) / 1000, 1e-3));

/** Compares row counts table by table between two connections. */
export const countCompare = defineStepKind<CountCompareSpec>({
  kind: 'count-compare',
  summary:
    'Compares row counts (and, with verify: checksums, the contents) table by table between two connections and fails listing every table and row that differs.',
  schema: countCompareSchema,
  connectionFields: ['source', 'target'],
  outputs: (spec) => [
    'counts',
    'tables',
    'total_source',
    'total_target',
    'skipped',
    'verify',
    'rows_per_second',
    ...(spec.verify === 'checksums' ? ['checksums'] : []),
  ],
  describe(given, ctx) {
    const spec = resolveCountCompareSpec(given);
    const lines: DescribeLine[] = [
      { label: 'compare', text: `${connectionLabel(spec.source, ctx)} -> ${connectionLabel(spec.target, ctx)}` },
      { label: 'tables', text: spec.tables ? ctx.mask(spec.tables.join(', ')) : 'all tables of the source' },
    ];
    for (const [table, condition] of Object.entries(spec.where ?? {}))
      lines.push({ label: 'where', text: ctx.mask(`${table}: ${condition}`) });
    if (spec.schema !== undefined) lines.push({ label: 'schema', text: ctx.mask(spec.schema) });
    if (spec.schemas !== undefined) lines.push({ label: 'schemas', text: ctx.mask(spec.schemas.join(', ')) });
    if (spec.verify === 'checksums') lines.push({ label: 'verify', text: 'row counts, then checksums of every row by key ranges' });
    return lines;
  },
  run: runCountCompare,
});
