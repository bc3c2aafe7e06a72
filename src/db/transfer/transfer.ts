import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openSqlite, quoteIdent as q } from '../connections.js';
import { withClients } from './clients.js';
import { RejectLog } from './copy-rejects.js';
import { createMode } from './create-mode.js';
import { dataOnlyMode } from './data-only-mode.js';
import { Failed } from '../../core/failure.js';
import { loadTables, type LoadJob } from './load.js';
import type { ModeSteps, TransferRun } from './mode.js';
import { noEffects, type TableOutcome, type TransferEffects, type TransferOptions, type TransferReport } from './options.js';
import { planTransfer } from './plan.js';
import { noJobs, prepareLoad } from './prepare-load.js';
import { adoptState, checkStateFingerprint, resumedOutcomes } from './resume.js';
import { dropState, readState } from './state.js';
import { hasLostConnection, LOST_HINT, lostConnection, lostMessage } from '../lost-connection.js';

export {
  noEffects,
  type Conversion,
  type TableOutcome,
  type TransferEffects,
  type TransferOptions,
  type TransferReport,
} from './options.js';

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
    const stage = { phase: 'reading the target schema' };
    return await withClients(o.pgUrl, Math.max(1, o.parallel), async (clients) => {
      const control = clients[0] as pg.Client;
      const rejects = new RejectLog(o.rejectDir);
      const run: TransferRun = { db, plan, options: { ...o, schema }, schema, clients, control, effects, rejects, stage, warn };
      try {
        const outcomes = await runMode(o.mode === 'data-only' ? dataOnlyMode() : createMode(o.mode !== 'schema-only'), run);
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
        if (e instanceof Failed) throw e;
        const lost = lostConnection(e, clients);
        throw lost === undefined ? e : new Failed('connect', lostMessage(lost, `while ${stage.phase}`), LOST_HINT);
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

/**
 * The run every mode shares: read the target → count and check the rows (orphans, key clashes)
 * → find the state of an interrupted run → prepare the target (create the tables, or check the
 * existing ones) → load → keys, foreign keys, sequences and counts → drop the state table.
 */
async function runMode(mode: ModeSteps, run: TransferRun): Promise<TableOutcome[]> {
  const { db, plan, options: o, schema, control, effects, rejects, stage, warn } = run;
  try {
    const columnsOf = await mode.inspectTarget(run);
    const prepared = mode.withData ? prepareLoad(db, plan, o, rejects, columnsOf, warn) : noJobs();
    await mode.ensureSchema(run);
    const state = mode.withData ? await readState(control, schema) : null;
    checkStateFingerprint(state, plan.fingerprint, schema, mode.strangerState);
    adoptState(effects, state);
    const pending = await mode.prepareTarget(run, prepared, state);
    const outcomes = resumedOutcomes(prepared.jobs, state);
    if (mode.withData) {
      const settings = mode.loadSettings(run);
      stage.phase = 'loading the rows';
      await loadAll(run, pending, outcomes, settings);
    }
    stage.phase = mode.phases.afterLoad;
    await mode.afterLoad(run, prepared, outcomes);
    if (mode.withData) {
      stage.phase = mode.phases.dropState;
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

/** Loads the pending tables and records each one's outcome (and, for data-only, that it was filled). */
async function loadAll(
  { clients, options: o, schema, rejects }: TransferRun,
  pending: readonly LoadJob[],
  outcomes: Map<string, TableOutcome>,
  settings: ReturnType<ModeSteps['loadSettings']>,
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
    parentsFirst: settings.parentsFirst,
    progress: o.progress,
    loaded: (table, rows) => {
      settings.filled?.push(table);
      const job = pending.find((j) => j.table.name === table) as LoadJob;
      outcomes.set(table, { table, sourceRows: job.sourceRows, loaded: rows, rejected: rejects.count(table), resumed: false });
    },
    meanwhile: settings.meanwhile,
  });
}
