import { quoteIdent as q } from '../connections.js';
import { qualified, type TableDdl } from '../ddl/schema-ddl.js';
import { conventionalName, pgTableName } from '../ddl/names.js';
import { createEmptyTables } from '../ddl/virtual-tables.js';
import { Failed } from '../../core/failure.js';
import type { TransferRun } from './mode.js';
import { createState, type TransferState } from './state.js';
import { existingTables } from './target.js';

/** Makes the target schema when it is missing, and records that it did. */
export async function createSchemaIfMissing({ control, schema, effects }: TransferRun): Promise<void> {
  const nsp = await control.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (nsp.rowCount === 0) {
    await control.query(`CREATE SCHEMA ${q(schema)}`);
    effects.schemaCreated = true;
  }
}

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

/**
 * Creates the plan's tables (those an interrupted run has not made) in one transaction, with the
 * state table when rows follow; existing tables of the same names are refused unless if_exists: drop.
 * Returns the tables whose generated columns PostgreSQL refused (they are made plain).
 */
export async function createTables(run: TransferRun, state: TransferState | null, withData: boolean): Promise<Set<string>> {
  const { control, schema, plan, options: o, effects } = run;
  const plainTables = new Set<string>();
  const existing = await existingTables(control, schema);
  const clashes = [...plan.ddl.tables.map((t) => t.source.name), ...plan.emptyTables.map((t) => t.name)].filter(
    (n) => existing.has(pgTableName(n)) && !state?.tables.has(n),
  );
  if (clashes.length > 0 && o.ifExists !== 'drop') {
    throw new Failed(
      'data',
      `schema "${schema}" already has table${clashes.length === 1 ? '' : 's'} ${clashes.map((c) => `"${c}"`).join(', ')}; mode ${o.mode} creates tables and does not touch existing ones.`,
      'Use mode: data-only to load into tables made by migrations, set if_exists: drop to replace them, or choose another schema.',
    );
  }
  run.stage.phase = 'creating the tables';
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
      if (!(await createTable(run, t))) plainTables.add(t.source.name);
      await keepDefaults(run, t);
    }
    await createEmptyTables(control, emptyToCreate);
    await control.query('COMMIT');
    effects.tablesCreated.push(...toCreate.map((t) => t.source.name), ...emptyToCreate.map((t) => t.name));
    if (withData && !state) effects.stateTable = true;
  } catch (e) {
    await control.query('ROLLBACK').catch(() => {});
    throw e;
  }
  return plainTables;
}

/** Creates one table; false when PostgreSQL refused its generated columns and it was made with plain ones. */
async function createTable({ control, warn }: TransferRun, t: TableDdl): Promise<boolean> {
  await control.query('SAVEPOINT create_table');
  try {
    await control.query(t.create);
    return true;
  } catch (e) {
    if (!t.createPlain) throw e;
    await control.query('ROLLBACK TO SAVEPOINT create_table');
    await control.query(t.createPlain);
    warn(
      `${t.source.name}: generated column expressions were refused by PostgreSQL (${(e as Error).message}); they are copied as plain columns`,
    );
    return false;
  }
}

/** Sets a table's column defaults; one PostgreSQL refuses is left out with a warning. */
async function keepDefaults({ control, warn }: TransferRun, t: TableDdl): Promise<void> {
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
