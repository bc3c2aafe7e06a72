import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutStream } from '../core/out-stream.js';

/** What the user sees of an error runbook did not expect, and where its full trace went. */
export interface CrashReport {
  /** The paragraph printed on stderr. */
  readonly text: string;
  /** The log file with the full trace, when it could be written. */
  readonly logFile?: string;
}

// A --var value or a URL's password may be a secret; the log keeps neither.
const maskArgv = (argv: readonly string[]): string[] =>
  argv.map((a, i) => (argv[i - 1] === '--var' ? a.replace(/=.*/s, '=***') : a.replace(/^(--var=[^=]*)=.*/s, '$1=***')));
const maskUrls = (text: string): string => text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@]*@/gi, '$1***@');

/**
 * Says an unexpected error in one paragraph — what failed, that it is runbook's fault, where the
 * full trace is — and writes the trace to a log file in the OS temp directory (mode 0600).
 */
export function reportCrash(error: unknown, argv: readonly string[], stderr: OutStream, now = new Date()): CrashReport {
  const err = error instanceof Error ? error : new Error(String(error));
  const command = argv.find((a) => !a.startsWith('-')) ?? '';
  const logFile = join(tmpdir(), `runbook-crash-${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  const log = `runbook ${maskArgv(argv).join(' ')}\nat ${now.toISOString()} in ${process.cwd()}, node ${process.version}\n\n${maskUrls(err.stack ?? err.message)}\n`;
  let where: string;
  let written = true;
  try {
    writeFileSync(logFile, log, { mode: 0o600 });
    where = `the full trace is in ${logFile}`;
  } catch (e) {
    written = false;
    where = `its trace could not be written to ${logFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run again with --debug to see it`;
  }
  const text = `runbook: internal error${command ? ` in \`runbook ${command}\`` : ''}: ${maskUrls(err.message)}\n  hint: runbook did not expect this; ${where} — please include it when you report it\n${argv.includes('--debug') ? `${maskUrls(err.stack ?? '')}\n` : ''}`;
  stderr.write(text);
  return { text, ...(written && { logFile }) };
}
