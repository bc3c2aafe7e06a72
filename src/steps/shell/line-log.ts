import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** Where each line of a child's output stream goes. */
export interface LineLogOptions {
  /** The log file, created with mode 0600; lines are written masked. */
  /** Where the log goes; asked only when the first line arrives (the step directory is made on first use). */
  readonly file: () => string;
  readonly mask: (text: string) => string;
  /** Receives every masked line as it arrives (the live "latest line"). */
  readonly onLine: (masked: string) => void;
  /** How many bytes of raw text to keep in memory for outputs; 0 keeps none. */
  readonly captureBytes: number;
  /** How many of the last masked lines to keep for error messages. */
  readonly keepLast: number;
}

/** What a stream left behind once it ended. */
export interface LineLogResult {
  /** The first `captureBytes` of raw text, lines joined with "\n". */
  readonly captured: string;
  /** True when the stream had more than `captureBytes`. */
  readonly truncated: boolean;
  /** Total bytes of text seen (line terminators counted as one byte). */
  readonly bytes: number;
  readonly lastLines: readonly string[];
}

/** A longer line is cut into pieces of this many characters, so one endless line cannot fill memory. */
const MAX_LINE = 64 * 1024;

/** Splits a byte stream into lines (without "\n" or "\r\n"), decoding UTF-8 across chunk borders. */
async function* splitLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const end = nl > start && pending[nl - 1] === '\r' ? nl - 1 : nl;
      // A chunk may hold a whole long line when the reader fell behind: cut it the same way.
      for (let at = start; at + MAX_LINE < end; at += MAX_LINE) {
        yield pending.slice(at, at + MAX_LINE);
        start = at + MAX_LINE;
      }
      yield pending.slice(start, end);
      start = nl + 1;
    }
    pending = pending.slice(start);
    while (pending.length >= MAX_LINE) {
      yield pending.slice(0, MAX_LINE);
      pending = pending.slice(MAX_LINE);
    }
  }
  pending += decoder.end();
  if (pending !== '') yield pending;
}

/**
 * Reads a stream line by line into a masked log file, keeping only a capped prefix and the
 * last few lines in memory so a command with gigabytes of output costs no memory.
 */
export async function logLines(stream: Readable | null, options: LineLogOptions): Promise<LineLogResult> {
  // The file is made at the first line: most commands print little, and opening files is per-step cost.
  let out: WriteStream | undefined;
  const lastLines: string[] = [];
  let captured = '';
  let truncated = false;
  let bytes = 0;
  if (stream) {
    for await (const line of splitLines(stream)) {
      const size = Buffer.byteLength(line) + 1;
      if (bytes + size <= options.captureBytes) {
        captured += bytes === 0 ? line : `\n${line}`;
      } else {
        truncated = true;
      }
      bytes += size;
      const masked = options.mask(line);
      lastLines.push(masked);
      if (lastLines.length > options.keepLast) lastLines.shift();
      options.onLine(masked);
      out ??= createWriteStream(options.file(), { mode: 0o600, flags: 'w' });
      if (!out.write(`${masked}\n`)) await once(out, 'drain');
    }
  }
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  return { captured, truncated, bytes, lastLines };
}
