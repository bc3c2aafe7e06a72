/**
 * Measures the hot loop alone: SQLite iteration, then iteration plus COPY encoding, per table
 * of the generated catalogue, with and without safe (bigint) integers.
 *   node bench/data/build/bench/transfer/encode.js [bench/data/catalogue-x1.db]
 */
import Database from 'better-sqlite3';
import { encoderFor, type Encoder } from '../../src/db/encode.js';
import { planTransfer } from '../../src/db/transfer-plan.js';

const db = new Database(process.argv[2] ?? 'bench/data/catalogue-x1.db', { readonly: true });
const plan = planTransfer(db, { schema: 'public', cast: [], jsonType: 'json' });
for (const t of plan.ddl.tables) {
  const cols = t.columns;
  const sql = `SELECT rowid, ${cols.map((c) => `"${c.name}"`).join(', ')} FROM "${t.source.name}"`;
  for (const safe of [true, false]) {
    let start = process.hrtime.bigint();
    let n = 0;
    for (const _ of db.prepare(sql).raw(true).safeIntegers(safe).iterate()) n++;
    const iterate = Number(process.hrtime.bigint() - start) / 1e6;
    const enc: Encoder[] = cols.map((c) => encoderFor(c));
    start = process.hrtime.bigint();
    let chunk = '';
    let bytes = 0;
    for (const row of db.prepare(sql).raw(true).safeIntegers(safe).iterate() as IterableIterator<unknown[]>) {
      let line = '';
      for (let i = 0; i < enc.length; i++) {
        const v = row[i + 1];
        const s = v === null ? '\\N' : (enc[i] as Encoder)(v);
        line = i === 0 ? (s ?? '') : `${line}\t${s ?? ''}`;
      }
      chunk += `${line}\n`;
      if (chunk.length >= 65536) { bytes += Buffer.byteLength(chunk); chunk = ''; }
    }
    const total = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`${t.source.name.padEnd(6)} safeIntegers=${String(safe).padEnd(5)} ${n} rows: iterate ${iterate.toFixed(0)} ms, iterate+encode+utf8 ${total.toFixed(0)} ms = ${Math.round((n / total) * 1000).toLocaleString('en')} rows/s, ${(bytes / 1e6).toFixed(0)} MB`);
  }
}
