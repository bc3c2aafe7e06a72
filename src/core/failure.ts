/** Where an expected problem lies, for the operator: reaching the database, a statement, a stop, the data, a file. */
export type FailureKind = 'connect' | 'query' | 'cancelled' | 'data' | 'file';

/** An expected problem with a database or a file, worded for the operator: a value, never a stack trace. */
export interface Failure {
  readonly ok: false;
  readonly kind: FailureKind;
  /** What went wrong, in the operator's words (or the driver's own words, when `bare`). */
  readonly message: string;
  readonly hint?: string;
  /** Nothing the step made is worth keeping for a resume (running again meets the same problem): remove it. */
  readonly removeMade?: boolean;
  /** The message is the driver's or the file system's own sentence: the step says around it which work stopped. */
  readonly bare?: boolean;
}

/** A failure raised by deep code that must unwind (the transfer's pools); the step's edge reports its value. */
export class Failed extends Error {
  readonly failure: Failure;

  constructor(kind: FailureKind, message: string, hint?: string, more: Pick<Failure, 'removeMade' | 'bare'> = {}) {
    super(message);
    this.name = 'Failed';
    this.failure = { ok: false, kind, message, ...(hint === undefined ? {} : { hint }), ...more };
  }
}

/** The sentence of a step whose signal was aborted: the engine's reason is 'timeout' when the step's timeout expired, else Ctrl-C. */
export function stoppedMessage(signal: AbortSignal): string {
  return signal.reason === 'timeout' ? 'stopped after the timeout' : 'stopped: interrupted';
}
