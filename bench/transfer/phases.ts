/**
 * Times the phases of one transfer of the generated catalogue (plan, load per table, after-load)
 * from its progress calls, with a CPU profile when --cpu-prof is given to node.
 *   node bench/data/build/bench/transfer/phases.js [scale]
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startEmbeddedPostgres } from '../../test/helpers/embedded-pg.js';
import { query } from '../../test/helpers/pg.js';
import { noEffects, transfer } from '../../src/db/transfer/transfer.js';
import { generateCatalogue } from './generate.js';

const scale = Number(process.argv[2] ?? '1');
const sqlitePath = join(process.cwd(), `bench/data/catalogue-x${scale}.db`);
generateCatalogue(sqlitePath, 200_000 * scale);
const server = await startEmbeddedPostgres();
try {
  await query(server.url, 'DROP DATABASE IF EXISTS bench_phases');
  await query(server.url, 'CREATE DATABASE bench_phases');
  const u = new URL(server.url);
  u.pathname = '/bench_phases';
  const start = Date.now();
  const seconds = () => ((Date.now() - start) / 1000).toFixed(2);
  const first = new Map<string, string>();
  const report = await transfer(
    {
      sqlitePath,
      pgUrl: u.toString(),
      mode: 'create',
      schema: 'public',
      cast: [],
      jsonType: 'json',
      onBadValue: 'fail',
      onOrphans: 'fail',
      ifExists: 'fail',
      parallel: 2,
      virtualTables: 'skip',
      rejectDir: mkdtempSync(join(tmpdir(), 'rb-phases-')),
      signal: new AbortController().signal,
      warn: () => {},
      progress: (table, done, total) => {
        if (!first.has(table)) {
          first.set(table, seconds());
          console.log(`${seconds()} s  ${table}: first chunk`);
        }
        if (done === total) console.log(`${seconds()} s  ${table}: all ${total} rows sent`);
      },
    },
    noEffects('public'),
  );
  console.log(`${seconds()} s  done: ${report.tables.map((t) => `${t.table} ${t.loaded}`).join(', ')}`);
  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  const m = process.memoryUsage();
  console.log(
    `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}; now rss ${mb(m.rss)}, heap ${mb(m.heapTotal)}, external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)}`,
  );
} finally {
  await server.stop();
}
