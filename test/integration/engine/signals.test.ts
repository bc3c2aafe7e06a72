import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { startBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

/** Waits until a file exists: the plan's commands touch one when they are really running. */
async function waitForFile(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 25));
}

/** A finished step whose rollback removes the file it made. */
const firstStep = `  - id: first
    kind: shell
    run: touch first
    rollback:
      - kind: shell
        title: remove first
        run: rm first
`;

const interrupts = (events: RunEvent[]) =>
  events
    .filter((e): e is Extract<RunEvent, { type: 'interrupt' }> => e.type === 'interrupt')
    .map(({ count, signal, during }) => ({ count, signal, during }));

describe('a signal during a step (real process, real signal)', () => {
  const plan = `version: 1
name: signalled
steps:
${firstStep}  - id: long
    kind: shell
    run: touch started; sleep 30
`;

  it.each([
    ['SIGHUP', 129],
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s stops the step, rolls back, journals the signal by name and exits %i', async (signal, code) => {
    const ws = workspace();
    const run = startBin(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir });
    await waitForFile(join(ws.dir, 'started'));
    run.child.kill(signal);
    expect(await run.exited).toBe(code);
    expect(existsSync(join(ws.dir, 'first'))).toBe(false);
    const events = ws.lastJournal();
    expect(interrupts(events)).toEqual([{ count: 1, signal, during: 'step long' }]);
    expect(events.find((e) => e.type === 'rollback-start')).toMatchObject({ reason: `interrupted by ${signal}` });
    expect(events.find((e) => e.type === 'rollback-end')).toMatchObject({ complete: true, failed: [] });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted', exitCode: code });
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('# signalled: interrupted, rolled back');
    expect(report).toContain(`- ${signal} (#1) during step long at `);
    expect(run.output.stdout).toContain(`interrupted (${signal}): stopping the running step, then rolling back`);
  });
});

describe('a second signal during the rollback (real process, real signals)', () => {
  const plan = `version: 1
name: stopped-rollback
steps:
${firstStep}  - id: second
    kind: shell
    run: touch second
    rollback:
      - kind: shell
        title: slow undo of second
        run: touch undo-started; sleep 30; rm second
  - id: long
    kind: shell
    run: touch started; sleep 30
`;

  it.each([
    ['SIGINT', 'SIGINT'],
    ['SIGTERM', 'SIGTERM'],
    ['SIGINT', 'SIGTERM'],
  ] as const)('%s then %s: the second stops the rollback, both are journaled, and the exit code is 3', async (first, second) => {
    const ws = workspace();
    const run = startBin(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir });
    await waitForFile(join(ws.dir, 'started'));
    run.child.kill(first);
    await waitForFile(join(ws.dir, 'undo-started'));
    run.child.kill(second);
    expect(await run.exited).toBe(3);
    // Nothing after the second signal ran: both changes are still there.
    expect(existsSync(join(ws.dir, 'second'))).toBe(true);
    expect(existsSync(join(ws.dir, 'first'))).toBe(true);
    const events = ws.lastJournal();
    expect(interrupts(events)).toEqual([
      { count: 1, signal: first, during: 'step long' },
      { count: 2, signal: second, during: 'rollback' },
    ]);
    const actions = events
      .filter((e) => e.type === 'rollback-action-end')
      .map((e) => ({ step: e.step, status: e.status, reason: e.reason }));
    expect(actions).toEqual([
      { step: 'second', status: 'failed', reason: undefined },
      { step: 'first', status: 'skipped', reason: 'rollback stopped by a second signal' },
    ]);
    const end = events.find((e): e is Extract<RunEvent, { type: 'rollback-end' }> => e.type === 'rollback-end');
    expect(end).toMatchObject({ complete: false });
    expect(end?.byHand).toEqual([
      expect.stringMatching(/^second: run its rollback actions by hand \(slow undo of second;/),
      expect.stringMatching(/^first: run its rollback actions by hand \(remove first;/),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted-rollback-incomplete', exitCode: 3 });
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('# stopped-rollback: interrupted, ROLLBACK INCOMPLETE — needs a human');
    expect(report).toContain(`- ${second} (#2) during rollback at `);
    expect(report).toContain('## Still changed: undo by hand');
    expect(run.output.stderr).toContain('runbook: not everything was undone (exit 3); still changed, newest first:\n  - second: ');
  });
});

describe('a rollback stopped before .env was restored', () => {
  it('says in the journal, the report and on stderr that .env is still switched, with a command that restores it', async () => {
    const ws = workspace();
    const original = 'DATABASE_URL=sqlite:///catalogue.db\n';
    writeFileSync(join(ws.dir, '.env'), original);
    const plan = ws.write(
      'plan.yaml',
      `version: 1
name: switched
steps:
  - id: switch-env
    kind: env-switch
    file: .env
    set: { DATABASE_URL: "postgresql://app@127.0.0.1:5432/app" }
  - id: restart
    kind: shell
    run: "true"
    rollback:
      - kind: shell
        title: slow restart on SQLite
        run: touch undo-started; sleep 30
  - id: long
    kind: shell
    run: touch started; sleep 30
`,
    );
    const run = startBin(['exec', plan], { cwd: ws.dir });
    await waitForFile(join(ws.dir, 'started'));
    run.child.kill('SIGINT');
    await waitForFile(join(ws.dir, 'undo-started'));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(3);
    expect(readFileSync(join(ws.dir, '.env'), 'utf8')).toContain('postgresql://');
    const end = ws.lastJournal().find((e): e is Extract<RunEvent, { type: 'rollback-end' }> => e.type === 'rollback-end');
    const line = end?.byHand?.find((l) => l.startsWith('switch-env: '));
    const backup = join(ws.lastRunDir(), 'steps', '01-switch-env', 'original.env');
    expect(line).toBe(`switch-env: ${join(ws.dir, '.env')} is still switched; to undo: cp '${backup}' '${join(ws.dir, '.env')}'`);
    expect(run.output.stderr).toContain(`  - ${line}\n`);
    expect(readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8')).toContain(`- ${line}\n`);
    // The command works as written.
    execFileSync('/bin/sh', ['-c', line!.slice(line!.indexOf('to undo: ') + 'to undo: '.length)]);
    expect(readFileSync(join(ws.dir, '.env'), 'utf8')).toBe(original);
  });
});
