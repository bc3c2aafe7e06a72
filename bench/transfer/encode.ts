/**
 * Measures the hot loop alone, per table of the generated catalogue: SQLite iteration, iteration
 * plus the JS encoders (the path of rows SQL cannot vouch for), and SQLite's own batches of COPY
 * lines with their checks (the path clean rows take).
 *   node bench/data/build/bench/transfer/encode.js [bench/data/catalogue-x1.db]
 */
import Database from 'better-sqlite3';
import { quoteIdent } from '../../src/db/connections.js';
import { batchesHere, READ_CACHE_KB } from '../../src/db/transfer/copy-batches.js';
import { batchSql, tableSql } from '../../src/db/transfer/encode-sql.js';
import { encoderFor, type Encoder } from '../../src/db/transfer/encode.js';
import { planTransfer } from '../../src/db/transfer/plan.js';

const sqlitePath = process.argv[2] ?? 'bench/data/catalogue-x1.db';
const db = new Database(sqlitePath, { readonly: true });
db.pragma(`cache_size = -${READ_CACHE_KB}`);
const plan = planTransfer(db, { schema: 'public', cast: [], jsonType: 'json' });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const rate = (n: number, t: number) => `${Math.round((n / t) * 1000).toLocaleString('en')} rows/s`;
for (const t of plan.ddl.tables) {
  const cols = t.columns;
  const name = t.source.name;
  const sql = `SELECT rowid, ${cols.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(name)}`;
  let start = process.hrtime.bigint();
  let n = 0;
  for (const _ of db.prepare(sql).raw(true).safeIntegers(true).iterate()) n++;
  const iterate = ms(start);
  const enc: Encoder[] = cols.map((c) => encoderFor(c));
  start = process.hrtime.bigint();
  let chunk = '';
  for (const row of db.prepare(sql).raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>) {
    let line = '';
    for (let i = 0; i < enc.length; i++) {
      const v = row[i + 1];
      const s = v === null ? '\\N' : (enc[i] as Encoder)(v);
      line = i === 0 ? (s ?? '') : `${line}\t${s ?? ''}`;
    }
    chunk += `${line}\n`;
    if (chunk.length >= 65536) {
      Buffer.byteLength(chunk);
      chunk = '';
    }
  }
  const js = ms(start);
  console.log(`${name.padEnd(6)} ${n} rows: iterate ${iterate.toFixed(0)} ms; iterate + JS encoders ${js.toFixed(0)} ms = ${rate(n, js)}`);
  const fast = tableSql(cols);
  if (!fast) continue;
  db.exec('BEGIN');
  start = process.hrtime.bigint();
  let clean = 0;
  let bytes = 0;
  const batches = batchesHere(db, {
    sqlitePath,
    sql: batchSql(name, fast, null),
    pattern: fast.pattern,
  });
  for await (const b of batches) {
    if (b.text) {
      clean += b.cleanRows;
      bytes += b.text.byteLength;
    }
  }
  const batched = ms(start);
  db.exec('COMMIT');
  console.log(
    `${' '.repeat(6)} SQLite batches + checks ${batched.toFixed(0)} ms = ${rate(n, batched)} (${clean} clean rows, ${(bytes / 1e6).toFixed(0)} MB)`,
  );
}
