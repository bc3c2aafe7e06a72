#!/usr/bin/env node
// Wires the process to the CLI function; all behaviour lives in src/cli/main.ts.
import { main } from '../dist/cli/main.js';
import { terminalStream } from '../dist/cli/io.js';
import { Interrupts, signalNumbers, stopSignals } from '../dist/engine/interrupts.js';

// A closed pipe or a vanished terminal loses the output, never the run: the journal and report have it all.
const stderr = terminalStream(process.stderr, () => {});
const stdout = terminalStream(process.stdout, (e) => {
  stderr.write(`runbook: standard output is gone (${e.code ?? e.message}); the run goes on, and its journal and report have everything\n`);
});

const interrupts = new Interrupts();
// Ctrl-C, SIGTERM and SIGHUP (a dropped ssh session) never kill a run outright: the engine stops the
// step and rolls back (a second signal stops that). With no run listening, the signal ends the process.
for (const signal of stopSignals) {
  process.on(signal, () => {
    if (!interrupts.press(signal)) process.exit(128 + signalNumbers[signal]);
  });
}
// The last line of defence: an error nobody caught fails the running step and rolls back, instead
// of killing the process with the system half changed.
const uncaught = (error) => {
  const message = error instanceof Error ? error.message : String(error);
  if (interrupts.fault(`unexpected error: ${message}`)) return;
  stderr.write(`runbook: internal error: ${message}\n`);
  process.exit(2);
};
process.on('uncaughtException', uncaught);
process.on('unhandledRejection', uncaught);


const code = await main(process.argv.slice(2), {
  stdout,
  stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  interrupts,
});
process.exitCode = code;
// Open handles (a terminal prompt, a lingering socket) must not keep a finished run alive.
setTimeout(() => process.exit(code), 200).unref();
