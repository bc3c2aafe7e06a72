/** Runs one transfer in its own process, so its peak RSS is measured alone; prints JSON. */
import { noEffects, transfer } from '../../src/db/transfer/transfer.js';

const [sqlitePath, pgUrl, rejectDir, parallel] = process.argv.slice(2) as [string, string, string, string];
const report = await transfer(
  {
    sqlitePath,
    pgUrl,
    mode: 'create',
    schema: 'public',
    cast: [],
    jsonType: 'json',
    onBadValue: 'fail',
    onOrphans: 'fail',
    ifExists: 'fail',
    parallel: Number(parallel),
    virtualTables: 'skip',
    rejectDir,
    signal: new AbortController().signal,
    progress: () => {},
    warn: () => {},
  },
  noEffects('public'),
);
const rows = report.tables.reduce((n, t) => n + t.loaded, 0);
process.stdout.write(`${JSON.stringify({ rows, maxRssKb: process.resourceUsage().maxRSS })}\n`);
