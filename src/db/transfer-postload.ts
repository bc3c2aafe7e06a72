import type pg from 'pg';
import type { DdlStatement } from './ddl.js';
import { TransferFailure } from './transfer-failure.js';
import { runPool } from './transfer-pool.js';

// Codes that mean "already there": a resumed run meets the keys its first attempt built.
const alreadyThere = new Set(['42P07', '42710', '42P16']);

/** Runs one statement; an optional one PostgreSQL refuses becomes a warning, a required one a failure. */
export async function runStatement(client: pg.Client, s: DdlStatement, warn: (m: string) => void, resumed: boolean): Promise<void> {
  try {
    await client.query(s.sql);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (resumed && err.code && alreadyThere.has(err.code)) return;
    if (s.optional) {
      warn(`${s.what} on "${s.table}" was not created: PostgreSQL said "${err.message ?? String(e)}" (statement: ${s.sql})`);
      return;
    }
    throw new TransferFailure(`building ${s.what} on "${s.table}" failed: ${err.message ?? String(e)}.`, `The statement was: ${s.sql}`);
  }
}

/**
 * Builds keys and indexes, then foreign keys, table by table on parallel connections. Statements
 * of one table run in order on one connection (ALTER TABLE locks the table anyway).
 */
export async function buildAfterLoad(clients: readonly pg.Client[], statements: readonly DdlStatement[], warn: (m: string) => void, resumed: boolean): Promise<void> {
  for (const phase of ['keys', 'fks'] as const) {
    const byTable = new Map<string, DdlStatement[]>();
    for (const s of statements.filter((x) => x.phase === phase)) byTable.set(s.table, [...(byTable.get(s.table) ?? []), s]);
    const jobs = [...byTable.values()];
    await runPool(jobs, clients.length, async (job, worker) => {
      for (const s of job) await runStatement(clients[worker] as pg.Client, s, warn, resumed);
    });
  }
}
