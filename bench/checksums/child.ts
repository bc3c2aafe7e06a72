/**
 * One measured run in its own process, so its peak RSS is its own; prints JSON.
 *   child.js scan    SQLITE URL   — the anchor: count(*) and a full read of files and tags on both sides at once
 *   child.js compare SQLITE URL   — the count-compare step with verify: checksums
 */
import { withCountSession } from '../../src/db/compare/count.js';
import { countCompare } from '../../src/steps/count-compare.js';
import type { CountSession } from '../../src/db/compare/count.js';
import { stepContext } from '../../test/helpers/step-context.js';

const [mode, sqlitePath, pgUrl] = process.argv.slice(2) as [string, string, string];
const connections = {
  source: { name: 'source', type: 'sqlite' as const, path: sqlitePath },
  target: { name: 'target', type: 'postgres' as const, url: pgUrl },
};
const tables = ['files', 'tags'];

/** Counts and reads every row of the tables on one side, keeping nothing. */
async function scanSide(session: CountSession): Promise<number> {
  let rows = 0;
  for (const table of tables) {
    await session.countRows(table);
    const shape = await session.rows.shape(table);
    const reader = session.rows.read(
      table,
      shape.columns.map((c) => c.name),
      null,
    );
    for (let batch = await reader.next(); batch; batch = await reader.next()) rows += batch.length;
    await reader.close();
  }
  return rows;
}

const start = process.hrtime.bigint();
let rows = 0;
let ok = true;
let message = '';
if (mode === 'scan') {
  const options = { workDir: process.cwd(), signal: new AbortController().signal, schemas: null };
  const outcome = await withCountSession(connections.source, options, (source) =>
    withCountSession(connections.target, options, (target) => Promise.all([scanSide(source), scanSide(target)])),
  );
  if (!outcome.ok || !outcome.value.ok) throw new Error('scan failed');
  rows = outcome.value.value[0] + outcome.value.value[1];
} else {
  const r = await countCompare.run({ source: 'source', target: 'target', tables, verify: 'checksums' }, stepContext({ connections }));
  ok = r.ok;
  message = r.ok ? '' : r.message.split('\n').slice(0, 4).join(' | ');
  const found = r.outputs?.checksums as Record<string, { source_rows: number; target_rows: number }> | undefined;
  rows = Object.values(found ?? {}).reduce((n, t) => n + t.source_rows + t.target_rows, 0);
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${JSON.stringify({ seconds, rows, ok, message, maxRssKb: process.resourceUsage().maxRSS })}\n`);
