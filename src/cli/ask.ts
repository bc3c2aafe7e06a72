import { createInterface } from 'node:readline/promises';
import type { OutStream } from '../core/out-stream.js';

/** Asks a yes/no question on the terminal; Ctrl-C (the signal) counts as no. */
export function terminalAsk(stdin: NodeJS.ReadableStream, out: OutStream) {
  return async (question: string, signal: AbortSignal): Promise<boolean> => {
    const rl = createInterface({ input: stdin, output: out.stream ?? (out as unknown as NodeJS.WritableStream), terminal: true });
    try {
      const answer = await rl.question(`\n${question} [y/N] `, { signal });
      return /^(y|yes)$/i.test(answer.trim());
    } catch {
      return false;
    } finally {
      rl.close();
    }
  };
}
