import type { Interrupts } from '../engine/interrupts.js';

/** A stream the CLI writes to (process.stdout, or a buffer in tests). */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Everything the CLI touches of its process, so tests can run it in-process. */
export interface CliIO {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Ctrl-C presses delivered to a running command; the binary wires SIGINT here. */
  readonly interrupts?: Interrupts;
}

/** Exit codes, as documented in the README. */
export const exitCodes = {
  ok: 0,
  failedRolledBack: 1,
  /** Also used by `diff` for "the plans differ". */
  differ: 1,
  invalid: 2,
  rollbackIncomplete: 3,
  interrupted: 130,
} as const;

/** Whether to colour output: never with NO_COLOR, always with FORCE_COLOR, else only on a terminal. */
export function wantsColor(io: CliIO, alsoWhen = false): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true || alsoWhen;
}
