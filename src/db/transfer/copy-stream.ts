import type pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { Failed } from '../../core/failure.js';

/**
 * Bytes per write to the COPY stream. Every write is a CopyData message and two socket writes;
 * fewer, larger ones wake the server less often (with 64 KB writes, socket writes took 0.3 s of CPU for
 * the 100 MB of the benchmark; 0.1 s with 256 KB).
 */
const SEND = 1 << 18;

/** What the stream reports to: the table, its progress, the stop signal. */
interface SinkOwner {
  readonly table: string;
  readonly signal: AbortSignal;
  progress(done: number): void;
}

/** One table's COPY FROM STDIN: the stream, how it ended, the lines waiting to be sent, and the counts. */
export interface CopySink {
  readonly stream: CopyStreamQuery;
  readonly owner: SinkOwner;
  /** Rejects with the stream's error. */
  readonly failed: Promise<never>;
  readonly finished: Promise<void>;
  error: Error | undefined;
  /** Lines waiting to be sent, in order: JS-encoded text, then bytes (SQLite's batches and that text). */
  text: string;
  readonly parts: Uint8Array[];
  waiting: number;
  /** Rows sent to PostgreSQL (or waiting), and rows read from SQLite. */
  sent: number;
  seen: number;
  /** PostgreSQL has taken the whole COPY. */
  done: boolean;
}

/** Starts COPY FROM STDIN with `sql` on a client already inside a transaction. */
export function openCopy(client: pg.Client, sql: string, owner: SinkOwner): CopySink {
  const stream = client.query(copyFrom(sql));
  const sink: CopySink = {
    stream,
    owner,
    failed: new Promise<never>((_, reject) =>
      stream.on('error', (e: Error) => {
        sink.error = e;
        reject(e);
      }),
    ),
    finished: new Promise<void>((resolve) => stream.on('finish', () => resolve())),
    error: undefined,
    text: '',
    parts: [],
    waiting: 0,
    sent: 0,
    seen: 0,
    done: false,
  };
  sink.failed.catch(() => {});
  return sink;
}

/** Writes to the COPY stream, waiting while PostgreSQL catches up. */
async function write(sink: CopySink, data: Uint8Array): Promise<void> {
  if (sink.error) throw sink.error;
  if (sink.owner.signal.aborted) {
    sink.stream.destroy(new Error('aborted'));
    throw new Failed('cancelled', `the transfer was stopped while copying "${sink.owner.table}"`);
  }
  const more = sink.stream.write(data);
  sink.owner.progress(sink.seen);
  // The socket often takes a chunk straight into the kernel and never says "wait": yield
  // anyway, so tables loading side by side share the thread.
  if (!more) await Promise.race([new Promise((r) => sink.stream.once('drain', r)), sink.failed]);
  else await new Promise((r) => setImmediate(r));
}

function textToBytes(sink: CopySink): void {
  if (sink.text.length === 0) return;
  const bytes = Buffer.from(sink.text, 'utf8');
  sink.parts.push(bytes);
  sink.waiting += bytes.byteLength;
  sink.text = '';
}

/** Queues bytes already encoded as COPY lines (after the text queued before them). */
export function addBytes(sink: CopySink, bytes: Uint8Array): void {
  textToBytes(sink);
  sink.parts.push(bytes);
  sink.waiting += bytes.byteLength;
}

/** Sends what waits once it is big enough (or now, when `force`). */
export async function flush(sink: CopySink, force: boolean): Promise<void> {
  if (sink.waiting + sink.text.length < SEND && !(force && sink.waiting + sink.text.length > 0)) return;
  textToBytes(sink);
  const data = sink.parts.length === 1 ? (sink.parts[0] as Uint8Array) : Buffer.concat(sink.parts, sink.waiting);
  sink.parts.length = 0;
  sink.waiting = 0;
  await write(sink, data);
}

/** Sends the rest, ends the COPY and waits for PostgreSQL to take it. */
export async function endCopy(sink: CopySink): Promise<void> {
  await flush(sink, true);
  sink.stream.end();
  await Promise.race([sink.finished, sink.failed]);
  sink.done = true;
  sink.owner.progress(sink.seen);
}

/** Stops a COPY that ended early (a refused value, an abort, a reader that failed): the server must hear of it, or the transaction's ROLLBACK would wait behind a COPY that never ends. */
export function abandonCopy(sink: CopySink | undefined): void {
  if (sink && !sink.done && !sink.stream.destroyed) sink.stream.destroy(new Error('stopped'));
}
