import { resolve, join } from 'node:path';
import { openSqlite, redactUrl } from '../db/connections.js';
import type { TransferReport } from '../db/transfer/transfer.js';
import { defineStepKind, type DescribeLine, type StepResult } from './kind.js';
import type { ConnectionSpec } from '../core/connection.js';
import type { JsonValue } from '../core/json.js';
import { properties, resolveSqliteToPgSpec, type SqliteToPgMode, type SqliteToPgSpec } from './sqlite-to-pg/schema.js';
import { EMPTY_BY_DESIGN } from '../db/empty-by-design.js';

// The transfer library (pg, COPY streams, introspection) loads when a transfer is inspected or
// run, so validating a plan does not pay for it.
const library = async () => ({
  ...(await import('../db/transfer/transfer.js')),
  ...(await import('../db/transfer/plan.js')),
  ...(await import('../db/transfer/failure.js')),
  ...(await import('../db/transfer/keys.js')),
  ...(await import('./sqlite-to-pg/undo.js')),
});

const modeText: Record<SqliteToPgMode, string> = {
  create: 'create tables, load rows, then build keys, indexes, foreign keys and sequences',
  'schema-only': 'create tables, keys, indexes and foreign keys without rows',
  'data-only': 'load rows into existing empty tables and move their sequences',
  'test-import': 'full load into a scratch schema, verified, then dropped',
  'align-schema':
    'repair what pgloader loaded so it matches create mode: identity keys, NOT NULL, timestamp/double/varchar/boolean types, key names, foreign keys; one transaction, nothing to undo',
};

function connections(
  spec: Pick<SqliteToPgSpec, 'source' | 'target'>,
  get: (n: string) => ConnectionSpec | undefined,
): { source?: ConnectionSpec; target?: ConnectionSpec; problem?: string } {
  const source = get(spec.source);
  const target = get(spec.target);
  if (source && source.type !== 'sqlite')
    return { problem: `source "${spec.source}" must be a SQLite connection, but it is ${source.type}` };
  if (target && target.type !== 'postgres')
    return { problem: `target "${spec.target}" must be a PostgreSQL connection, but it is ${target.type}` };
  return { source, target };
}

function outputsOf(r: TransferReport): { [k: string]: JsonValue } {
  return {
    schema: r.schema,
    tables: r.tables.map((t) => t.table),
    rows: r.tables.reduce((n, t) => n + t.loaded, 0),
    counts: Object.fromEntries(r.tables.map((t) => [t.table, t.loaded])),
    rejected: r.tables.reduce((n, t) => n + t.rejected, 0),
    reject_files: [...r.rejectFiles],
    skipped: r.skipped.map((s) => ({ name: s.name, what: s.what, note: s.note })),
    virtual_tables: r.emptyTables.map((t) => ({
      name: t.name,
      module: t.module,
      columns: t.columns.map((c) => `${c.name} ${c.pgType}`),
      note: EMPTY_BY_DESIGN,
    })),
    warnings: [...r.warnings],
    conversions: r.conversions.map((c) => ({ table: c.table, column: c.column, what: c.what, rows: c.rows })),
    retyped: r.retyped.map((c) => ({ table: c.table, column: c.column, from: c.from, to: c.to, reason: c.reason })),
  };
}

/** Moves a whole SQLite database into PostgreSQL so the same application models keep working, and proves the counts. */
export const sqliteToPg = defineStepKind<SqliteToPgSpec>({
  kind: 'sqlite-to-pg',
  summary:
    'Move a SQLite database into PostgreSQL: tables, types, keys, indexes, foreign keys, sequences and every row, with a report of what could not be carried over.',
  schema: { properties, required: ['source', 'target'] },
  connectionFields: ['source', 'target'],
  outputs: (spec) =>
    spec.mode === 'align-schema'
      ? ['changes', 'warnings', 'counts', 'virtual_copies']
      : [
          'schema',
          'tables',
          'rows',
          'counts',
          'rejected',
          'reject_files',
          'skipped',
          'virtual_tables',
          'warnings',
          'conversions',
          'retyped',
        ],
  undoSummary: 'drop exactly the tables (and schema) this step created, or empty the tables it filled in data-only mode',

  describe(given, ctx): readonly DescribeLine[] {
    const spec = resolveSqliteToPgSpec(given);
    const { source, target, problem } = connections(spec, (n) => ctx.connection(n));
    const mode = spec.mode;
    const lines: DescribeLine[] = [
      {
        label: 'transfer',
        text: `sqlite "${spec.source}"${source?.type === 'sqlite' ? ` (${source.path})` : ''} -> postgres "${spec.target}"${target?.type === 'postgres' ? ` (${ctx.mask(redactUrl(target.url))})` : ''}, schema "${spec.schema}"`,
      },
      { label: 'mode', text: `${mode}: ${modeText[mode]}` },
      {
        label: 'policies',
        text: `bad values: ${spec.on_bad_value} · orphan rows: ${spec.on_orphans} · existing tables: ${spec.if_exists} · ${spec.parallel} tables at once · JSON as ${spec.json_type}`,
      },
    ];
    if (spec.virtual_tables === 'empty') {
      lines.push({
        label: 'virtual tables',
        text:
          mode === 'align-schema'
            ? "pgloader's copies of SQLite virtual tables (FTS5, ...) are replaced by empty plain tables with their declared columns plus rowid, so the app can keep writing to them; shadow tables are not used"
            : 'each SQLite virtual table (FTS5, ...) is created as an empty plain table with its declared columns plus rowid, so the app can keep writing to it; shadow tables are not copied',
      });
    }
    if (spec.tables) lines.push({ label: 'tables', text: spec.tables.join(', ') });
    if (spec.exclude) lines.push({ label: 'exclude', text: spec.exclude.join(', ') });
    for (const c of spec.cast ?? [])
      lines.push({ label: 'cast', text: `${c.column ?? `type ${c.type ?? '?'}`} -> ${c.to}${c.epoch ? ` (epoch ${c.epoch})` : ''}` });
    if (problem) lines.push({ label: 'error', text: problem });
    return lines;
  },

  async inspect(given, ctx): Promise<readonly DescribeLine[]> {
    const spec = resolveSqliteToPgSpec(given);
    const source = ctx.connection(spec.source);
    if (source?.type !== 'sqlite') return [];
    const { planTransfer, TransferFailure, describeClash } = await library();
    try {
      const db = openSqlite(source.path, { readonly: true, workDir: ctx.workDir });
      try {
        const plan = planTransfer(db, {
          schema: spec.schema,
          tables: spec.tables,
          exclude: spec.exclude,
          cast: spec.cast ?? [],
          jsonType: spec.json_type,
          virtualTables: spec.virtual_tables,
          onBadValue: spec.on_bad_value,
        });
        const mode = spec.mode;
        if (mode === 'align-schema') return (await import('./sqlite-to-pg/align.js')).alignInspectLines(plan, spec);
        const ddl = plan.ddl.tables.flatMap((t) => [
          ...(mode === 'data-only' ? [] : [t.create, ...t.statements.filter((s) => s.phase === 'defaults').map((s) => s.sql)]),
          ...(mode === 'data-only' ? [] : t.statements.filter((s) => s.phase === 'keys').map((s) => s.sql)),
        ]);
        const fks =
          mode === 'data-only' ? [] : plan.ddl.tables.flatMap((t) => t.statements.filter((s) => s.phase === 'fks').map((s) => s.sql));
        const empty = plan.emptyTables.flatMap((t) => t.sql);
        return [
          ...[...ddl, ...fks, ...empty].map((sql) => ({ label: 'ddl', text: `${sql};` })),
          ...plan.ddl.tables
            .filter((t) => t.identity)
            .map((t) => ({ label: 'sequence', text: `${t.source.name}.${t.identity?.column} continues after max(${t.identity?.column})` })),
          ...plan.skipped.map((s) => ({ label: 'skip', text: `${s.what} "${s.name}": ${s.note}` })),
          ...plan.ddl.warnings.map((w) => ({ label: 'warning', text: w })),
          ...plan.keyClashes.map((c) => ({
            label: 'key',
            text: `${describeClash(c)} — ${spec.on_bad_value === 'fail' ? 'the transfer stops before creating anything' : 'the row goes to the reject file'}`,
          })),
        ];
      } finally {
        db.close();
      }
    } catch (e) {
      if (e instanceof TransferFailure || /SQLite file/.test((e as Error).message))
        return [{ label: 'error', text: ctx.mask((e as Error).message) }];
      throw e;
    }
  },

  async undoAfterCrash(given, ctx) {
    const spec = resolveSqliteToPgSpec(given);
    if (spec.mode === 'align-schema' || spec.mode === 'test-import') return undefined;
    return (await import('./sqlite-to-pg/crash-undo.js')).crashUndoToken(spec.target, spec.schema, ctx);
  },

  async run(given, ctx): Promise<StepResult> {
    const spec = resolveSqliteToPgSpec(given);
    const { source, target, problem } = connections(spec, (n) => ctx.connection(n));
    if (problem || !source || !target || source.type !== 'sqlite' || target.type !== 'postgres') {
      return {
        ok: false,
        message: problem ?? 'the source and target connections are not resolved',
        hint: 'source: names a sqlite connection, target: a postgres one.',
      };
    }
    if (spec.mode === 'align-schema') return (await import('./sqlite-to-pg/align.js')).runAlign(spec, ctx, source.path, target.url);
    const { mode, schema } = spec;
    const { noEffects, transfer, undoToken, undoTransfer, TransferFailure, BadValueFailure } = await library();
    const effects = noEffects(schema);
    try {
      const report = await transfer(
        {
          sqlitePath: resolve(ctx.workDir, source.path),
          pgUrl: target.url,
          mode,
          schema,
          tables: spec.tables,
          exclude: spec.exclude,
          cast: spec.cast ?? [],
          jsonType: spec.json_type,
          onBadValue: spec.on_bad_value,
          onOrphans: spec.on_orphans,
          ifExists: spec.if_exists,
          parallel: spec.parallel,
          virtualTables: spec.virtual_tables,
          rejectDir: join(ctx.stepDir, 'rejects'),
          signal: ctx.signal,
          progress: (label, done, total) => ctx.progress({ label, done, total, unit: 'rows' }),
          warn: (m) => ctx.warn(ctx.mask(m)),
        },
        effects,
      );
      const outputs = outputsOf(report);
      const undo = undoToken(spec.target, effects);
      const empty =
        report.emptyTables.length > 0 ? `; ${EMPTY_BY_DESIGN}: ${report.emptyTables.map((t) => `virtual table ${t.name}`).join(', ')}` : '';
      const skipped = report.skipped.length > 0 ? `; not copied: ${report.skipped.map((s) => `${s.what} ${s.name}`).join(', ')}` : '';
      const converted = report.conversions.reduce((n, c) => n + c.rows, 0);
      const changed = `${converted > 0 ? `, ${converted} values converted` : ''}${report.retyped.length > 0 ? `, ${report.retyped.length} columns retyped by their values` : ''}`;
      const note = `${report.tables.length} tables, ${String(outputs.rows)} rows${outputs.rejected ? `, ${String(outputs.rejected)} rejected` : ''}${changed}${empty}${skipped}`;
      return undo ? { ok: true, outputs, undo: undo as unknown as JsonValue, note } : { ok: true, outputs, note };
    } catch (e) {
      let undo = undoToken(spec.target, effects) as unknown as JsonValue | undefined;
      // A refused value meets the next run too: what the transfer made is removed, not kept for a resume.
      if (e instanceof BadValueFailure && undo !== undefined && (await undoTransfer(undo, ctx)).ok) undo = undefined;
      const base = { ok: false as const, ...(undo ? { undo } : {}), outputs: { reject_files: [...effects.rejectFiles] } };
      if (e instanceof TransferFailure) return { ...base, message: ctx.mask(e.message), ...(e.hint ? { hint: ctx.mask(e.hint) } : {}) };
      const err = e as { code?: string; message?: string };
      if (typeof err.code === 'string' || /SQLite file/.test(err.message ?? '')) {
        return {
          ...base,
          message: ctx.mask(`the transfer from "${spec.source}" to "${spec.target}" stopped: ${redactUrl(err.message ?? String(e))}`),
          hint: 'Check that the SQLite file is readable and that PostgreSQL is reachable with the URL of the target connection.',
        };
      }
      throw e;
    }
  },

  async undo(token, ctx) {
    return (await library()).undoTransfer(token, ctx);
  },
});
