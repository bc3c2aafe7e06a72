import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { runCli } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

/** Three databases; touching each one's file fails for `bad`. Each copy's rollback removes its own file. */
const loopPlan = (items: string) => `version: 1
name: looped
vars:
  dbs: { type: list, default: [alpha, bravo, charlie] }
steps:
  - id: touch
    kind: shell
    for_each: ${items}
    run: test "{{item}}" != bad && echo "{{item}}" >> trail.txt
    rollback:
      - kind: shell
        title: forget {{item}}
        run: echo "undo {{item}}" >> trail.txt
`;

const ends = (events: RunEvent[]) =>
  events.filter((e): e is Extract<RunEvent, { type: 'step-end' }> => e.type === 'step-end').map((e) => `${e.step}:${e.status}`);

describe('for_each', () => {
  it('runs one step per item of a literal list, ids ID[0], ID[1]..., each reading {{item}}', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', loopPlan('[one, two, three]'))], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(ends(ws.lastJournal())).toEqual(['touch[0]:succeeded', 'touch[1]:succeeded', 'touch[2]:succeeded']);
  });

  it('when the second of three items fails, undoes the first only and never runs the third', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', loopPlan('[one, bad, three]'))], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('one\nundo one\n');
    const events = ws.lastJournal();
    expect(ends(events)).toEqual(['touch[0]:succeeded', 'touch[1]:failed']);
    expect(
      events.filter((e) => e.type === 'rollback-action-end').map((e) => (e.type === 'rollback-action-end' ? `${e.step}: ${e.title}` : '')),
    ).toEqual(['touch[0]: forget {{item}}']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', failedStep: 'touch[1]' });
  });

  it('walks a var of type list, from its default or from --var a,b', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', loopPlan('vars.dbs'));
    expect((await runCli(['exec', plan], { cwd: ws.dir })).code).toBe(0);
    expect((await runCli(['exec', plan, '--var', 'dbs=delta,echo'], { cwd: ws.dir })).code).toBe(0);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('alpha\nbravo\ncharlie\ndelta\necho\n');
  });

  it('shows the expansion in the dry run and in explain', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', loopPlan('vars.dbs'));
    const dry = await runCli(['plan', plan, '--var', 'dbs=delta,echo'], { cwd: ws.dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('1. touch[0] [shell]');
    expect(dry.stdout).toContain('item: delta (item 1 of for_each in touch)');
    expect(dry.stdout).toContain('2. touch[1] [shell]');
    expect(dry.stdout).toContain('item: echo (item 2 of for_each in touch)');
    expect(dry.stdout).not.toContain('3. touch[2]');
    const explain = await runCli(['explain', plan], { cwd: ws.dir });
    expect(explain.stdout).toContain('3. touch[2]');
    expect(explain.stdout).toContain('Item 3 of the loop `touch`: `charlie`');
  });

  it('--fail-at names one copy of a looped step', async () => {
    const ws = workspace();
    const r = await runCli(['exec', ws.write('plan.yaml', loopPlan('[one, two, three]')), '--fail-at', 'touch[2]'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('one\ntwo\nundo two\nundo one\n');
  });
});
