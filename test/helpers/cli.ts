import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { StepKindRegistry } from '../../src/steps/kind.js';

/** What a CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured streams (not a terminal). */
export async function runCli(
  argv: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; kinds?: StepKindRegistry } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      cwd: options.cwd ?? process.cwd(),
    },
    ...(options.kinds ? [options.kinds] : []),
  );
  return { code, stdout, stderr };
}

/** Runs the built binary (`bin/runbook.js`, from `npm run build`) as a real child process. */
export function runBin(
  argv: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; input?: string; bin?: string } = {},
): Promise<CliResult> {
  const bin = options.bin ?? resolve('bin/runbook.js');
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [bin, ...argv],
      {
        cwd: options.cwd ?? process.cwd(),
        env: { ...process.env, NO_COLOR: '1', ...options.env } as NodeJS.ProcessEnv,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** A CLI process started in the background, for tests that signal it or close its pipes while it runs. */
export interface RunningBin {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the process printed so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit code, or the signal's name when a signal killed it. */
  readonly exited: Promise<number | string>;
}

/** Starts the built binary as a real process with piped stdio (not a terminal, so plain output). */
export function startBin(argv: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): RunningBin {
  const child = spawn(process.execPath, [resolve('bin/runbook.js'), ...argv], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...options.env } as NodeJS.ProcessEnv,
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  return { child, output, exited };
}
