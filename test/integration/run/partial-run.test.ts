// exec --from STEP / --only STEP... with --outputs-from RUN: a new run of part of a plan, the
// outputs of the steps it does not run taken from an earlier run's journal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { runCli } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

const plan = (third = 'exit 5') => `version: 1
name: parts
steps:
  - id: one
    kind: shell
    run: echo run >> one.log; echo "value=$(date +%s%N)"
    outputs:
      value: { regex: "^value=(.+)$" }
  - id: two
    kind: shell
    run: echo run >> two.log
  - id: three
    kind: shell
    run: ${third}
  - id: four
    kind: shell
    run: echo "{{steps.one.outputs.value}}" > four.txt
`;

const runId = (ws: Workspace) => ws.lastRunDir().split('/').pop()!;

describe('exec --from / --only with --outputs-from', () => {
  it('runs from a step on, with the outputs the earlier run recorded; the skipped steps are journaled as not run', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan());
    expect((await runCli(['exec', file], { cwd: ws.dir })).code).toBe(1);
    const failed = runId(ws);
    const value = ws
      .lastJournal()
      .find((e): e is Extract<RunEvent, { type: 'step-output' }> => e.type === 'step-output' && e.step === 'one')?.outputs.value;
    ws.write('plan.yaml', plan('echo fixed'));
    const r = await runCli(['exec', file, '--from', 'three', '--outputs-from', failed], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'one.log'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(ws.dir, 'two.log'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(ws.dir, 'four.txt'), 'utf8')).toBe(`${String(value)}\n`);
    const events = ws.lastJournal();
    expect(events.filter((e) => e.type === 'step-start').map((e) => (e as { step: string }).step)).toEqual(['three', 'four']);
    expect(events.find((e) => e.type === 'step-end' && e.step === 'one')).toMatchObject({
      status: 'skipped',
      reason: `not run (--from three); its outputs are those recorded by run ${failed}`,
    });
  });

  it('runs only the named steps', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan('echo ok'));
    expect((await runCli(['exec', file], { cwd: ws.dir })).code).toBe(0);
    const r = await runCli(['exec', file, '--only', 'two', 'four', '--outputs-from', 'last'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'one.log'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(ws.dir, 'two.log'), 'utf8')).toBe('run\nrun\n');
  });

  it('is refused when a needed output is missing: no run named, or one where the step did not finish', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan());
    const none = await runCli(['exec', file, '--from', 'three'], { cwd: ws.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'runbook: step four reads steps.one.outputs.value, and one does not run (--from three), so its output must come from an earlier run\n  hint: name a run where one finished: --outputs-from RUN (see "runbook runs")\n',
    );
    expect((await runCli(['exec', file, '--fail-at', 'one'], { cwd: ws.dir })).code).toBe(1);
    const early = runId(ws);
    const missing = await runCli(['exec', file, '--from', 'two', '--outputs-from', early], { cwd: ws.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `runbook: step four reads steps.one.outputs.value, and one does not run (--from two); run ${early} did not record that output (one did not finish there)\n  hint: name a run where one finished with --outputs-from, or start at an earlier step\n`,
    );
    const typo = await runCli(['exec', file, '--from', 'thre'], { cwd: ws.dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(`runbook: "thre" is not a step of ${file}\n  hint: steps: one, two, three, four\n`);
  });
});
