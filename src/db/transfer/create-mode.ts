import type pg from 'pg';
import { quoteIdent as q } from '../connections.js';
import { qualified, type DdlStatement, type TableDdl } from '../ddl/schema-ddl.js';
import { createSchemaIfMissing, createTables } from './create-tables.js';
import { advanceSequence, verifyCounts } from './finish.js';
import type { LoadJob } from './load.js';
import type { ModeSteps, TransferRun } from './mode.js';
import type { TransferPlan } from './plan.js';
import { buildAfterLoad, uniqueKeyColumns } from './postload.js';
import { checkUnchangedRows, finished } from './resume.js';

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

/** Columns PostgreSQL generates itself in a table (not written by COPY). */
async function generatedColumns(client: pg.Client, schema: string, table: string): Promise<Set<string>> {
  const r = await client.query(
    `SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attgenerated <> '' AND NOT a.attisdropped`,
    [qualified(schema, table)],
  );
  return new Set(r.rows.map((x: { attname: string }) => x.attname));
}

/** The columns COPY writes: all but the generated ones, unless the table was made with plain columns. */
const copied = (t: TableDdl, plain: boolean) => t.columns.filter((_, i) => plain || !t.source.columns[i]?.generated);

/**
 * Modes create, schema-only and test-import: the transfer makes the tables (and, but for
 * schema-only, loads them), then builds keys and foreign keys after the load.
 */
export function createMode(withData: boolean): ModeSteps {
  let resumed = false;
  // Keys other tables point at, built while the last tables load.
  const keysBuilt = new Set<DdlStatement>();
  return {
    withData,
    phases: {
      afterLoad: 'building keys, indexes and foreign keys, moving sequences and checking row counts',
      dropState: "removing the transfer's state table",
    },
    strangerState: {
      showFingerprints: true,
      hint: (schema) => `Roll back the earlier run, or drop ${schema}._runbook_transfer and the tables it lists.`,
    },
    inspectTarget: () => Promise.resolve((t) => t.columns),
    ensureSchema: createSchemaIfMissing,
    async prepareTarget(run, prepared, state) {
      resumed = state !== null;
      const plainTables = await createTables(run, state, withData);
      checkUnchangedRows(prepared.jobs, state);
      const pending: LoadJob[] = [];
      for (const job of prepared.jobs) {
        if (finished(state, job.table.name)) continue;
        const t = run.plan.ddl.tables.find((d) => d.source === job.table) as TableDdl;
        const plain =
          plainTables.has(t.source.name) || (resumed && (await generatedColumns(run.control, run.schema, t.source.name)).size === 0);
        pending.push({ ...job, columns: copied(t, plain), truncate: resumed });
      }
      return pending;
    },
    loadSettings: (run) => ({ parentsFirst: false, filled: null, meanwhile: buildKeysPointedAt(run, keysBuilt, resumed) }),
    async afterLoad({ plan, clients, schema, warn }, prepared, outcomes) {
      const statements = plan.ddl.tables.flatMap((t) =>
        t.statements.filter((s) => (s.phase !== 'fks' || !prepared.skipFks.has(fkKey(s, t))) && !keysBuilt.has(s)),
      );
      // Sequences and counts need the data, not the foreign keys: they run while those are checked.
      const finisher = clients[clients.length - 1] as pg.Client;
      await buildAfterLoad(clients, statements, warn, resumed, async () => {
        if (!withData) return;
        for (const t of plan.ddl.tables)
          if (t.identity) await advanceSequence(finisher, schema, t.source.name, t.identity.column, t.identity.highWater);
        await verifyCounts(finisher, schema, [...outcomes.values()]);
      });
    },
  };
}

/**
 * While the last tables load, a loaded table gets the keys foreign keys point at (they are
 * needed first). Its other indexes wait for the end of the load and run beside the longest
 * builds, where connections would idle, instead of taking cores from the load.
 */
function buildKeysPointedAt(
  { plan, warn }: TransferRun,
  keysBuilt: Set<DdlStatement>,
  resumed: boolean,
): (table: string, client: pg.Client) => Promise<void> {
  const pointedAt = referencedKeys(plan);
  return async (table, client) => {
    const wanted = pointedAt.get(table.toLowerCase()) ?? [];
    const keys = (plan.ddl.tables.find((t) => t.source.name === table)?.statements ?? []).filter((s) => {
      const columns = s.phase === 'keys' ? uniqueKeyColumns(s) : null;
      return columns !== null && wanted.includes(columnSet(columns));
    });
    if (keys.length === 0) return;
    await buildAfterLoad([client], keys, warn, resumed);
    for (const k of keys) keysBuilt.add(k);
  };
}
