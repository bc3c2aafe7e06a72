import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { runCli, startBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

/** A plan whose second step runs `middle`, with two finally steps that append to trail.txt. */
const plan = (middle: string, cleanup = 'echo cleanup-1 >> trail.txt') => `version: 1
name: with-cleanup
steps:
  - id: first
    kind: shell
    run: echo first >> trail.txt
    rollback:
      - kind: shell
        title: undo first
        run: echo undo-first >> trail.txt
  - id: middle
    kind: shell
    run: ${middle}
finally:
  - id: cleanup-1
    kind: shell
    run: ${cleanup}
  - id: cleanup-2
    kind: shell
    run: echo cleanup-2 >> trail.txt
`;

const trail = (dir: string) => readFileSync(join(dir, 'trail.txt'), 'utf8');
const ends = (events: RunEvent[]) =>
  events.filter((e): e is Extract<RunEvent, { type: 'step-end' }> => e.type === 'step-end').map((e) => `${e.step}:${e.status}`);

async function waitForFile(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 25));
}

describe('finally steps', () => {
  it('run in order after the steps succeed, each journaled, and the run exits 0', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('echo middle >> trail.txt'))], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(trail(ws.dir)).toBe('first\nmiddle\ncleanup-1\ncleanup-2\n');
    const events = ws.lastJournal();
    expect(ends(events)).toEqual(['first:succeeded', 'middle:succeeded', 'cleanup-1:succeeded', 'cleanup-2:succeeded']);
    expect(events[0]).toMatchObject({
      type: 'run-start',
      steps: [{ id: 'first' }, { id: 'middle' }, { id: 'cleanup-1', finally: true }, { id: 'cleanup-2', finally: true }],
    });
  });

  it('run after a failed step and its rollback; the run still exits 1 for the failed step', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('exit 7'))], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(trail(ws.dir)).toBe('first\nundo-first\ncleanup-1\ncleanup-2\n');
    const types = ws.lastJournal().map((e) => (e.type === 'step-end' ? `${e.type}:${e.step}` : e.type));
    expect(types.indexOf('rollback-end')).toBeLessThan(types.indexOf('step-end:cleanup-1'));
    expect(ws.lastJournal().at(-1)).toMatchObject({ type: 'run-end', status: 'failed-rolled-back', exitCode: 1, failedStep: 'middle' });
  });

  it('a failing finally step is reported and fails a run that succeeded (exit 1); the next finally step still runs', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('echo middle >> trail.txt', 'echo cannot-clean >&2; exit 4'))], {
      cwd: ws.dir,
    });
    expect(r.code).toBe(1);
    expect(trail(ws.dir)).toBe('first\nmiddle\ncleanup-2\n');
    expect(ws.lastJournal().at(-1)).toMatchObject({ type: 'run-end', status: 'succeeded', exitCode: 1, finallyFailed: ['cleanup-1'] });
    expect(r.stderr).toContain('runbook: finally step cleanup-1 failed: the cleanup it does is not done; check by hand (exit 1)');
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('# with-cleanup: succeeded; FINALLY STEP FAILED (cleanup-1)');
    expect(report).toContain('## Finally step failed: cleanup-1');
    expect(report).toContain('| 3 | cleanup-1 | shell | **failed** |');
  });

  it('a failing finally step never hides the first failure: the step that failed and its exit code stay', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('exit 7', 'exit 4'))], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(ws.lastJournal().at(-1)).toMatchObject({ status: 'failed-rolled-back', failedStep: 'middle', finallyFailed: ['cleanup-1'] });
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report.indexOf('## Failure: middle')).toBeGreaterThan(0);
    expect(report.indexOf('## Failure: middle')).toBeLessThan(report.indexOf('## Finally step failed: cleanup-1'));
  });

  it('run after a real SIGINT to a real runbook process, after the rollback, and the exit code stays 130', async () => {
    const ws = workspace();
    const run = startBin(['exec', ws.write('plan.yaml', plan('touch started; sleep 30'))], { cwd: ws.dir });
    await waitForFile(join(ws.dir, 'started'));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(trail(ws.dir)).toBe('first\nundo-first\ncleanup-1\ncleanup-2\n');
    expect(ends(ws.lastJournal()).slice(-2)).toEqual(['cleanup-1:succeeded', 'cleanup-2:succeeded']);
  });

  it('do not run after a second SIGINT: they are journaled as not run', async () => {
    const ws = workspace();
    const slowUndo = plan('touch started; sleep 30').replace('run: echo undo-first >> trail.txt', 'run: touch undo-started; sleep 30');
    const run = startBin(['exec', ws.write('plan.yaml', slowUndo)], { cwd: ws.dir });
    await waitForFile(join(ws.dir, 'started'));
    run.child.kill('SIGINT');
    await waitForFile(join(ws.dir, 'undo-started'));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(3);
    expect(trail(ws.dir)).toBe('first\n');
    const events = ws.lastJournal();
    expect(events.filter((e) => e.type === 'step-end' && e.step.startsWith('cleanup'))).toMatchObject([
      { step: 'cleanup-1', status: 'skipped', reason: 'not run: a second signal stopped the run' },
      { step: 'cleanup-2', status: 'skipped' },
    ]);
  });
});

describe('finally steps in reviews', () => {
  it('the dry run and explain list them after the steps, saying they always run', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan('echo middle'));
    const dry = await runCli(['plan', file], { cwd: ws.dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'finally (runs after the steps whatever happened: success, failure and rollback, Ctrl-C):\n3. cleanup-1 [shell]',
    );
    const explain = await runCli(['explain', '--format', 'markdown', file], { cwd: ws.dir });
    expect(explain.stdout).toContain('Finally, whatever happened (success, a failure and its rollback, Ctrl-C):\n\n3. cleanup-1');
    expect(explain.stdout).toContain('*Step `cleanup-2` · runs a command · finally: runs after the steps whatever happened*');
    expect(explain.stdout).toContain(
      '**If it fails:** the failure is reported and fails the run, but undoes nothing; the other finally steps still run.',
    );
  });
});
