import Database from 'better-sqlite3';
import { quoteIdent as q } from '../connections.js';
import type { RejectLog } from './copy-rejects.js';
import type { CopySink } from './copy-stream.js';
import { encoderFor, MAYBE_INVALID_UTF8, refusal, type Encoder, type Tally } from './encode.js';
import { Failed } from '../../core/failure.js';
import { showValue } from './show-value.js';
import type { ColumnMapping } from '../ddl/typemap.js';
import type { BadValuePolicy } from '../policies.js';

/** What the rows of one table are encoded for. */
interface RowSource {
  readonly sqlitePath: string;
  readonly table: string;
  readonly columns: readonly ColumnMapping[];
  readonly withoutRowid: boolean;
  readonly primaryKey: readonly string[];
  readonly onBadValue: Exclude<BadValuePolicy, 'widen'>;
  readonly rejects: RejectLog;
  readonly refused?: ReadonlyMap<string, string>;
}

/** Turns one table's rows (rowid first, unless WITHOUT ROWID) into COPY lines; counts the values it converts. */
export interface RowCodec {
  readonly job: RowSource;
  /** Where the columns start in a row: after the rowid. */
  readonly offset: number;
  readonly encoders: readonly Encoder[];
  /** The same encoders, for text whose U+FFFD SQLite stored as such (checked in its bytes). */
  readonly trusted: readonly Encoder[];
  readonly tallies: readonly Tally[];
  /** A second connection for the bytes of a value, opened on first need. */
  lookup: Database.Database | undefined;
}

/** Makes the codec of a table's columns. */
export function rowCodec(job: RowSource): RowCodec {
  const tallies: Tally[] = job.columns.map(() => new Map());
  return {
    job,
    offset: job.withoutRowid ? 0 : 1,
    tallies,
    encoders: job.columns.map((c, i) => encoderFor(c, { tally: tallies[i] })),
    trusted: job.columns.map((c, i) => encoderFor(c, { trustFffd: true, tally: tallies[i] })),
    lookup: undefined,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where a row is, for messages and reject files: `rowid 42` or `key (a=1, b=2)`. */
export function rowWhere({ job, offset }: RowCodec, row: unknown[]): string {
  return job.withoutRowid
    ? `key (${job.primaryKey.map((k) => `${k}=${showValue(row[offset + job.columns.findIndex((c) => c.name === k)])}`).join(', ')})`
    : `rowid ${String(row[0])}`;
}

/** A value's bytes as stored. better-sqlite3 keeps a connection busy while iterating, so they are read on a second one. */
function storedBytes(codec: RowCodec, row: unknown[], column: string): Buffer | null {
  const { job, offset } = codec;
  codec.lookup ??= new Database(job.sqlitePath, { readonly: true, fileMustExist: true });
  const cond = job.withoutRowid ? job.primaryKey.map((k) => `${q(k)} = ?`).join(' AND ') : 'rowid = ?';
  const args = job.withoutRowid ? job.primaryKey.map((k) => row[offset + job.columns.findIndex((c) => c.name === k)]) : [row[0]];
  const r = codec.lookup
    .prepare(`SELECT CAST(${q(column)} AS BLOB) FROM ${q(job.table)} WHERE ${cond}`)
    .raw(true)
    .safeIntegers(true)
    .get(...args) as [Buffer] | undefined;
  return r ? r[0] : null;
}

/** Writes a row to the reject file with its reason. */
function reject(codec: RowCodec, row: unknown[], column: string | null, reason: string): void {
  const { job, offset } = codec;
  job.rejects.add({
    table: job.table,
    where: rowWhere(codec, row),
    column,
    reason,
    row: Object.fromEntries(job.columns.map((c, i) => [c.name, row[i + offset]])),
  });
}

/** The row's COPY line, or null when it was written to the reject file; throws under on_bad_value: fail (stopping the COPY). */
export function encodeRow(codec: RowCodec, sink: CopySink, row: unknown[]): string | null {
  const { job, offset, encoders } = codec;
  if (job.refused !== undefined && job.refused.size > 0) {
    const why = job.refused.get(rowWhere(codec, row));
    if (why !== undefined) {
      reject(codec, row, null, why);
      return null;
    }
  }
  let line = '';
  const n = encoders.length;
  for (let i = 0; i < n; i++) {
    const v = row[i + offset];
    let s: string | undefined;
    if (v === null) s = '\\N';
    else {
      s = (encoders[i] as Encoder)(v);
      if (s === undefined && refusal.reason === MAYBE_INVALID_UTF8) s = encodeIfValidUtf8(codec, row, i);
      if (s === undefined) return refuseValue(codec, sink, row, i);
    }
    line = i === 0 ? s : `${line}\t${s}`;
  }
  return line;
}

/** Text SQLite may hold as invalid UTF-8: encoded when its stored bytes are valid after all, else refused as such. */
function encodeIfValidUtf8(codec: RowCodec, row: unknown[], i: number): string | undefined {
  const bytes = storedBytes(codec, row, (codec.job.columns[i] as ColumnMapping).name);
  try {
    if (bytes) utf8.decode(bytes);
  } catch {
    refusal.reason = 'is not valid UTF-8';
    return undefined;
  }
  return (codec.trusted[i] as Encoder)(row[i + codec.offset]);
}

/** A value its column's encoder refused (the reason in `refusal`): the row is rejected, or the COPY stops under on_bad_value: fail. */
function refuseValue(codec: RowCodec, sink: CopySink, row: unknown[], badColumn: number): null {
  const { job, offset } = codec;
  const col = job.columns[badColumn] as ColumnMapping;
  if (job.onBadValue === 'fail') {
    sink.stream.destroy(new Error('stopped at a refused value'));
    throw new Failed(
      'data',
      `table "${job.table}", ${rowWhere(codec, row)}, column "${col.name}" (${col.pgType}): the value ${showValue(row[badColumn + offset])} ${refusal.reason}.`,
      'Fix the value in SQLite, add a cast rule for the column, or set on_bad_value: reject to write such rows to a reject file.',
      { removeMade: true },
    );
  }
  reject(codec, row, col.name, refusal.reason);
  return null;
}
