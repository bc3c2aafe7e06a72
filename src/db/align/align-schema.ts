import type Database from 'better-sqlite3';
import type pg from 'pg';
import { connectPostgres, openSqlite, quoteIdent as q } from '../connections.js';
import { qualified, type TableDdl } from '../ddl/schema-ddl.js';
import { LOST_HINT, lostConnection, lostMessage } from '../lost-connection.js';
import type { AlignAction } from './action.js';
import { columnActions } from './columns.js';
import { keyActions } from './keys.js';
import { readTarget, type TargetTable } from './target.js';
import { countDifferent, recopyByKey } from './values.js';
import { virtualCopyActions } from './virtual.js';
import { TransferFailure } from '../transfer/failure.js';
import type { VirtualTablesPolicy } from '../ddl/virtual-tables.js';
import { planTransfer, type TransferPlan } from '../transfer/plan.js';
import type { CastRule } from '../ddl/typemap.js';
import type { JsonType } from '../policies.js';

/** What align-schema works on. */
export interface AlignOptions {
  readonly sqlitePath: string;
  readonly pgUrl: string;
  readonly schema: string;
  readonly tables?: readonly string[];
  readonly exclude?: readonly string[];
  readonly cast: readonly CastRule[];
  readonly jsonType: JsonType;
  /** Drop the plain-table copies pgloader made of FTS5 (and other virtual) tables and their shadow tables. */
  readonly dropVirtualCopies: boolean;
  /** empty: replace pgloader's copies of virtual tables by empty tables with their columns plus rowid. */
  readonly virtualTables: VirtualTablesPolicy;
  warn(message: string): void;
}

/** What align-schema changed and found. */
export interface AlignReport {
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
  /** Rows per SQLite table as PostgreSQL holds them. */
  readonly counts: Readonly<Record<string, number>>;
  /** Plain tables in PostgreSQL that are copies of SQLite virtual or shadow tables. */
  readonly virtualCopies: readonly string[];
  /** The session time zone pgloader's timestamps were read back in. */
  readonly timeZone: string;
}

const HINT =
  'Fix those rows in SQLite and run pgloader again, or use the built-in transfer (transfer_tool=builtin), which makes the schema itself. The pgloader result was left as it was.';

/** The repairs in the order they can run: column types and keys of every table first, foreign keys last. */
function planActions(
  plan: TransferPlan,
  target: ReadonlyMap<string, TargetTable>,
  timeZone: string,
  virtual: Pick<AlignOptions, 'dropVirtualCopies' | 'virtualTables'>,
  warn: (m: string) => void,
): { actions: AlignAction[]; virtualCopies: string[] } {
  const schema = plan.ddl.schema;
  const missing: string[] = [];
  for (const t of plan.ddl.tables) {
    const have = target.get(t.source.name);
    if (!have) missing.push(`table "${t.source.name}"`);
    else
      for (const c of t.source.columns)
        if (!c.generated && !have.columns.some((x) => x.name === c.name)) missing.push(`column "${t.source.name}"."${c.name}"`);
  }
  if (missing.length > 0) {
    throw new TransferFailure(
      `align-schema repairs what pgloader loaded, but schema "${schema}" in PostgreSQL has no ${missing.join(', ')}, which SQLite has.`,
      'Run pgloader into this database and schema first (or point target/schema at where it loaded), then run this step again.',
    );
  }
  const tables = plan.ddl.tables.map((t) => ({ t, have: target.get(t.source.name) as TargetTable }));
  const keys = tables.map(({ t, have }) => keyActions(schema, t, have, warn));
  const copies = virtualCopyActions(plan, target, virtual, warn);
  return {
    actions: [
      ...tables.flatMap(({ t, have }) => columnActions(schema, t, have, timeZone, warn)),
      ...keys.flatMap((k) => k.keys),
      ...keys.flatMap((k) => k.fks),
      ...copies.actions,
    ],
    virtualCopies: copies.virtualCopies,
  };
}

/** Runs the guards before anything changes: every hard problem is collected, soft ones drop their action. */
async function checkGuards(client: pg.Client, actions: readonly AlignAction[], warn: (m: string) => void): Promise<AlignAction[]> {
  const problems: string[] = [];
  const kept: AlignAction[] = [];
  for (const a of actions) {
    const n = a.guard ? Number((await client.query(a.guard.sql)).rows[0]?.n ?? 0) : 0;
    if (n === 0 || !a.guard) kept.push(a);
    else if (a.guard.soft) warn(a.guard.problem(n));
    else problems.push(a.guard.problem(n));
  }
  if (problems.length > 0)
    throw new TransferFailure(`the pgloader result cannot be aligned with the SQLite schema: ${problems.join('; ')}.`, HINT);
  return kept;
}

async function recopy(
  client: pg.Client,
  db: Database.Database,
  t: TableDdl,
  have: TargetTable,
  schema: string,
  r: NonNullable<AlignAction['recopy']>,
  timeZone: string,
  warn: (m: string) => void,
): Promise<string> {
  const where = `${t.source.name}.${r.column}`;
  try {
    if (t.source.primaryKey.length > 0) {
      const keyTypes = t.source.primaryKey.map((k) => have.columns.find((c) => c.name === k)?.type ?? 'text');
      const n = await recopyByKey(client, db, schema, t.source, r.column, r.pgType, keyTypes);
      if (r.why === 'timestamp' && n > 0) {
        warn(
          `${where}: ${n} value(s) did not come back as SQLite's text from time zone ${timeZone} (e.g. times skipped by a daylight-saving change) and were copied again from SQLite`,
        );
      }
      return n > 0 ? ` (${n} value(s) copied again from SQLite)` : '';
    }
    await client.query('SAVEPOINT runbook_align_values');
    const n = await countDifferent(client, db, schema, t.source, r.column, r.pgType);
    await client.query('RELEASE SAVEPOINT runbook_align_values');
    if (n > 0 && r.why === 'timestamp') {
      throw new TransferFailure(
        `${where}: ${n} value(s) differ from SQLite's text after reading them back in time zone ${timeZone}, and the table has no primary key to copy them again by.`,
        'pgloader may have run with another TimeZone than this connection has (ALTER ROLE/DATABASE ... SET timezone); load with the built-in transfer (transfer_tool=builtin), or give the table a primary key. The pgloader result was left as it was.',
      );
    }
    if (n > 0)
      warn(
        `${where}: ${n} value(s) keep the precision pgloader's 4-byte real left them (the table has no primary key to copy them again by)`,
      );
    return '';
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (e instanceof TransferFailure || typeof err.code !== 'string') throw e;
    throw new TransferFailure(
      `copying ${where} again from SQLite failed: PostgreSQL said "${err.message ?? ''}".`,
      `A value of ${where} in SQLite is not a ${r.pgType}; fix it in SQLite and run pgloader again. The pgloader result was left as it was.`,
    );
  }
}

async function apply(
  client: pg.Client,
  db: Database.Database,
  plan: TransferPlan,
  target: ReadonlyMap<string, TargetTable>,
  actions: readonly AlignAction[],
  timeZone: string,
  warn: (m: string) => void,
): Promise<string[]> {
  const changes: string[] = [];
  const schema = plan.ddl.schema;
  for (const a of actions) {
    if (a.optional) await client.query('SAVEPOINT runbook_align');
    try {
      for (const sql of a.sql) await client.query(sql);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (typeof err.code !== 'string') throw e;
      if (a.optional) {
        await client.query('ROLLBACK TO SAVEPOINT runbook_align');
        warn(`${a.change.replace(/ created$/, '')} was not created: PostgreSQL said "${err.message ?? ''}"`);
        continue;
      }
      throw new TransferFailure(
        `repairing the pgloader result stopped at "${a.change}": PostgreSQL said "${err.message ?? ''}".`,
        `Nothing was changed (the repair ran in one transaction and was rolled back). Statements: ${a.sql.join('; ')}`,
      );
    }
    let note = '';
    if (a.recopy) {
      const t = plan.ddl.tables.find((x) => x.source.name === a.table) as TableDdl;
      note = await recopy(client, db, t, target.get(a.table) as TargetTable, schema, a.recopy, timeZone, warn);
    }
    changes.push(a.change + note);
  }
  return changes;
}

/**
 * Makes a database pgloader loaded match what create mode would have made, for what the app
 * needs: identity keys, NOT NULL, timestamp/double/varchar/boolean types, key names, foreign
 * keys. All in one transaction: a failure leaves the pgloader result as it was.
 */
export async function alignSchema(o: AlignOptions): Promise<AlignReport> {
  const db = openSqlite(o.sqlitePath, { readonly: true });
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    o.warn(m);
  };
  try {
    const plan = planTransfer(db, {
      schema: o.schema,
      tables: o.tables,
      exclude: o.exclude,
      cast: o.cast,
      jsonType: o.jsonType,
      virtualTables: o.virtualTables,
    });
    const client = await connectPostgres(o.pgUrl);
    try {
      // pgloader sets no TimeZone of its own, so it wrote DATETIME text in the zone every new session of this role gets.
      const timeZone = String((await client.query(`SELECT current_setting('TimeZone') AS tz`)).rows[0]?.tz);
      const target = await readTarget(client, o.schema);
      const planned = planActions(plan, target, timeZone, o, warn);
      const actions = await checkGuards(client, planned.actions, warn);
      await client.query('BEGIN');
      try {
        const changes = await apply(client, db, plan, target, actions, timeZone, warn);
        const counts: Record<string, number> = {};
        for (const t of plan.tables) {
          const n = Number((await client.query(`SELECT count(*) AS n FROM ${qualified(o.schema, t.name)}`)).rows[0]?.n);
          const inSqlite = Number((db.prepare(`SELECT count(*) AS n FROM ${q(t.name)}`).get() as { n: number }).n);
          counts[t.name] = n;
          if (n !== inSqlite)
            warn(`${t.name}: SQLite has ${inSqlite} rows, PostgreSQL ${n}: pgloader did not load every row (see its log)`);
        }
        await client.query('COMMIT');
        return { changes, warnings, counts, virtualCopies: planned.virtualCopies, timeZone };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      }
    } catch (e) {
      const lost = e instanceof TransferFailure ? undefined : lostConnection(e, [client]);
      throw lost === undefined
        ? e
        : new TransferFailure(lostMessage(lost, 'while aligning the schema; the transaction was not committed'), LOST_HINT);
    } finally {
      await client.end().catch(() => {});
    }
  } finally {
    db.close();
  }
}
