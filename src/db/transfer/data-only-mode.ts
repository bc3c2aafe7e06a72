import { qualified } from '../ddl/schema-ddl.js';
import { pgTableName } from '../ddl/names.js';
import { createEmptyTables } from '../ddl/virtual-tables.js';
import type { ColumnMapping } from '../ddl/typemap.js';
import { Failed } from '../../core/failure.js';
import { advanceSequence, verifyCounts } from './finish.js';
import type { ModeSteps, TransferRun } from './mode.js';
import type { Prepared } from './prepare-load.js';
import { finished } from './resume.js';
import { createState, type TransferState } from './state.js';
import { existingTables, targetColumns } from './target.js';

/** Mode data-only: the tables exist (made by the app's migrations); the transfer fills them and moves their sequences. */
export function dataOnlyMode(): ModeSteps {
  let existing = new Set<string>();
  const targets = new Map<string, ColumnMapping[]>();
  return {
    withData: true,
    phases: { afterLoad: 'moving sequences and checking row counts', dropState: 'moving sequences and checking row counts' },
    strangerState: {
      showFingerprints: false,
      hint: (schema) => `Drop ${schema}._runbook_transfer after checking the tables it lists.`,
    },
    async inspectTarget({ control, schema, plan }) {
      existing = await existingTables(control, schema);
      const missing = plan.tables.map((t) => t.name).filter((n) => !existing.has(pgTableName(n)));
      if (missing.length > 0) {
        throw new Failed(
          'data',
          `mode data-only loads into existing tables, but schema "${schema}" has no table ${missing.map((m) => `"${m}"`).join(', ')}.`,
          'Create them first (e.g. alembic upgrade head), exclude them, or use mode: create.',
        );
      }
      for (const t of plan.ddl.tables) {
        const cols = await targetColumns(control, schema, t.source);
        // Epoch rules of cast: still say how to read numbers in date/time columns.
        targets.set(
          t.source.name,
          cols.map((c) => ({ ...c, epoch: t.columns.find((m) => m.name === c.name)?.epoch ?? null })),
        );
      }
      return (t) => targets.get(t.source.name) ?? [];
    },
    ensureSchema: () => Promise.resolve(),
    async prepareTarget(run, prepared, state) {
      const filled = await filledTables(run, prepared, state);
      if (!state) await createStateAndMissingEmptyTables(run, prepared, existing);
      return prepared.jobs
        .filter((j) => !finished(state, j.table.name))
        .map((j) => ({ ...j, truncate: state !== null || filled.includes(j.table.name) }));
    },
    loadSettings: ({ effects }) => ({ parentsFirst: true, filled: effects.tablesFilled }),
    async afterLoad({ control, schema, plan }, _prepared, outcomes) {
      for (const t of plan.tables) {
        for (const c of targets.get(t.name) ?? [])
          await advanceSequence(control, schema, t.name, c.name, plan.sqlite.sequences.get(t.name) ?? 0, true);
      }
      await verifyCounts(control, schema, [...outcomes.values()]);
    },
  };
}

/** Tables that already hold rows (not from an interrupted run); refused unless if_exists: truncate. */
async function filledTables({ control, schema, options }: TransferRun, prepared: Prepared, state: TransferState | null): Promise<string[]> {
  const filled: string[] = [];
  for (const job of prepared.jobs) {
    if (finished(state, job.table.name)) continue;
    const r = await control.query(`SELECT EXISTS (SELECT 1 FROM ${qualified(schema, job.table.name)}) AS some`);
    if (r.rows[0]?.some && !state) filled.push(job.table.name);
  }
  if (filled.length > 0 && options.ifExists !== 'truncate') {
    throw new Failed(
      'data',
      `table${filled.length === 1 ? '' : 's'} ${filled.map((f) => `"${f}"`).join(', ')} in schema "${schema}" already hold rows; data-only loads into empty tables.`,
      'Empty them first, or set if_exists: truncate to replace their rows (rollback cannot bring those rows back).',
    );
  }
  return filled;
}

/** Creates the state table, and the empty stand-ins of virtual tables migrations do not make, in one transaction. */
async function createStateAndMissingEmptyTables(
  { control, schema, plan, effects }: TransferRun,
  prepared: Prepared,
  existing: ReadonlySet<string>,
): Promise<void> {
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
