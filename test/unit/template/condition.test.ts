import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from '../../../src/template/condition.js';

const run = (text: string, scope: Record<string, unknown>) => {
  const p = parseCondition(text);
  if (!p.ok) throw new Error(p.message);
  return evaluateCondition(p.ast, scope);
};

describe('conditions', () => {
  it('compares values from the command line as an operator means them', () => {
    expect(run('vars.tool == "pgloader"', { vars: { tool: 'pgloader' } })).toBe(true);
    expect(run('vars.flag == true', { vars: { flag: 'true' } })).toBe(true);
    expect(run('!vars.flag', { vars: { flag: 'false' } })).toBe(true);
    expect(run('steps.c.outputs.n >= 3 && vars.x != "y"', { vars: { x: 'z' }, steps: { c: { outputs: { n: 3 } } } })).toBe(true);
  });

  it('reads kebab-case step ids and negative numbers', () => {
    expect(
      run('steps.target-version.outputs.value >= 12 && vars.n > -1', {
        vars: { n: 0 },
        steps: { 'target-version': { outputs: { value: 18 } } },
      }),
    ).toBe(true);
  });

  it('lists the references it reads', () => {
    const p = parseCondition('vars.a == steps.b.outputs.c');
    expect(p.ok && p.references).toEqual([
      ['vars', 'a'],
      ['steps', 'b', 'outputs', 'c'],
    ]);
  });

  it('rejects calls and assignments', () => {
    const p = parseCondition('process.exit(1)');
    expect(p.ok).toBe(false);
    expect(!p.ok && p.message).toBe('call expressions are not allowed in a condition');
  });
});
