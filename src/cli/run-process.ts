import { Interrupts, signalNumbers, stopSignals } from '../engine/interrupts.js';
import { reportCrash } from './crash-report.js';
import { drained } from './drain.js';
import { exitCodes, terminalStream } from './io.js';
import type { OutStream } from '../core/out-stream.js';
import { main } from './main.js';

/** 128 + SIGPIPE (13): how a shell reports a command whose reader closed the pipe, like `cat` under `| head`. */
export const closedPipe = 141;

/** Exits with `code` once a reader of any speed has everything written to stdout and stderr. */
export async function exitDrained(code: number): Promise<void> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/**
 * The last line of defence: an error nobody caught fails the running step and rolls back, instead
 * of killing the process with the system half changed; with no run, it is said in one paragraph
 * (the trace goes to a log file) and the process exits 1.
 */
export function onUncaught(interrupts: Interrupts, argv: readonly string[], stderr: OutStream, exit: (code: number) => void): void {
  const uncaught = (error: unknown) => {
    if (interrupts.fault(`unexpected error: ${error instanceof Error ? error.message : String(error)}`)) return;
    reportCrash(error, argv, stderr);
    exit(exitCodes.internalError);
  };
  process.on('uncaughtException', uncaught);
  process.on('unhandledRejection', uncaught);
}

/** The process's working directory, or undefined when it was deleted (the system cannot name it then). */
function currentDirectory(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/**
 * Runs the CLI as this process: wires its streams, signals and last-resort error handlers, and
 * exits only after stdout and stderr have drained, so a slow reader gets every byte.
 */
export async function runProcess(argv: readonly string[]): Promise<void> {
  const interrupts = new Interrupts();
  const stderr = terminalStream(process.stderr, () => {});
  let stdoutClosed = false;
  let toldRunGoesOn = false;
  const tellRunGoesOn = (reason: string) => {
    toldRunGoesOn = true;
    stderr.write(`runbook: standard output is gone (${reason}); the run goes on, and its journal and report have everything\n`);
  };
  // A closed pipe or a vanished terminal loses the output, never a run: the journal and report have it all.
  // A command that only prints just ends quietly, as `cat` does under `| head`.
  const stdout = terminalStream(process.stdout, (e: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (interrupts.listening) tellRunGoesOn(e.code ?? e.message);
  });
  let exiting = false;
  const exit = (code: number) => {
    exiting = true;
    void exitDrained(code);
  };
  // Ctrl-C, SIGTERM and SIGHUP (a dropped ssh session) never kill a run outright: the engine stops the
  // step and rolls back (a second signal stops that). With no run listening, the signal ends the
  // process once the output is out; a second one does not wait for a reader that does not read.
  for (const signal of stopSignals) {
    process.on(signal, () => {
      if (interrupts.press(signal)) return;
      if (exiting) process.exit(128 + signalNumbers[signal]);
      exit(128 + signalNumbers[signal]);
    });
  }
  onUncaught(interrupts, argv, stderr, exit);

  const cwd = currentDirectory();
  if (cwd === undefined) {
    stderr.write(
      'runbook: the current directory no longer exists (it was deleted or moved away)\n  hint: cd to a directory that exists and run the command again\n',
    );
    exit(exitCodes.invalid);
    return;
  }
  const ran = await main(argv, { stdout, stderr, stdin: process.stdin, env: process.env, cwd, interrupts });
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // Only now is it known whether the reader took every byte.
  const code = stdoutClosed && !interrupts.listened ? closedPipe : ran;
  if (stdoutClosed && interrupts.listened && !toldRunGoesOn)
    stderr.write('runbook: standard output was closed before the run ended; its journal and report have everything\n');
  await drained(process.stderr);
  process.exitCode = code;
  // Open handles (a terminal prompt, a lingering socket) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 200).unref();
}
