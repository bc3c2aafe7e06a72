import type { Interrupts } from '../engine/interrupts.js';
import type { OutStream } from '../core/out-stream.js';

/** Everything the CLI touches of its process, so tests can run it in-process. */
export interface CliIO {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Signals (SIGINT, SIGTERM, SIGHUP) and uncaught errors delivered to a running command; the binary wires them here. */
  readonly interrupts?: Interrupts;
}

/** Exit codes, as documented in the README. */
export const exitCodes = {
  ok: 0,
  failedRolledBack: 1,
  /** Also used by `diff` for "the plans differ". */
  differ: 1,
  invalid: 2,
  /** An error runbook did not expect, outside a run (a run turns it into a failed step and rolls back). */
  internalError: 1,
  rollbackIncomplete: 3,
  /** 128 + the signal's number: 130 for SIGINT (Ctrl-C), 129 for SIGHUP, 143 for SIGTERM. */
  interrupted: 130,
} as const;

/**
 * Guards a terminal stream: at its first error (EPIPE from a closed pipe, EIO from a terminal that
 * went away) it stops writing there, so lost output never stops a run; `onBroken` hears of it once.
 */
export function terminalStream(stream: NodeJS.WriteStream, onBroken: (error: Error) => void): OutStream {
  let broken = false;
  stream.on('error', (e: Error) => {
    if (broken) return;
    broken = true;
    onBroken(e);
  });
  return {
    stream,
    write: (chunk: string) => !broken && !stream.destroyed && stream.write(chunk),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/** Whether to colour output: never with NO_COLOR, always with FORCE_COLOR, else only on a terminal. */
export function wantsColor(io: CliIO, alsoWhen = false): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true || alsoWhen;
}
