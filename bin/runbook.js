#!/usr/bin/env node
// Wires the process to the CLI function; all behaviour lives in src/cli/main.ts.
import { main } from '../dist/cli/main.js';
import { Interrupts } from '../dist/engine/interrupts.js';

const interrupts = new Interrupts();
// Ctrl-C never kills runbook outright: the engine stops the step and rolls back (a second press stops that).
process.on('SIGINT', () => interrupts.press());
process.on('SIGTERM', () => interrupts.press());

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  interrupts,
});
process.exitCode = code;
// Open handles (a terminal prompt, a lingering socket) must not keep a finished run alive.
setTimeout(() => process.exit(code), 200).unref();
