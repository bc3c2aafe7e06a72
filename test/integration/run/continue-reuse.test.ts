// Resume and rollback of runs whose plans use for_each, include and finally: the copies' ids
// (`each[1]`) and the fragments' prefixed ids must be found again in the plan as it is loaded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { listRuns } from '../../../src/run/list-runs.js';
import { runBin, startBin } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

const fragment = `params:
  word: {}
steps:
  - id: one
    kind: shell
    run: echo "inc $W" >> log
    env: { W: "{{params.word}}" }
    rollback:
      - kind: shell
        run: echo undo-inc >> log
`;

/** A loop over a list var, an included fragment, a step that can be made slow, and a finally step. */
const plan = (slow: string) => `version: 1
name: reuse
vars:
  items: { type: list, default: [a, b] }
steps:
  - id: each
    kind: shell
    for_each: vars.items
    run: echo "each {{item}}" >> log
    rollback:
      - kind: shell
        run: echo "undo-each {{item}}" >> log
  - include: frag.yaml
    id: inc
    with: { word: hi }
  - id: slow
    kind: shell
    idempotent: true
    run: ${slow}
    rollback:
      - kind: shell
        run: echo undo-slow >> log
finally:
  - id: fin
    kind: shell
    run: echo fin >> log
`;

const log = (ws: Workspace) => readFileSync(join(ws.dir, 'log'), 'utf8').trim().split('\n');

/** Starts `exec` as a real process and kills it with SIGKILL once the journal has the event and the step wrote `log`'s line `line`, then takes its lock over. */
async function killedAt(ws: Workspace, file: string, at: (e: RunEvent) => boolean, line: string): Promise<string> {
  const run = startBin(['exec', file], { cwd: ws.dir });
  await ws.waitForEvent(at);
  while (!(existsSync(join(ws.dir, 'log')) && log(ws).includes(line))) await new Promise((r) => setTimeout(r, 25));
  run.child.kill('SIGKILL');
  expect(await run.exited).toBe('SIGKILL');
  expect((await runBin(['unlock'], { cwd: ws.dir })).code).toBe(0);
  return listRuns(ws.dir)[0]!.id;
}

const stepStart = (id: string) => (e: RunEvent) => e.type === 'step-start' && e.step === id;

describe('runbook resume RUN of a plan with for_each, include and finally', () => {
  it('goes on after the loop copies and the included step without running them again', async () => {
    const ws = workspace();
    ws.write('frag.yaml', fragment);
    const file = ws.write('plan.yaml', plan('echo slow >> log; test -e go || sleep 30'));
    const id = await killedAt(ws, file, stepStart('slow'), 'slow');
    ws.write('go', '');
    const resumed = await runBin(['resume', id], { cwd: ws.dir });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(log(ws)).toEqual(['each a', 'each b', 'inc hi', 'slow', 'slow', 'fin']);
  });
});

describe('runbook resume RUN of a run killed during a finally step', () => {
  it('runs the finally step again when it is idempotent, then the next one; the steps are not run again', async () => {
    const ws = workspace();
    ws.write('frag.yaml', fragment);
    const file = ws.write(
      'plan.yaml',
      `${plan('echo slow >> log')}    idempotent: true
  - id: fin2
    kind: shell
    run: echo fin2 >> log
`.replace('run: echo fin >> log', 'run: echo fin >> log; test -e go || sleep 30'),
    );
    const id = await killedAt(ws, file, stepStart('fin'), 'fin');
    ws.write('go', '');
    const resumed = await runBin(['resume', id], { cwd: ws.dir });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(log(ws)).toEqual(['each a', 'each b', 'inc hi', 'slow', 'fin', 'fin', 'fin2']);
  });
});
