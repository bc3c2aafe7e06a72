/**
 * Benchmark of `count-compare` with `verify: checksums` on the 200k files + 1M tags catalogue,
 * against reading both sides once (count(*) and a full scan of both tables on both sides at once).
 * Prints seconds, rows/s, peak RSS and the ratios.
 *   bench/checksums/run.sh [--rounds 1]
 */
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../test/helpers/embedded-pg.js';
import { query } from '../../test/helpers/pg.js';
import { generateCatalogue } from '../transfer/generate.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const rounds = Number(arg('rounds', '1'));
const here = resolve(process.argv[1] ?? '.', '..');
const sqlitePath = join(process.cwd(), 'bench/data/catalogue-x1.db');

interface Run {
  seconds: number;
  rows: number;
  ok: boolean;
  message: string;
  maxRssKb: number;
}
const measure = async (mode: string, url: string): Promise<Run> =>
  JSON.parse((await execa(process.execPath, [join(here, 'child.js'), mode, sqlitePath, url])).stdout) as Run;
const show = (name: string, r: Run) =>
  console.log(
    `${name.padEnd(30)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(r.rows / r.seconds)
      .toLocaleString('en')
      .padStart(10)} rows/s  peak RSS ${(r.maxRssKb / 1024).toFixed(0).padStart(4)} MB  ${r.rows} rows${r.ok ? '' : `  -> ${r.message}`}`,
  );

generateCatalogue(sqlitePath, 200_000);
const server = await startEmbeddedPostgres();
const results: Record<string, Run[]> = { scan: [], equal: [], 'one row changed': [] };
try {
  const url = new URL(server.url);
  url.pathname = '/bench_checksums';
  await query(server.url, 'DROP DATABASE IF EXISTS bench_checksums');
  await query(server.url, 'CREATE DATABASE bench_checksums');
  const { noEffects, transfer } = await import('../../src/db/transfer/transfer.js');
  await transfer(
    {
      sqlitePath,
      pgUrl: url.toString(),
      mode: 'create',
      schema: 'public',
      cast: [],
      jsonType: 'json',
      onBadValue: 'fail',
      onOrphans: 'fail',
      ifExists: 'fail',
      parallel: 2,
      virtualTables: 'skip',
      rejectDir: join(mkdtempSync(join(tmpdir(), 'runbook-bench-')), 'rejects'),
      signal: new AbortController().signal,
      progress: () => {},
      warn: () => {},
    },
    noEffects('public'),
  );
  await query(url.toString(), 'VACUUM ANALYZE');
  for (let round = 0; round < rounds; round++) {
    const scan = await measure('scan', url.toString());
    results.scan?.push(scan);
    show('read both sides once', scan);
    const equal = await measure('compare', url.toString());
    results.equal?.push(equal);
    show('checksums, equal data', equal);
    await query(url.toString(), `UPDATE tags SET value = value || '.' WHERE id = 654321`);
    const changed = await measure('compare', url.toString());
    results['one row changed']?.push(changed);
    show('checksums, one row changed', changed);
    await query(url.toString(), `UPDATE tags SET value = left(value, -1) WHERE id = 654321`);
  }
} finally {
  await server.stop();
}
const best = (name: string) => Math.min(...(results[name] ?? []).map((r) => r.seconds));
console.log(`checksums / read once: ${(best('equal') / best('scan')).toFixed(2)}x (target <= 1.5x)`);
console.log(
  `narrowing one changed row: +${(((best('one row changed') - best('equal')) / best('equal')) * 100).toFixed(1)}% (target < 10%)`,
);
console.log(
  `peak RSS of the step: ${(Math.max(...[...(results.equal ?? []), ...(results['one row changed'] ?? [])].map((r) => r.maxRssKb)) / 1024).toFixed(0)} MB (target < 150 MB)`,
);
