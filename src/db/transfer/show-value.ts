/**
 * A failure the user can cause (bad value, orphan rows, existing tables, a changed source):
 * raised inside the transfer and turned into a StepResult with ok:false at the step's edge.
 */
export class TransferFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TransferFailure';
  }
}

/**
 * A value PostgreSQL cannot take, under on_bad_value: fail. Running again meets the same value,
 * so nothing the transfer made is worth keeping for a resume: the step removes it.
 */
export class BadValueFailure extends TransferFailure {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'BadValueFailure';
  }
}

/** A value shown in a message: quoted, cut at 60 characters, blobs as hex. */
export function showValue(v: unknown): string {
  if (Buffer.isBuffer(v)) return `x'${v.subarray(0, 24).toString('hex')}${v.length > 24 ? '…' : ''}'`;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  return String(v);
}
