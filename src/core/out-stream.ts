/** A stream the CLI writes to (process.stdout, or a buffer in tests). */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  /** The guarded stream itself, for readline's prompts (its errors are still caught by the guard). */
  readonly stream?: NodeJS.WritableStream;
}
