import type pg from 'pg';
import type { DdlStatement } from '../ddl/schema-ddl.js';
import { LOST_HINT, lostConnection, lostMessage } from '../lost-connection.js';
import { Failed } from '../../core/failure.js';
import { runPool } from './pool.js';

// Codes that mean "already there": a resumed run meets the keys its first attempt built.
const alreadyThere = new Set(['42P07', '42710', '42P16']);

/** Runs one statement (or `sql`, a part of it); an optional one PostgreSQL refuses becomes a warning, a required one a failure. */
export async function runStatement(
  client: pg.Client,
  s: DdlStatement,
  warn: (m: string) => void,
  resumed: boolean,
  sql = s.sql,
): Promise<void> {
  try {
    await client.query(sql);
  } catch (e) {
    // A lost connection is no reason to drop an optional index and carry on.
    const lost = lostConnection(e, [client]);
    if (lost !== undefined) throw new Failed('connect', lostMessage(lost, `while building ${s.what} on "${s.table}"`), LOST_HINT);
    const err = e as { code?: string; message?: string };
    if (resumed && err.code && alreadyThere.has(err.code)) return;
    if (s.optional) {
      warn(`${s.what} on "${s.table}" was not created: PostgreSQL said "${err.message ?? String(e)}" (statement: ${s.sql})`);
      return;
    }
    throw new Failed('query', `building ${s.what} on "${s.table}" failed: ${err.message ?? String(e)}.`, `The statement was: ${s.sql}`);
  }
}

const ident = '"(?:[^"]|"")+"';
const constraintSql = new RegExp(`^ALTER TABLE (${ident}\\.${ident}) ADD CONSTRAINT (${ident}) (PRIMARY KEY|UNIQUE) \\((.+)\\)$`, 's');

/** A keys statement cut in two: the index build, which may run beside other builds, and the quick rest. */
interface Split {
  readonly statement: DdlStatement;
  readonly build: string | null;
  readonly finish: string | null;
  /** For a constraint made from a built index: its table and name, to skip it on a resumed run. */
  readonly constraint: { readonly table: string; readonly name: string } | null;
}

/**
 * CREATE INDEX takes a lock other index builds on the table can share; ALTER TABLE ADD PRIMARY
 * KEY / UNIQUE takes one nobody can. So a key is built as a unique index first (same name, same
 * errors on duplicates) and then attached with ADD CONSTRAINT ... USING INDEX, which is instant.
 */
function split(s: DdlStatement): Split {
  if (/^CREATE (UNIQUE )?INDEX /.test(s.sql)) return { statement: s, build: s.sql, finish: null, constraint: null };
  const m = constraintSql.exec(s.sql);
  if (!m) return { statement: s, build: null, finish: s.sql, constraint: null };
  const [, table, name, kind, columns] = m as unknown as [string, string, string, string, string];
  return {
    statement: s,
    build: `CREATE UNIQUE INDEX ${name} ON ${table} (${columns})`,
    finish: `ALTER TABLE ${table} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name}`,
    constraint: { table, name: name.slice(1, -1).replace(/""/g, '"') },
  };
}

const uniqueIndexSql = new RegExp(`^CREATE UNIQUE INDEX ${ident} ON ${ident}\\.${ident} \\((.+)\\)$`, 's');
const identList = new RegExp(`^${ident}(?:, ${ident})*$`);

/**
 * The columns of a primary key, a unique constraint or a unique index on plain columns — what a
 * foreign key can point at — unquoted; null for any other statement.
 */
export function uniqueKeyColumns(s: DdlStatement): string[] | null {
  const list = constraintSql.exec(s.sql)?.[4] ?? uniqueIndexSql.exec(s.sql)?.[1];
  if (list === undefined || !identList.test(list)) return null;
  return [...list.matchAll(new RegExp(ident, 'g'))].map((m) => m[0].slice(1, -1).replace(/""/g, '"'));
}

async function constraintExists(client: pg.Client, c: { table: string; name: string }): Promise<boolean> {
  const r = await client.query('SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2', [c.table, c.name]);
  return (r.rowCount ?? 0) > 0;
}

/** Bytes of each table, so the longest index builds start first. */
async function tableSizes(client: pg.Client, tables: readonly string[]): Promise<Map<string, number>> {
  const r = await client.query('SELECT t, pg_relation_size(to_regclass(t)) AS size FROM unnest($1::text[]) AS t', [tables]);
  return new Map(r.rows.map((x: { t: string; size: string | null }) => [x.t, Number(x.size ?? 0)]));
}

/**
 * Builds keys and indexes, then foreign keys, on parallel connections. Every index build is a job
 * of its own (largest table and widest index first), so one big table's indexes are built side
 * by side; the quick steps that attach them as constraints, and CHECKs, then run table by table
 * in order. Foreign keys run table by table (ALTER TABLE locks the table anyway), alongside the
 * caller's `alongsideForeignKeys` (work that needs the data but not the foreign keys).
 */
export async function buildAfterLoad(
  clients: readonly pg.Client[],
  statements: readonly DdlStatement[],
  warn: (m: string) => void,
  resumed: boolean,
  alongsideForeignKeys: () => Promise<void> = async () => {},
): Promise<void> {
  const client = (i: number) => clients[i] as pg.Client;
  // Sorting in memory instead of in batches on disk: a session setting of our own connections.
  for (const c of clients) await c.query(`SET maintenance_work_mem = '256MB'`);
  const keys = statements.filter((x) => x.phase === 'keys').map(split);
  const builds = keys.filter((s) => s.build !== null);
  const tableOf = (s: Split) => new RegExp(` ON (${ident}\\.${ident}) \\(`).exec(s.build ?? '')?.[1] ?? '';
  const sizes = builds.length > 0 ? await tableSizes(client(0), [...new Set(builds.map(tableOf))]) : new Map<string, number>();
  const sizeOf = (s: Split) => sizes.get(tableOf(s)) ?? 0;
  const width = (s: Split) => (s.build ?? '').split(',').length;
  builds.sort((a, b) => sizeOf(b) - sizeOf(a) || width(b) - width(a));
  const built = new Set<Split>();
  // The largest build is the longest: it alone gets the server's parallel workers. The others run
  // one process each beside it, instead of every build bringing its own workers to fight over the
  // same cores (about 5% faster with two connections on two cores).
  const first = builds[0];
  await runPool(builds, clients.length, async (s, worker) => {
    let ok = true;
    await client(worker).query(s === first ? 'RESET max_parallel_maintenance_workers' : 'SET max_parallel_maintenance_workers = 0');
    await runStatement(
      client(worker),
      s.statement,
      (m) => {
        ok = false;
        warn(m);
      },
      resumed,
      s.build as string,
    );
    if (ok) built.add(s);
  });
  for (const c of clients) await c.query('RESET max_parallel_maintenance_workers');
  await perTable(
    clients,
    keys.filter((s) => s.finish !== null && (s.build === null || built.has(s))),
    async (s, c) => {
      if (resumed && s.constraint && (await constraintExists(c, s.constraint))) return;
      await runStatement(c, s.statement, warn, resumed, s.finish as string);
    },
  );
  // Validating a foreign key reads the whole child table on one connection: the others are free.
  await Promise.all([
    perTable(clients, statements.filter((x) => x.phase === 'fks').map(split), (s, c) => runStatement(c, s.statement, warn, resumed)),
    alongsideForeignKeys(),
  ]);
}

/** Runs statements on parallel connections, those of one table in order on one connection. */
async function perTable(
  clients: readonly pg.Client[],
  splits: readonly Split[],
  run: (s: Split, c: pg.Client) => Promise<void>,
): Promise<void> {
  const byTable = new Map<string, Split[]>();
  for (const s of splits) byTable.set(s.statement.table, [...(byTable.get(s.statement.table) ?? []), s]);
  await runPool([...byTable.values()], clients.length, async (job, worker) => {
    for (const s of job) await run(s, clients[worker] as pg.Client);
  });
}
