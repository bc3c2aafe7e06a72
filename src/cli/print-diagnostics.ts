import { readFileSync, statSync } from 'node:fs';
import { formatGithub, formatJson, formatText, type Diagnostic } from '../diagnostics/index.js';
import type { OutStream } from '../core/out-stream.js';

/** Output formats for findings. */
export type DiagnosticFormat = 'text' | 'json' | 'github';

/** Prints findings in the chosen format; text shows the offending source line under each. */
export function printDiagnostics(
  out: OutStream,
  list: readonly Diagnostic[],
  format: DiagnosticFormat,
  texts: ReadonlyMap<string, string> = new Map(),
): void {
  if (format === 'json') return void out.write(formatJson(list));
  if (format === 'github') return void out.write(formatGithub(list));
  const sources = new Map(texts);
  for (const d of list) {
    if (!sources.has(d.file)) {
      try {
        // A pipe was read once already; opening it again would wait for a writer that is gone.
        if (statSync(d.file).isFile()) sources.set(d.file, readFileSync(d.file, 'utf8'));
      } catch {
        // Findings about the command line or unreadable files have no source to show.
      }
    }
  }
  out.write(formatText(list, sources));
}
