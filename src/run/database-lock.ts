import { hostname } from 'node:os';
import { connectPostgres } from '../db/connections.js';

/** The first key of runbook's advisory locks (the second is the database's name, hashed). */
const LOCK_CLASS = 0x52424b; // "RBK"

/** What taking a database's advisory lock gave: a release, or who holds it. */
export type DatabaseLock =
  | { readonly ok: true; release(): Promise<void> }
  | { readonly ok: false; readonly holder: string }
  | { readonly ok: false; readonly error: string };

/**
 * Takes a PostgreSQL advisory lock on the URL's database, on a session held for the whole run:
 * when the run dies, PostgreSQL drops the session and the lock with it. The session's
 * application_name names the run (id, pid, host), so a second run can say who holds it.
 */
export async function lockDatabase(url: string, runId: string): Promise<DatabaseLock> {
  let client: Awaited<ReturnType<typeof connectPostgres>>;
  try {
    client = await connectPostgres(url);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  try {
    await client.query('select set_config($1, $2, false)', [
      'application_name',
      `runbook ${runId} pid ${process.pid} on ${hostname()}`.slice(0, 63),
    ]);
    const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext(current_database())) as ok', [LOCK_CLASS]);
    if (got.rows[0]?.ok) return { ok: true, release: () => client.end().catch(() => {}) };
    const held = await client.query<{ name: string; since: Date }>(
      `select a.application_name as name, a.backend_start as since from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and l.classid = $1::int::oid and l.database = (select oid from pg_database where datname = current_database())`,
      [LOCK_CLASS],
    );
    await client.end().catch(() => {});
    const h = held.rows[0];
    return {
      ok: false,
      holder: h ? `${h.name || 'a session without a name'} (connected since ${h.since.toISOString()})` : 'a session that just ended',
    };
  } catch (e) {
    await client.end().catch(() => {});
    return { ok: false, error: (e as Error).message };
  }
}
