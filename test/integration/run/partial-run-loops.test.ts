// exec --from / --only on a plan with a for_each step: the copies (`each[1]`) are steps like any
// other, so a step after the loop never runs the loop again, and one copy can be named.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

const plan = `version: 1
name: looped
vars:
  items: { type: list, default: [a, b, c] }
steps:
  - id: each
    kind: shell
    for_each: vars.items
    run: echo "each {{item}}" >> log
  - id: after
    kind: shell
    run: echo after >> log
`;

/** Runs `exec` with the options on a fresh copy of the plan; the lines it logged. */
async function logged(...options: string[]): Promise<{ code: number; stderr: string; lines: string[] }> {
  const ws = workspace();
  const r = await runBin(['exec', ws.write('plan.yaml', plan), ...options], { cwd: ws.dir });
  const path = join(ws.dir, 'log');
  return { code: r.code, stderr: r.stderr, lines: existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [] };
}

describe('exec --from / --only on a plan with for_each', () => {
  it.each([
    [['--from', 'after'], ['after']],
    [['--only', 'after'], ['after']],
    [
      ['--from', 'each[1]'],
      ['each b', 'each c', 'after'],
    ],
    [['--only', 'each[2]'], ['each c']],
    [
      ['--from', 'each'],
      ['each a', 'each b', 'each c', 'after'],
    ],
    [
      ['--only', 'each'],
      ['each a', 'each b', 'each c'],
    ],
  ])('%j runs exactly %j', async (options, lines) => {
    const r = await logged(...options);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.lines).toEqual(lines);
  });

  it('refuses a copy that does not exist, listing the copies', async () => {
    const r = await logged('--from', 'each[7]');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^runbook: "each\[7\]" is not a step of \S+plan\.yaml\n {2}hint: steps: each\[0\], each\[1\], each\[2\], after\n$/,
    );
    expect(r.lines).toEqual([]);
  });
});
