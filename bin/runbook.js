#!/usr/bin/env node
// Wires the process to the CLI; all behaviour lives in src/cli/run-process.ts and src/cli/main.ts.
let runProcess;
try {
  ({ runProcess } = await import('../dist/cli/run-process.js'));
} catch (e) {
  // An unbuilt or broken checkout: one paragraph, never a stack trace.
  const { writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const log = `${tmpdir()}/runbook-crash-${Date.now()}-${process.pid}.log`;
  let where = `the full trace is in ${log}`;
  try {
    writeFileSync(log, `${e?.stack ?? e}\n`, { mode: 0o600 });
  } catch {
    where = 'its trace could not be written to a log';
  }
  process.stderr.write(
    `runbook: cannot load its compiled code: ${e?.message ?? e}\n  hint: in a checkout, run \`npm ci\` (or \`npm run build\`) first; ${where}\n`,
  );
  process.exitCode = 1;
}
if (runProcess) await runProcess(process.argv.slice(2));
