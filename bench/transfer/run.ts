/**
 * Benchmark of the built-in transfer against pgloader and the complete-load ceiling on one
 * embedded PostgreSQL, alternating contestants. Prints wall time, rows/s, peak RSS and ratios.
 * Every contestant's rows are counted after its run; a run that failed or loaded fewer rows than
 * SQLite holds is shown and left out of best, median and the ratios.
 *   bench/transfer/run.sh [--scale 1] [--rounds 1] [--parallel 2] [--only ours]
 */
import { execa } from 'execa';
import { readFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../test/helpers/embedded-pg.js';
import { query } from '../../test/helpers/pg.js';
import { ceilingLoad, exportTables, planOf } from './ceiling.js';
import { generateCatalogue } from './generate.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const scale = Number(arg('scale', '1'));
const rounds = Number(arg('rounds', '1'));
const only = arg('only', 'all');
// Connections of the step, and of the ceiling: the same.
const parallel = Number(arg('parallel', '2'));
const here = resolve(process.argv[1] ?? '.', '..');
const repo = process.cwd();
const dataDir = join(repo, 'bench/data');
const sqlitePath = join(dataDir, `catalogue-x${scale}.db`);

/** Peak RSS (KB) of processes, sampled from /proc while they run. */
class RssSampler {
  private readonly pids = new Set<number>();
  private readonly peaks = new Map<number, number>();
  private timer = setInterval(() => this.sample(), 20);
  add(pid: number) {
    this.pids.add(pid);
  }
  private sample() {
    for (const pid of this.pids) {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        if (hwm) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, Number(hwm)));
      } catch {
        /* exited */
      }
    }
  }
  /** Sum of the peaks of every process sampled (they ran at the same time). */
  stop(): number {
    clearInterval(this.timer);
    return [...this.peaks.values()].reduce((a, b) => a + b, 0);
  }
}

/**
 * A new empty database, on a quiet server: the previous contestant's database is dropped and its
 * WAL checkpointed first, so no contestant pays for another's checkpoint or cleanup.
 */
async function freshDb(admin: string, name: string, previous: string | null): Promise<string> {
  for (const sql of [
    ...(previous ? [`DROP DATABASE IF EXISTS ${previous}`] : []),
    `DROP DATABASE IF EXISTS ${name}`,
    `CREATE DATABASE ${name}`,
    'CHECKPOINT',
  ])
    await query(admin, sql);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Rows of the catalogue's tables in the database (0 when they are missing). */
async function countRows(url: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    url,
    `SELECT (SELECT count(*) FROM public.files) + (SELECT count(*) FROM public.tags) AS n`,
  ).catch(() => [{ n: '0' }]);
  return Number(row?.n);
}

/** One contestant's run; `failure` says why it does not count (an exit code, missing rows). */
interface Result {
  name: string;
  seconds: number;
  rows: number;
  rssMb: number | null;
  failure?: string;
}

const whichPgloader = async () => (await execa('sh', ['-c', 'command -v pgloader'], { reject: false })).stdout.trim();

const t0 = Date.now();
generateCatalogue(sqlitePath, 200_000 * scale);
const expectedRows = 200_000 * scale + 1_000_000 * scale;
console.log(
  `catalogue: ${sqlitePath} (${200_000 * scale} files, ${1_000_000 * scale} tags), ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
console.log(
  `load average before the run: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (${availableParallelism()} cores)`,
);
const plan = planOf(sqlitePath);
const server = await startEmbeddedPostgres();
const results: Result[] = [];
try {
  // Autovacuum would clean one contestant's tables while the next one runs.
  await query(server.url, 'ALTER SYSTEM SET autovacuum = off');
  await query(server.url, 'SELECT pg_reload_conf()');
  const exportDir = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
  const files = only === 'all' || only === 'ceiling' ? await exportTables(sqlitePath, plan, exportDir) : new Map<string, string>();
  const pgloader = await whichPgloader();
  /** Each contestant loads into `url` and returns its peak RSS (MB, null when not its own process) and why it failed, if it did. */
  const contestants: Record<string, (url: string) => Promise<{ rssMb: number | null; failure?: string }>> = {
    'sqlite-to-pg': async (url) => {
      const child = await execa(
        process.execPath,
        [join(here, 'step-child.js'), sqlitePath, url, join(exportDir, 'rejects'), String(parallel)],
        { reject: false, all: true },
      );
      if (child.exitCode !== 0) return { rssMb: null, failure: `exit ${child.exitCode}: ${child.all?.split('\n').slice(-3).join(' ')}` };
      return { rssMb: (JSON.parse(child.stdout) as { maxRssKb: number }).maxRssKb / 1024 };
    },
    pgloader: async (url) => {
      const sampler = new RssSampler();
      const child = execa(pgloader, ['--on-error-stop', `sqlite://${sqlitePath}`, url.replace(/^postgresql:/, 'pgsql:')], {
        reject: false,
        all: true,
      });
      if (child.pid) sampler.add(child.pid);
      const r = await child;
      return { rssMb: sampler.stop() / 1024, failure: r.exitCode === 0 ? undefined : `exit ${r.exitCode}` };
    },
    'ceiling (server COPY)': async (url) => {
      const failure = await ceilingLoad(url, plan, files, parallel).then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      return { rssMb: null, failure };
    },
  };
  const names = Object.keys(contestants).filter((n) => only === 'all' || n.startsWith(only));
  let previous: string | null = null;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      if (name === 'pgloader' && !pgloader) {
        console.log('pgloader not installed: skipped');
        continue;
      }
      const db = `bench_${name.replace(/\W/g, '_').toLowerCase()}_${round}`;
      const url = await freshDb(server.url, db, previous);
      previous = db;
      const start = process.hrtime.bigint();
      const r = await contestants[name]!(url);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // Counted by us, after the run, whatever the contestant says it loaded.
      const rows = await countRows(url);
      const failure = r.failure ?? (rows === expectedRows ? undefined : `${rows} of ${expectedRows} rows loaded`);
      results.push({ name, seconds, rows, rssMb: r.rssMb, failure });
      const rss = r.rssMb === null ? '    —' : r.rssMb.toFixed(0).padStart(5);
      console.log(
        `${name.padEnd(22)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds)
          .toLocaleString('en')
          .padStart(
            10,
          )} rows/s  peak RSS ${rss} MB  ${rows} rows${failure ? `  FAILED (${failure}): left out of best, median and ratios` : ''}`,
      );
    }
  }
} finally {
  await server.stop();
}
console.log(
  `load average after the run: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const sorted = (n: string) => results.filter((r) => r.name.startsWith(n) && !r.failure).sort((a, b) => a.seconds - b.seconds);
const best = (n: string) => sorted(n)[0];
const median = (n: string) => {
  const s = sorted(n);
  return s[Math.floor((s.length - 1) / 2)];
};
for (const [label, pick] of [
  ['best', best],
  ['median', median],
] as const) {
  const ours = pick('sqlite-to-pg');
  const loader = pick('pgloader');
  const ceiling = pick('ceiling');
  if (ours)
    console.log(
      `${label}: sqlite-to-pg ${ours.seconds.toFixed(2)} s${loader ? `, pgloader ${loader.seconds.toFixed(2)} s` : ''}${ceiling ? `, ceiling ${ceiling.seconds.toFixed(2)} s` : ''}`,
    );
  if (ours && loader) console.log(`  throughput vs pgloader: ${(loader.seconds / ours.seconds).toFixed(2)}x (target >= 2x)`);
  if (ours && ceiling) console.log(`  throughput vs ceiling:  ${((ceiling.seconds / ours.seconds) * 100).toFixed(0)}% (target >= 80%)`);
  if (ours && ceiling && ours.seconds < ceiling.seconds) {
    console.log(
      `  WARNING: the step (${ours.seconds.toFixed(2)} s) beat the ceiling (${ceiling.seconds.toFixed(2)} s): the ceiling is wrong — it must do what the step does with less; fix bench/transfer/ceiling.ts before trusting this ratio`,
    );
  }
}
const rss = Math.max(...results.filter((r) => r.name.startsWith('sqlite-to-pg') && r.rssMb !== null).map((r) => r.rssMb as number));
if (Number.isFinite(rss)) console.log(`peak RSS of the step (highest of the rounds): ${rss.toFixed(0)} MB (target < 200 MB)`);
