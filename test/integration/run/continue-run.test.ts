// A run's lifecycle after it ended or died: its state rebuilt from the journal alone, `runbook
// rollback` from a separate process, and a new run refused while one of the same plan is unfinished.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { readJournal } from '../../../src/run/journal.js';
import { listRuns } from '../../../src/run/list-runs.js';
import { rebuildRun } from '../../../src/run/run-state.js';
import { runBin, startBin } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

/** The head of the test plans: a secret var, a var with a default, and the start of step `one`. */
const head = (name: string) => `version: 1
name: ${name}
vars:
  token: { secret: true, env: FILES_TOKEN, required: true }
  word: { default: hi }
steps:
  - id: one
    kind: shell
`;

/** Two steps that make files; each rollback removes its file and logs what it used. `second` can be made slow. */
const plan = (second = 'echo made > two.txt', undoSecond = 'rm two.txt') => `${head('files')}    run: echo made > one.txt; echo "value=42"
    outputs:
      value: { regex: "^value=(.+)$" }
    rollback:
      - kind: shell
        run: rm one.txt; echo "undo one {{steps.one.outputs.value}} {{vars.word}} {{vars.token}}" >> undo.log
  - id: two
    kind: shell
    run: ${second}
    rollback:
      - kind: shell
        run: ${undoSecond}; echo "undo two" >> undo.log
`;

const env = { FILES_TOKEN: 'tok-Secr3t' };
const runId = (ws: Workspace) => listRuns(ws.dir)[0]!.id;
const stateOf = (ws: Workspace) => rebuildRun(ws.lastJournal())!;

/** Starts `exec` as a real process and kills it with SIGKILL once the journal has the event. */
async function killedAt(ws: Workspace, file: string, at: (e: RunEvent) => boolean): Promise<void> {
  const run = startBin(['exec', file, '--var', 'word=yo'], { cwd: ws.dir, env });
  await ws.waitForEvent(at);
  run.child.kill('SIGKILL');
  expect(await run.exited).toBe('SIGKILL');
  // The killed runner left its lock: taking it over is the operator's explicit step, for that run only.
  const id = runId(ws);
  const wrong = await runBin(['unlock', 'nope'], { cwd: ws.dir });
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toBe(
    `runbook: the lock ${join(ws.dir, '.runbook', 'lock')} is held by run ${id}, not by run nope; nothing was taken over\n  hint: run "runbook unlock" without a run id to see who holds it\n`,
  );
  expect((await runBin(['unlock', id], { cwd: ws.dir })).code).toBe(0);
}

const stepStart = (id: string) => (e: RunEvent) => e.type === 'step-start' && e.step === id;

/** A fresh workspace with a run of the plan killed while its slow second step runs. */
async function crashedAtTwo(): Promise<{ ws: Workspace; file: string }> {
  const ws = workspace();
  const file = ws.write('plan.yaml', plan('touch started; sleep 30'));
  await killedAt(ws, file, stepStart('two'));
  return { ws, file };
}

describe('a run rebuilt from its journal alone', () => {
  it('knows the finished steps with their outputs and undo, the step that was running, and survives a torn last line', async () => {
    const { ws } = await crashedAtTwo();
    const state = stateOf(ws);
    expect(state.finished.map((f) => [f.id, f.outputs.value])).toEqual([['one', '42']]);
    expect(state.running).toMatchObject({ id: 'two', index: 1, kind: 'shell' });
    expect(state.phase).toEqual({ type: 'crashed', step: 'two', during: 'step' });
    // The takeover of its lock is part of the run's story.
    expect(ws.lastJournal().find((e) => e.type === 'lock-taken-over')).toMatchObject({
      holderWas: 'gone',
      forced: false,
      lock: join(ws.dir, '.runbook', 'lock'),
    });
    // A process that died writing its last line leaves half of it.
    appendFileSync(join(ws.lastRunDir(), 'journal.jsonl'), '{"type":"step-end","at":"2026');
    expect(stateOf(ws)).toEqual(state);
    const runs = await runBin(['runs'], { cwd: ws.dir });
    const id = runId(ws);

    expect(runs.stdout).toBe(
      `${id}  crashed at two\n  next: continue it: runbook resume ${id} · or undo what it did: runbook rollback ${id}\n`,
    );
  });

  it('tells succeeded, failed and rolled back, and failed and kept apart in `runbook runs`', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan());
    expect((await runBin(['exec', file], { cwd: ws.dir, env })).code).toBe(0);
    const ok = runId(ws);
    expect((await runBin(['exec', file, '--fail-at', 'two'], { cwd: ws.dir, env })).code).toBe(1);
    const rolledBack = runId(ws);
    expect((await runBin(['exec', file, '--fail-at', 'two', '--no-rollback'], { cwd: ws.dir, env })).code).toBe(3);
    const kept = runId(ws);
    const runs = await runBin(['runs'], { cwd: ws.dir });
    expect(runs.stdout).toBe(
      `${kept}  failed at two, kept (--no-rollback) (exit 3)\n  next: undo what is still changed: runbook rollback ${kept}\n${rolledBack}  failed at two, rolled back (exit 1)\n${ok}  succeeded (exit 0)\n`,
    );
  });
});

describe('runbook rollback RUN (a separate process, later)', () => {
  it('undoes a successful run newest first with the recorded outputs and vars, journals it into the run, and refuses a second time', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan());
    expect((await runBin(['exec', file, '--var', 'word=yo'], { cwd: ws.dir, env })).code).toBe(0);
    const id = runId(ws);
    const missing = await runBin(['rollback', id], { cwd: ws.dir, env: { FILES_TOKEN: undefined } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('runbook: secret vars (token) are never recorded: give them again in their environment variables');
    const r = await runBin(['rollback', id], { cwd: ws.dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(ws.dir, 'one.txt')) || existsSync(join(ws.dir, 'two.txt'))).toBe(false);
    expect(readFileSync(join(ws.dir, 'undo.log'), 'utf8')).toBe('undo two\nundo one 42 yo tok-Secr3t\n');
    const events = readJournal(join(ws.lastRunDir(), 'journal.jsonl'));
    expect(events.filter((e) => e.type === 'run-continue')).toMatchObject([{ mode: 'rollback', planChanged: false }]);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'rolled-back', exitCode: 0 });
    expect(readFileSync(join(ws.lastRunDir(), 'journal.jsonl'), 'utf8')).not.toContain('tok-Secr3t');
    expect(readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8')).toContain(
      '# files: rolled back later (runbook rollback): every finished step was undone',
    );
    expect((await runBin(['runs'], { cwd: ws.dir })).stdout).toBe(`${id}  rolled back later (exit 0)\n`);

    const again = await runBin(['rollback', id], { cwd: ws.dir, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `runbook: run ${id} is rolled back already (rolled back later); a second rollback is refused\n  hint: see what was undone with "runbook show ${id}"\n`,
    );
  });

  it('undoes a run kept by --no-rollback, and refuses one that rolled back by itself', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan('echo made > two.txt; exit 4'));
    expect((await runBin(['exec', file, '--no-rollback'], { cwd: ws.dir, env })).code).toBe(3);
    expect(existsSync(join(ws.dir, 'one.txt'))).toBe(true);
    const r = await runBin(['rollback', 'last'], { cwd: ws.dir, env });
    expect(r.code).toBe(0);
    // Only the step that finished is undone: the failed one left no undo.
    expect(readFileSync(join(ws.dir, 'undo.log'), 'utf8')).toBe('undo one 42 hi tok-Secr3t\n');
    expect(existsSync(join(ws.dir, 'one.txt'))).toBe(false);

    expect((await runBin(['exec', file], { cwd: ws.dir, env })).code).toBe(1);
    const refused = await runBin(['rollback', 'last'], { cwd: ws.dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is rolled back already (failed at two, rolled back); a second rollback is refused');
  });

  it('undoes a crashed run, says what the running step may have left, and a rollback killed itself is finished by the next', async () => {
    const ws = workspace();
    // The first rollback of `two` hangs (and is killed); the second goes straight through.
    const file = ws.write(
      'plan.yaml',
      plan('echo made > two.txt', 'if [ ! -e rb.started ]; then touch rb.started; sleep 30; fi; rm two.txt'),
    );
    expect((await runBin(['exec', file], { cwd: ws.dir, env })).code).toBe(0);
    const id = runId(ws);
    const first = startBin(['rollback', id], { cwd: ws.dir, env });
    await ws.waitForEvent((e) => e.type === 'rollback-action-start' && e.step === 'two');
    // The action is really running (and marked so the next rollback goes straight through) before the kill.
    while (!existsSync(join(ws.dir, 'rb.started'))) await new Promise((r) => setTimeout(r, 25));
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await runBin(['unlock'], { cwd: ws.dir })).code).toBe(0);
    expect(stateOf(ws).phase).toEqual({ type: 'crashed', during: 'rollback' });
    expect((await runBin(['runs'], { cwd: ws.dir })).stdout).toBe(
      `${id}  crashed during its rollback\n  next: finish its rollback: runbook rollback ${id}\n`,
    );
    const refused = await runBin(['exec', file], { cwd: ws.dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `runbook: run ${id} of plan files crashed during its rollback and never finished; what it changed is still in place, so a new run does not start\n  hint: finish its rollback with "runbook rollback ${id}"\n`,
    );
    const second = await runBin(['rollback', id], { cwd: ws.dir, env });
    expect(second.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'undo.log'), 'utf8')).toBe('undo two\nundo one 42 hi tok-Secr3t\n');

    const { ws: ws2 } = await crashedAtTwo();
    const crashed = await runBin(['rollback', 'last'], { cwd: ws2.dir, env });
    expect(crashed.code).toBe(0);
    expect(crashed.stderr).toContain(
      `runbook: step two was running when run ${runId(ws2)} died and never finished; runbook has no record of what it changed, so it is not undone: check it by hand\n`,
    );
    expect(readFileSync(join(ws2.dir, 'undo.log'), 'utf8')).toBe('undo one 42 yo tok-Secr3t\n');
  });

  it('refuses a plan that changed since the run, unless told, and then prints how it changed', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan());
    expect((await runBin(['exec', file], { cwd: ws.dir, env })).code).toBe(0);
    const id = runId(ws);
    writeFileSync(file, plan().replace('echo "undo two"', 'echo "undo 2"'));
    const refused = await runBin(['rollback', id], { cwd: ws.dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^runbook: the plan ${file} changed since run ${id} ran it \\(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\\)\n  hint: see how with "runbook diff ${ws.lastRunDir()}/plan.yaml ${file}"; to carry on with the plan as it is now, add --allow-changed-plan\n$`,
      ),
    );
    const allowed = await runBin(['rollback', id, '--allow-changed-plan'], { cwd: ws.dir, env });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('carrying on with the plan as it is now (--allow-changed-plan)');
    expect(allowed.stderr).toContain('two');
    expect(readFileSync(join(ws.dir, 'undo.log'), 'utf8')).toBe('undo 2\nundo one 42 hi tok-Secr3t\n');
  });
});

describe('runbook exec while a run of the same plan is unfinished', () => {
  it('refuses, naming the crashed run and both ways out; another plan still runs', async () => {
    const { ws, file } = await crashedAtTwo();
    const id = runId(ws);
    const refused = await runBin(['exec', file], { cwd: ws.dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `runbook: run ${id} of plan files crashed at two and never finished; what it changed is still in place, so a new run does not start\n  hint: continue it with "runbook resume ${id}", or undo what it did with "runbook rollback ${id}"\n`,
    );
    const other = ws.write('other.yaml', 'version: 1\nname: other\nsteps:\n  - id: a\n    kind: shell\n    run: "true"\n');
    expect((await runBin(['exec', other], { cwd: ws.dir })).code).toBe(0);
    expect((await runBin(['rollback', id], { cwd: ws.dir, env })).code).toBe(0);
    writeFileSync(file, plan());
    expect((await runBin(['exec', file], { cwd: ws.dir, env })).code).toBe(0);
  });
});

/** A step `two` that hangs on its first run only; `idempotent` says whether it may run again. */
const resumable = (
  idempotent: boolean,
  third = 'echo "{{steps.one.outputs.value}} {{vars.word}} {{vars.token}}" > three.txt',
) => `${head('resumable')}    run: echo run >> one.log; echo "value=42"
    outputs:
      value: { regex: "^value=(.+)$" }
    rollback:
      - kind: shell
        run: echo "undo one {{steps.one.outputs.value}}" >> undo.log
  - id: two
    kind: shell
    idempotent: ${idempotent}
    run: if [ ! -e two.started ]; then touch two.started; sleep 30; fi; echo run >> two.log
  - id: three
    kind: shell
    run: ${third}
`;

/** A workspace whose run of the plan was killed while `two` ran for real. */
async function killedInTwo(text: string): Promise<{ ws: Workspace; id: string }> {
  const ws = workspace();
  const file = ws.write('plan.yaml', text);
  const run = startBin(['exec', file, '--var', 'word=yo'], { cwd: ws.dir, env });
  await ws.waitForEvent(stepStart('two'));
  while (!existsSync(join(ws.dir, 'two.started'))) await new Promise((r) => setTimeout(r, 25));
  run.child.kill('SIGKILL');
  await run.exited;
  expect((await runBin(['unlock'], { cwd: ws.dir })).code).toBe(0);
  return { ws, id: runId(ws) };
}

describe('runbook resume RUN', () => {
  it('goes on without running finished steps again: their recorded outputs and the recorded vars feed later steps; the idempotent step that was running runs again', async () => {
    const { ws, id } = await killedInTwo(resumable(true));
    const r = await runBin(['resume', id], { cwd: ws.dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'one.log'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(ws.dir, 'two.log'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(ws.dir, 'three.txt'), 'utf8')).toBe('42 yo tok-Secr3t\n');
    expect((await runBin(['runs'], { cwd: ws.dir })).stdout).toBe(`${id}  succeeded (resumed) (exit 0)\n`);
    const events = readJournal(join(ws.lastRunDir(), 'journal.jsonl'));
    expect(events.filter((e) => e.type === 'run-continue')).toMatchObject([{ mode: 'resume', planChanged: false }]);
    expect(events.filter((e) => e.type === 'step-start').map((e) => (e as { step: string }).step)).toEqual(['one', 'two', 'two', 'three']);
    const again = await runBin(['resume', id], { cwd: ws.dir, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `runbook: run ${id} ended (succeeded (resumed)); resume is for a run that died before its end\n  hint: to undo what it changed: runbook rollback ${id}\n`,
    );
  });

  it('rolls back the steps of the earlier process too when a step fails after the resume', async () => {
    const { ws, id } = await killedInTwo(resumable(true, 'exit 7'));
    const r = await runBin(['resume', id], { cwd: ws.dir, env });
    expect(r.code).toBe(1);
    expect(readFileSync(join(ws.dir, 'undo.log'), 'utf8')).toBe('undo one 42\n');
    expect((await runBin(['runs'], { cwd: ws.dir })).stdout).toBe(`${id}  failed at three, rolled back (exit 1)\n`);
  });

  it('stops and explains when the step that was running is not safe to run again', async () => {
    const { ws, id } = await killedInTwo(resumable(false));
    const r = await runBin(['resume', id], { cwd: ws.dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `runbook: step two was running when run ${id} died, and it is not safe to run again: a shell command may have done part of its work; mark it \`idempotent: true\` in the plan when running it again does no harm\n  hint: check by hand what it did; then undo the run with "runbook rollback ${id}"\n`,
    );
    expect(readFileSync(join(ws.dir, 'one.log'), 'utf8')).toBe('run\n');
  });
});
