import type Database from 'better-sqlite3';
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { connectPostgres, openSqlite, quoteIdent as q } from '../connections.js';
import { RejectLog } from './copy-rejects.js';
import { qualified, type DdlStatement, type TableDdl } from '../ddl/schema-ddl.js';
import { conventionalName, pgTableName } from '../ddl/names.js';
import { TransferFailure } from './failure.js';
import { loadTables, type LoadJob } from './load.js';
import { describeOrphans, findOrphans } from './orphans.js';
import { describeClash } from './keys.js';
import { planTransfer, type SkippedObject, type TransferPlan } from './plan.js';
import { buildAfterLoad, uniqueKeyColumns } from './postload.js';
import { createState, dropState, readState, type TransferState } from './state.js';
import { checkStateFingerprint, type StrangerState } from './resume.js';
import { existingTables, targetColumns } from './target.js';
import { hasLostConnection, LOST_HINT, lostConnection, lostMessage } from '../lost-connection.js';
import { cancelStatement } from '../session.js';
import type { CastRule, ColumnMapping } from '../ddl/typemap.js';
import type { Retyped } from './retype.js';
import { createEmptyTables, type EmptyTable, type VirtualTablesPolicy } from '../ddl/virtual-tables.js';

/** How a transfer runs. */
export interface TransferOptions {
  readonly sqlitePath: string;
  readonly pgUrl: string;
  readonly mode: 'create' | 'schema-only' | 'data-only' | 'test-import';
  readonly schema: string;
  readonly tables?: readonly string[];
  readonly exclude?: readonly string[];
  readonly cast: readonly CastRule[];
  readonly jsonType: 'json' | 'jsonb';
  /** widen: a column whose values its type refuses becomes text; what text refuses too is rejected. */
  readonly onBadValue: 'fail' | 'reject' | 'widen';
  readonly onOrphans: 'fail' | 'reject' | 'keep';
  readonly ifExists: 'fail' | 'drop' | 'truncate';
  readonly parallel: number;
  readonly virtualTables: VirtualTablesPolicy;
  readonly rejectDir: string;
  readonly signal: AbortSignal;
  /** Filled with the conversions as tables load (transfer() starts it empty; the report sorts them). */
  readonly conversions?: { table: string; column: string; what: string; rows: number }[];
  progress(table: string, done: number, total: number): void;
  warn(message: string): void;
}

/** What the transfer has created or filled so far: kept up to date so a failure can still be undone. */
export interface TransferEffects {
  schema: string;
  schemaCreated: boolean;
  tablesCreated: string[];
  /** Existing tables (data-only) this transfer filled. */
  tablesFilled: string[];
  stateTable: boolean;
  /** Reject files written (they stay in the run directory). */
  rejectFiles: string[];
}

/** Per-table result. */
export interface TableOutcome {
  readonly table: string;
  readonly sourceRows: number;
  readonly loaded: number;
  readonly rejected: number;
  /** Loaded by an earlier, interrupted run and kept. */
  readonly resumed: boolean;
}

/** The result of a finished transfer. */
export interface TransferReport {
  readonly mode: TransferOptions['mode'];
  readonly schema: string;
  readonly tables: readonly TableOutcome[];
  readonly rejectFiles: readonly string[];
  readonly skipped: readonly SkippedObject[];
  /** Virtual tables made as empty plain tables, on purpose (no rows to compare). */
  readonly emptyTables: readonly EmptyTable[];
  readonly warnings: readonly string[];
  /** Values written in another form than SQLite stored them, per column and kind (see sqlite-values.ts). */
  readonly conversions: readonly Conversion[];
  /** Columns given another type than their declaration because of their values. */
  readonly retyped: readonly Retyped[];
}

/** How many values of a column were converted one way. */
export interface Conversion {
  readonly table: string;
  readonly column: string;
  readonly what: string;
  readonly rows: number;
}

/** Starts an empty effects record for a target schema. */
export function noEffects(schema: string): TransferEffects {
  return { schema, schemaCreated: false, tablesCreated: [], tablesFilled: [], stateTable: false, rejectFiles: [] };
}

async function withClients<T>(url: string, n: number, body: (clients: pg.Client[]) => Promise<T>): Promise<T> {
  const clients: pg.Client[] = [];
  const cancels: Promise<void>[] = [];
  try {
    // Side by side: each connection waits on a server process to start and on authentication.
    const settled = await Promise.allSettled(Array.from({ length: n }, () => connectPostgres(url)));
    for (const r of settled) if (r.status === 'fulfilled') clients.push(r.value);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // One lost connection fails the transfer: what the others run (an index build, a statement
    // waiting for a lock) is cancelled rather than waited for.
    for (const c of clients) {
      c.once('error', () => {
        for (const other of clients) if (other !== c && !hasLostConnection(other)) cancels.push(cancelStatement(url, other));
      });
    }
    return await body(clients);
  } finally {
    await Promise.all(cancels);
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}

/** Moves a SQLite database into PostgreSQL. `effects` is updated as objects are made, even when it fails. */
export async function transfer(options: TransferOptions, effects: TransferEffects): Promise<TransferReport> {
  const o: TransferOptions = { ...options, conversions: [] };
  const db = openSqlite(o.sqlitePath, { readonly: true });
  try {
    const schema = o.mode === 'test-import' ? `runbook_test_import_${randomBytes(4).toString('hex')}` : o.schema;
    effects.schema = schema;
    const plan = planTransfer(db, {
      schema,
      tables: o.tables,
      exclude: o.exclude,
      cast: o.cast,
      jsonType: o.jsonType,
      virtualTables: o.virtualTables,
      onBadValue: o.onBadValue,
    });
    const warnings: string[] = [...plan.ddl.warnings];
    const warn = (m: string) => {
      warnings.push(m);
      o.warn(m);
    };
    plan.ddl.warnings.forEach((w) => o.warn(w));
    const stage: Stage = { phase: 'reading the target schema' };
    return await withClients(o.pgUrl, Math.max(1, o.parallel), async (clients) => {
      const control = clients[0] as pg.Client;
      try {
        const outcomes =
          o.mode === 'data-only'
            ? await loadInto(db, plan, o, clients, effects, warn, stage)
            : await createAndLoad(db, plan, { ...o, schema }, clients, effects, warn, stage);
        const conversions = [...(o.conversions ?? [])].sort(
          (a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column) || a.what.localeCompare(b.what),
        );
        return {
          mode: o.mode,
          schema,
          tables: outcomes,
          rejectFiles: effects.rejectFiles,
          skipped: plan.skipped,
          emptyTables: plan.emptyTables,
          warnings,
          conversions,
          retyped: plan.retyped,
        };
      } catch (e) {
        if (e instanceof TransferFailure) throw e;
        const lost = lostConnection(e, clients);
        throw lost === undefined ? e : new TransferFailure(lostMessage(lost, `while ${stage.phase}`), LOST_HINT);
      } finally {
        // With a connection gone the scratch schema stays (the others' statements are being cancelled); the undo token names it.
        if (o.mode === 'test-import' && effects.schemaCreated && !clients.some(hasLostConnection)) {
          await control.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
          Object.assign(effects, { ...noEffects(schema), rejectFiles: effects.rejectFiles });
        }
      }
    });
  } finally {
    db.close();
  }
}

/** Tables the transfer made: rolling back the earlier run drops them. */
const CREATED_TABLES: StrangerState = {
  showFingerprints: true,
  hint: (schema) => `Roll back the earlier run, or drop ${schema}._runbook_transfer and the tables it lists.`,
};

/** Existing tables (data-only): they are not the transfer's to drop. */
const EXISTING_TABLES: StrangerState = {
  showFingerprints: false,
  hint: (schema) => `Drop ${schema}._runbook_transfer after checking the tables it lists.`,
};

/** What the transfer is doing, for a message when the connection is lost in the middle of it. */
interface Stage {
  phase: string;
}

interface Prepared {
  readonly jobs: LoadJob[];
  readonly skipFks: ReadonlySet<string>;
}

/** Counts rows, finds orphans and applies the orphan policy; orphan rows rejected are written out now. */
function prepareLoad(
  db: Database.Database,
  plan: TransferPlan,
  o: TransferOptions,
  rejects: RejectLog,
  columnsOf: (t: TableDdl) => readonly ColumnMapping[],
  warn: (m: string) => void,
): Prepared {
  const orphans = findOrphans(db, plan.tables);
  if (orphans.length > 0 && o.onOrphans === 'fail') {
    throw new TransferFailure(
      `rows whose foreign key points at no parent row (SQLite did not enforce it): ${orphans.map(describeOrphans).join('; ')}.`,
      'Delete or fix those rows in SQLite, or set on_orphans: reject (write them to a reject file) or keep (load them and leave the foreign key out).',
    );
  }
  if (plan.keyClashes.length > 0 && o.onBadValue === 'fail') {
    const shown = plan.keyClashes.slice(0, 10).map(describeClash).join('; ');
    throw new TransferFailure(
      `rows a PostgreSQL key would refuse (SQLite accepted them): ${shown}${plan.keyClashes.length > 10 ? `; and ${plan.keyClashes.length - 10} more` : ''}.`,
      'Fix or delete those rows in SQLite, or set on_bad_value: reject to write them to a reject file (the key is still built).',
    );
  }
  for (const c of plan.keyClashes) warn(`keys: ${describeClash(c)} — written to the reject file`);
  const skipFks = new Set<string>();
  for (const orphan of orphans) {
    warn(
      `orphans: ${describeOrphans(orphan)} — ${o.onOrphans === 'keep' ? 'loaded; the foreign key is left out' : 'written to the reject file'}`,
    );
    if (o.onOrphans === 'keep') skipFks.add(`${orphan.table}:${orphan.foreignKey.columns.join(',')}`);
  }
  const jobs = plan.ddl.tables.map((t) => {
    const name = t.source.name;
    const mine = o.onOrphans === 'reject' ? orphans.filter((x) => x.table === name) : [];
    const clashes = plan.keyClashes.filter((c) => c.table === name);
    const keyRows = clashes.length > 0 ? `rowid IN (${clashes.map((c) => c.rowid).join(', ')})` : null;
    const orphanRows = mine.length > 0 ? mine.map((x) => x.condition).join(' OR ') : null;
    const exclude = [orphanRows, keyRows].filter((c) => c !== null).join(' OR ') || null;
    const key = t.source.withoutRowid ? '' : 'rowid AS "(rowid)", ';
    if (orphanRows) {
      for (const row of db
        .prepare(`SELECT ${key}* FROM ${q(name)} WHERE ${orphanRows}`)
        .safeIntegers(true)
        .all() as Record<string, unknown>[]) {
        const why = mine.find((x) => x.count > 0);
        rejects.add({
          table: name,
          where: `rowid ${String(row['(rowid)'] ?? '?')}`,
          column: why?.foreignKey.columns.join(',') ?? null,
          reason: `has no parent row in "${why?.foreignKey.refTable ?? '?'}"`,
          row,
        });
      }
    }
    for (const c of clashes) {
      const row = db
        .prepare(`SELECT * FROM ${q(name)} WHERE rowid = ?`)
        .safeIntegers(true)
        .get(BigInt(c.rowid)) as Record<string, unknown>;
      rejects.add({
        table: name,
        where: `rowid ${c.rowid}`,
        column: c.columns.join(','),
        reason: describeClash(c).replace(/^[^:]*: /, ''),
        row,
      });
    }
    const sourceRows = Number((db.prepare(`SELECT count(*) AS n FROM ${q(name)}`).get() as { n: number }).n);
    return { table: t.source, columns: columnsOf(t), sourceRows, excluded: rejects.count(name), exclude, truncate: false };
  });
  // The orphan check filled this connection's page cache; the load reads on connections of its own.
  db.pragma('shrink_memory');
  return { jobs, skipFks };
}

/** A set of column names, as one comparable string. */
const columnSet = (columns: readonly string[]) =>
  columns
    .map((c) => c.toLowerCase())
    .sort()
    .join('\u0000');

/** For each table (lower-cased), the column sets other tables' foreign keys point at. */
function referencedKeys(plan: TransferPlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of plan.ddl.tables) {
    for (const fk of t.source.foreignKeys) {
      const parent = fk.refTable.toLowerCase();
      out.set(parent, [...(out.get(parent) ?? []), columnSet(fk.refColumns)]);
    }
  }
  return out;
}

const fkKey = (s: DdlStatement, t: TableDdl) => {
  const fk = t.source.foreignKeys.find((f) => s.sql.includes(`FOREIGN KEY (${f.columns.map(q).join(', ')})`));
  return fk ? `${t.source.name}:${fk.columns.join(',')}` : '';
};

/**
 * The tables in creation order, those named like another table's identity sequence (t_id_seq)
 * first: PostgreSQL names a sequence when it makes its table and steps aside only from a name
 * already taken, while a table of a taken name is refused.
 */
function namedLikeSequencesFirst(tables: readonly TableDdl[]): TableDdl[] {
  const sequences = new Set(
    tables.flatMap((t) => (t.identity ? [conventionalName(pgTableName(t.source.name), [t.identity.column], 'seq')] : [])),
  );
  const first = tables.filter((t) => sequences.has(pgTableName(t.source.name)));
  return [...first, ...tables.filter((t) => !first.includes(t))];
}

async function createAndLoad(
  db: Database.Database,
  plan: TransferPlan,
  o: TransferOptions,
  clients: pg.Client[],
  effects: TransferEffects,
  warn: (m: string) => void,
  stage: Stage,
): Promise<TableOutcome[]> {
  const control = clients[0] as pg.Client;
  const schema = o.schema;
  const rejects = new RejectLog(o.rejectDir);
  try {
    const withData = o.mode !== 'schema-only';
    const copied = (t: TableDdl, plain: boolean) => t.columns.filter((_, i) => plain || !t.source.columns[i]?.generated);
    const plainTables = new Set<string>();
    const prepared = withData ? prepareLoad(db, plan, o, rejects, (t) => t.columns, warn) : { jobs: [], skipFks: new Set<string>() };
    const nsp = await control.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (nsp.rowCount === 0) {
      await control.query(`CREATE SCHEMA ${q(schema)}`);
      effects.schemaCreated = true;
    }
    const state: TransferState | null = withData ? await readState(control, schema) : null;
    checkStateFingerprint(state, plan.fingerprint, schema, CREATED_TABLES);
    const resumed = state !== null;
    if (state) for (const t of state.tables.values()) if (t.created) effects.tablesCreated.push(t.table);
    effects.stateTable = resumed;
    const existing = await existingTables(control, schema);
    const clashes = [...plan.ddl.tables.map((t) => t.source.name), ...plan.emptyTables.map((t) => t.name)].filter(
      (n) => existing.has(pgTableName(n)) && !state?.tables.has(n),
    );
    if (clashes.length > 0 && o.ifExists !== 'drop') {
      throw new TransferFailure(
        `schema "${schema}" already has table${clashes.length === 1 ? '' : 's'} ${clashes.map((c) => `"${c}"`).join(', ')}; mode ${o.mode} creates tables and does not touch existing ones.`,
        'Use mode: data-only to load into tables made by migrations, set if_exists: drop to replace them, or choose another schema.',
      );
    }
    stage.phase = 'creating the tables';
    await control.query('BEGIN');
    try {
      if (clashes.length > 0) await control.query(`DROP TABLE ${clashes.map((c) => qualified(schema, c)).join(', ')}`);
      const toCreate = namedLikeSequencesFirst(plan.ddl.tables.filter((t) => !state?.tables.has(t.source.name)));
      const emptyToCreate = plan.emptyTables.filter((t) => !state?.tables.has(t.name));
      if (withData && !state)
        await createState(
          control,
          schema,
          plan.fingerprint,
          [...toCreate.map((t) => t.source.name), ...emptyToCreate.map((t) => t.name)].map((name) => ({ name, created: true })),
        );
      for (const t of toCreate) {
        await control.query('SAVEPOINT create_table');
        try {
          await control.query(t.create);
        } catch (e) {
          if (!t.createPlain) throw e;
          await control.query('ROLLBACK TO SAVEPOINT create_table');
          await control.query(t.createPlain);
          plainTables.add(t.source.name);
          warn(
            `${t.source.name}: generated column expressions were refused by PostgreSQL (${(e as Error).message}); they are copied as plain columns`,
          );
        }
        for (const s of t.statements.filter((x) => x.phase === 'defaults')) {
          await control.query('SAVEPOINT dflt');
          try {
            await control.query(s.sql);
            await control.query('RELEASE SAVEPOINT dflt');
          } catch (e) {
            await control.query('ROLLBACK TO SAVEPOINT dflt');
            warn(`${s.what} was not kept: PostgreSQL said "${(e as Error).message}" (statement: ${s.sql})`);
          }
        }
      }
      await createEmptyTables(control, emptyToCreate);
      await control.query('COMMIT');
      effects.tablesCreated.push(...toCreate.map((t) => t.source.name), ...emptyToCreate.map((t) => t.name));
      if (withData && !state) effects.stateTable = true;
    } catch (e) {
      await control.query('ROLLBACK').catch(() => {});
      throw e;
    }
    const outcomes = new Map<string, TableOutcome>();
    const keysBuilt = new Set<DdlStatement>();
    if (withData) {
      const pending: LoadJob[] = [];
      for (const job of prepared.jobs) {
        const t = plan.ddl.tables.find((d) => d.source === job.table) as TableDdl;
        const done = state?.tables.get(job.table.name);
        if (done?.status === 'complete') {
          if (done.sourceRows !== job.sourceRows) {
            throw new TransferFailure(
              `table "${job.table.name}" changed in SQLite since the interrupted run (${done.sourceRows} rows then, ${job.sourceRows} now).`,
              'Roll back the earlier run and start again, so every table is read from the same state.',
            );
          }
          outcomes.set(job.table.name, {
            table: job.table.name,
            sourceRows: job.sourceRows,
            loaded: done.rows,
            rejected: done.sourceRows - done.rows,
            resumed: true,
          });
          continue;
        }
        const plain = plainTables.has(t.source.name) || (resumed && (await generatedColumns(control, schema, t.source.name)).size === 0);
        pending.push({ ...job, columns: copied(t, plain), truncate: resumed });
      }
      // While the last tables load, a loaded table gets the keys foreign keys point at (they are
      // needed first). Its other indexes wait for the end of the load and run beside the longest
      // builds, where connections would idle, instead of taking cores from the load.
      const pointedAt = referencedKeys(plan);
      stage.phase = 'loading the rows';
      await loadAll(clients, pending, o, schema, rejects, outcomes, false, null, async (table, client) => {
        const wanted = pointedAt.get(table.toLowerCase()) ?? [];
        const keys = (plan.ddl.tables.find((t) => t.source.name === table)?.statements ?? []).filter((s) => {
          const columns = s.phase === 'keys' ? uniqueKeyColumns(s) : null;
          return columns !== null && wanted.includes(columnSet(columns));
        });
        if (keys.length === 0) return;
        await buildAfterLoad([client], keys, warn, resumed);
        for (const k of keys) keysBuilt.add(k);
      });
    }
    const statements = plan.ddl.tables.flatMap((t) =>
      t.statements.filter((s) => (s.phase !== 'fks' || !prepared.skipFks.has(fkKey(s, t))) && !keysBuilt.has(s)),
    );
    // Sequences and counts need the data, not the foreign keys: they run while those are checked.
    const finisher = clients[clients.length - 1] as pg.Client;
    stage.phase = 'building keys, indexes and foreign keys, moving sequences and checking row counts';
    await buildAfterLoad(clients, statements, warn, resumed, async () => {
      if (!withData) return;
      for (const t of plan.ddl.tables)
        if (t.identity) await advanceSequence(finisher, schema, t.source.name, t.identity.column, t.identity.highWater);
      await verifyCounts(finisher, schema, [...outcomes.values()]);
    });
    if (withData) {
      stage.phase = "removing the transfer's state table";
      await dropState(control, schema);
      effects.stateTable = false;
    }
    return plan.ddl.tables.map(
      (t) => outcomes.get(t.source.name) ?? { table: t.source.name, sourceRows: 0, loaded: 0, rejected: 0, resumed: false },
    );
  } finally {
    rejects.close();
    effects.rejectFiles.push(...rejects.paths());
  }
}

async function loadInto(
  db: Database.Database,
  plan: TransferPlan,
  o: TransferOptions,
  clients: pg.Client[],
  effects: TransferEffects,
  warn: (m: string) => void,
  stage: Stage,
): Promise<TableOutcome[]> {
  const control = clients[0] as pg.Client;
  const schema = o.schema;
  const existing = await existingTables(control, schema);
  const missing = plan.tables.map((t) => t.name).filter((n) => !existing.has(pgTableName(n)));
  if (missing.length > 0) {
    throw new TransferFailure(
      `mode data-only loads into existing tables, but schema "${schema}" has no table ${missing.map((m) => `"${m}"`).join(', ')}.`,
      'Create them first (e.g. alembic upgrade head), exclude them, or use mode: create.',
    );
  }
  const targets = new Map<string, ColumnMapping[]>();
  for (const t of plan.ddl.tables) {
    const cols = await targetColumns(control, schema, t.source);
    // Epoch rules of cast: still say how to read numbers in date/time columns.
    targets.set(
      t.source.name,
      cols.map((c) => ({ ...c, epoch: t.columns.find((m) => m.name === c.name)?.epoch ?? null })),
    );
  }
  const rejects = new RejectLog(o.rejectDir);
  try {
    const prepared = prepareLoad(db, plan, o, rejects, (t) => targets.get(t.source.name) ?? [], warn);
    const state = await readState(control, schema);
    checkStateFingerprint(state, plan.fingerprint, schema, EXISTING_TABLES);
    effects.stateTable = state !== null;
    if (state) for (const t of state.tables.values()) if (t.created) effects.tablesCreated.push(t.table);
    const filled: string[] = [];
    for (const job of prepared.jobs) {
      if (state?.tables.get(job.table.name)?.status === 'complete') continue;
      const r = await control.query(`SELECT EXISTS (SELECT 1 FROM ${qualified(schema, job.table.name)}) AS some`);
      if (r.rows[0]?.some && !state) filled.push(job.table.name);
    }
    if (filled.length > 0 && o.ifExists !== 'truncate') {
      throw new TransferFailure(
        `table${filled.length === 1 ? '' : 's'} ${filled.map((f) => `"${f}"`).join(', ')} in schema "${schema}" already hold rows; data-only loads into empty tables.`,
        'Empty them first, or set if_exists: truncate to replace their rows (rollback cannot bring those rows back).',
      );
    }
    if (!state) {
      // Migrations do not make the app's virtual tables, so data-only makes the missing ones (empty).
      const emptyMissing = plan.emptyTables.filter((t) => !existing.has(pgTableName(t.name)));
      await control.query('BEGIN');
      try {
        await createState(control, schema, plan.fingerprint, [
          ...prepared.jobs.map((j) => ({ name: j.table.name, created: false })),
          ...emptyMissing.map((t) => ({ name: t.name, created: true })),
        ]);
        await createEmptyTables(control, emptyMissing);
        await control.query('COMMIT');
      } catch (e) {
        await control.query('ROLLBACK').catch(() => {});
        throw e;
      }
      effects.stateTable = true;
      effects.tablesCreated.push(...emptyMissing.map((t) => t.name));
    }
    const pending = prepared.jobs
      .filter((j) => state?.tables.get(j.table.name)?.status !== 'complete')
      .map((j) => ({ ...j, truncate: state !== null || filled.includes(j.table.name) }));
    const outcomes = new Map<string, TableOutcome>();
    for (const j of prepared.jobs) {
      const done = state?.tables.get(j.table.name);
      if (done?.status === 'complete')
        outcomes.set(j.table.name, {
          table: j.table.name,
          sourceRows: j.sourceRows,
          loaded: done.rows,
          rejected: done.sourceRows - done.rows,
          resumed: true,
        });
    }
    stage.phase = 'loading the rows';
    await loadAll(clients, pending, o, schema, rejects, outcomes, true, effects.tablesFilled);
    stage.phase = 'moving sequences and checking row counts';
    for (const t of plan.tables) {
      for (const c of targets.get(t.name) ?? [])
        await advanceSequence(control, schema, t.name, c.name, plan.sqlite.sequences.get(t.name) ?? 0, true);
    }
    await verifyCounts(control, schema, [...outcomes.values()]);
    await dropState(control, schema);
    effects.stateTable = false;
    return plan.tables.map((t) => outcomes.get(t.name) as TableOutcome);
  } finally {
    rejects.close();
    effects.rejectFiles.push(...rejects.paths());
  }
}

/** Loads the pending tables and records each one's outcome (and, for data-only, that it was filled). */
async function loadAll(
  clients: pg.Client[],
  pending: readonly LoadJob[],
  o: TransferOptions,
  schema: string,
  rejects: RejectLog,
  outcomes: Map<string, TableOutcome>,
  parentsFirst: boolean,
  filled: string[] | null,
  meanwhile?: (table: string, client: pg.Client) => Promise<void>,
): Promise<void> {
  await loadTables(clients, pending, {
    sqlitePath: o.sqlitePath,
    schema,
    onBadValue: o.onBadValue === 'fail' ? 'fail' : 'reject',
    converted: (table, column, what, rows) => {
      const list = o.conversions;
      const same = list?.find((c) => c.table === table && c.column === column && c.what === what);
      if (same) same.rows += rows;
      else list?.push({ table, column, what, rows });
    },
    rejects,
    signal: o.signal,
    parentsFirst,
    progress: o.progress,
    loaded: (table, rows) => {
      filled?.push(table);
      const job = pending.find((j) => j.table.name === table) as LoadJob;
      outcomes.set(table, { table, sourceRows: job.sourceRows, loaded: rows, rejected: rejects.count(table), resumed: false });
    },
    meanwhile,
  });
}

/** Columns PostgreSQL generates itself in a table (not written by COPY). */
async function generatedColumns(client: pg.Client, schema: string, table: string): Promise<Set<string>> {
  const r = await client.query(
    `SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attgenerated <> '' AND NOT a.attisdropped`,
    [qualified(schema, table)],
  );
  return new Set(r.rows.map((x: { attname: string }) => x.attname));
}

/** Moves a column's sequence (identity or serial) past the largest id and SQLite's AUTOINCREMENT mark. */
async function advanceSequence(
  client: pg.Client,
  schema: string,
  table: string,
  column: string,
  highWater: number,
  onlyIfOwned = false,
): Promise<void> {
  const name = qualified(schema, table);
  if (onlyIfOwned) {
    const r = await client.query('SELECT pg_get_serial_sequence($1, $2) AS s', [name, column]);
    if (!r.rows[0]?.s) return;
  }
  await client.query(
    `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(m, 1), m > 0) FROM (SELECT GREATEST(COALESCE(MAX(${q(column)}), 0), $3::bigint) AS m FROM ${name}) x`,
    [name, column, highWater],
  );
}

/** Proves the load: PostgreSQL holds exactly the rows sent, and sent + rejected = rows in SQLite. */
async function verifyCounts(client: pg.Client, schema: string, outcomes: readonly TableOutcome[]): Promise<void> {
  for (const t of outcomes) {
    const n = Number((await client.query(`SELECT count(*) AS n FROM ${qualified(schema, t.table)}`)).rows[0]?.n);
    if (n !== t.loaded || t.loaded + t.rejected !== t.sourceRows) {
      throw new TransferFailure(
        `table "${t.table}": SQLite has ${t.sourceRows} rows, ${t.rejected} were rejected, PostgreSQL holds ${n} (expected ${t.sourceRows - t.rejected}).`,
        'Something else wrote to the table during the load; roll back and run the transfer again with writes stopped.',
      );
    }
  }
}
