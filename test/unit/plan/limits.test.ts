import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatText } from '../../../src/diagnostics/index.js';
import { loadPlanFile, parsePlanText } from '../../../src/plan/load.js';
import { planLimits } from '../../../src/plan/limits.js';

const head = 'version: 1\nname: big\nsteps:\n';
const step = (i: number) =>
  `  - id: s${i}\n    title: Step number ${i} of a plan that was generated\n    kind: shell\n    run: echo ${i}\n`;
const steps = (n: number) => head + Array.from({ length: n }, (_, i) => step(i)).join('');

/** The one finding of a plan text, printed as `validate` prints it. */
function finding(text: string): string {
  const r = parsePlanText('big.yaml', text);
  expect(r.data).toBeUndefined();
  expect(r.diagnostics).toHaveLength(1);
  return formatText(r.diagnostics, new Map([['big.yaml', text]]));
}

describe('plan limits', () => {
  it('rejects a 14 MB plan of 150 000 steps by its size, where it goes over', () => {
    const text = steps(150_000);
    const over = planLimits.bytes;
    const line = text.slice(0, over).split('\n').length;
    const col = over - text.lastIndexOf('\n', over - 1);
    expect(finding(text)).toMatch(
      new RegExp(
        `^big\\.yaml:${line}:${col}: error RB107 the plan is 1[0-9]\\.\\d MiB; a plan may be at most 1\\.0 MiB \\(this is where it goes over\\) \\[plan-too-big\\]\\n`,
      ),
    );
  });

  it('reads only the start of a plan file over the size limit, even one too big to hold as a string', () => {
    const ws = mkdtempSync(join(tmpdir(), 'runbook-limits-'));
    const file = join(ws, 'huge.yaml');
    const text = steps(150_000);
    writeFileSync(file, text);
    // Sparse: 1 GiB on paper, a few MB on disk; reading it whole would fail.
    truncateSync(file, 1024 ** 3);
    const line = text.slice(0, planLimits.bytes).split('\n').length;
    expect(loadPlanFile(file).diagnostics).toMatchObject([
      { rule: 'plan-too-big', line, message: 'the plan is 1024.0 MiB; a plan may be at most 1.0 MiB (this is where it goes over)' },
    ]);
  });

  it('rejects step 1 001, and takes 1 000', () => {
    const text = steps(1001);
    expect(finding(text)).toBe(
      'big.yaml:4004:3: error RB108 the plan has 1001 steps; a plan may have at most 1000 (this is step 1001) [too-many-steps]\n    - id: s1000\n    ^\n  hint: split the procedure into several plans, or use for_each/include instead of writing out steps\n',
    );
    expect(parsePlanText('ok.yaml', steps(1000)).diagnostics).toEqual([]);
  });

  it('rejects nesting 3 000 deep without overflowing the stack, in flow and in block style', () => {
    const flow = `${head}  - id: deep\n    kind: shell\n    run: "true"\n    env: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    expect(finding(flow)).toMatch(/^big\.yaml:7:71: error RB109 mappings and lists are nested more than 64 deep here \[too-deep\]\n/);
    const block = `${head}  - id: deep\n    kind: shell\n    env:\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(6 + i)}k${i}:\n`).join('')}`;
    expect(finding(block)).toMatch(/^big\.yaml:68:68: error RB109 mappings and lists are nested more than 64 deep here \[too-deep\]\n/);
    const sixtyFour = `${head}  - id: deep\n    kind: shell\n    run: "true"\n    env: ${'['.repeat(61)}${']'.repeat(61)}\n`;
    expect(parsePlanText('ok.yaml', sixtyFour).diagnostics).toEqual([]);
  });

  it('rejects a deeper billion laughs at the alias that goes over, and takes a few aliased blocks', () => {
    // x1 adds 100 values, x2 1 100, then each *x2 adds 1 110: the 8th one on the x3 line goes over 10 000.
    let laughs = 'version: 1\nname: laughs\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 30; i++) laughs += `x${i}: &x${i} [${Array.from({ length: 10 }, () => `*x${i - 1}`).join(', ')}]\n`;
    expect(finding(`${laughs}steps: []\n`)).toMatch(
      /^big\.yaml:6:45: error RB110 aliases expand to more than 10000 values by here \(alias "\*x2"\)/,
    );
    const reuse = `${head}${Array.from({ length: 200 }, (_, i) => `  - id: s${i}\n    kind: shell\n    run: "true"\n    env: ${i === 0 ? '&env ' : '*env'}${i === 0 ? '{ A: "1", B: "2", C: "3" }' : ''}\n`).join('')}`;
    expect(parsePlanText('ok.yaml', reuse).diagnostics).toEqual([]);
  });

  it('reports a top-level key written as a block scalar with a bad header, instead of crashing while looking for steps', () => {
    // Found by fuzzing: a "|" typed before `name:`.
    const text = 'version: 1\n|name: x\nsteps:\n  - id: a\n    kind: note\n    message: hi\n';
    const r = parsePlanText('big.yaml', text);
    expect(r.data).toBeUndefined();
    expect(formatText(r.diagnostics, new Map([['big.yaml', text]]))).toMatch(/^big\.yaml:2:1: error RB101 YAML syntax/);
  });
});
