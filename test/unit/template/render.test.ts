import { describe, expect, it } from 'vitest';
import { TemplateError, TemplateRenderer, type TemplateScope } from '../../../src/template/render.js';

const scope = (vars: Record<string, unknown>, steps: Record<string, unknown> = {}): TemplateScope => ({
  vars,
  env: { HOME: '/root' },
  steps,
  run: { id: 'r1' },
  plan: { name: 'p' },
});
const at = new Date(2026, 0, 2, 3, 4, 5, 6);

describe('TemplateRenderer', () => {
  const r = new TemplateRenderer(at);

  it('puts each value of a shell field in a variable, referenced as one word for its quoting context', () => {
    const out = r.renderShell('cp {{vars.a}} "to/{{vars.b}}" {{vars.a}}', scope({ a: 'x; touch /tmp/pwned', b: "it's" }));
    expect(out.text).toBe('cp "${RUNBOOK_VALUE_1}" "to/${RUNBOOK_VALUE_2}" "${RUNBOOK_VALUE_1}"');
    expect(out.values.env()).toEqual({ RUNBOOK_VALUE_1: 'x; touch /tmp/pwned', RUNBOOK_VALUE_2: "it's" });
  });

  it('refuses a value where no reference is safe, naming the expression and the way out', () => {
    expect(() => r.renderShell("echo '{{vars.a}}'", scope({ a: 'x' }))).toThrow(
      /\{\{vars\.a\}\} is inside single quotes.*use double quotes/,
    );
  });

  it('inserts {{{ }}} as shell code only when the action says raw: true', () => {
    expect(() => r.renderShell('ls {{{vars.b}}}', scope({ b: '*.db | wc -l' }))).toThrow(
      /\{\{\{vars\.b\}\}\} would insert its value as shell code.*raw: true/,
    );
    expect(r.renderShell('ls {{{vars.b}}}', scope({ b: '*.db | wc -l' }), { raw: true }).text).toBe('ls *.db | wc -l');
  });

  it('refuses a value holding a NUL byte, which no command can be given', () => {
    expect(() => r.renderShell('echo {{vars.a}}', scope({ a: 'a\0b' }))).toThrow(/NUL byte/);
  });

  it('does not quote in text mode and never HTML-escapes', () => {
    expect(r.render('<{{vars.a}}>', scope({ a: 'a & b' }))).toBe('<a & b>');
  });

  it('refuses a missing value instead of rendering an empty string', () => {
    expect(() => r.render('cp {{vars.nope}} x', scope({}))).toThrow(new TemplateError('{{vars.nope}} has no value'));
    expect(() => r.render('{{steps.a.outputs.path}}', scope({}, { a: { outputs: {} } }))).toThrow('{{steps.a.outputs.path}} has no value');
  });

  it('formats now, applies default and json', () => {
    expect(r.render('{{now "yyyyMMdd_HHmmss"}}', scope({}))).toBe('20260102_030405');
    expect(r.render('{{default vars.a "fallback"}}', scope({}))).toBe('fallback');
    expect(r.render('{{json vars.a}}', scope({ a: { k: [1, 'two'] } }))).toBe('{"k":[1,"two"]}');
  });

  it('renders nested values and only the shell fields in shell mode', () => {
    const out = r.renderAction({ run: 'echo {{vars.a}}', env: { X: '{{vars.a}}' } }, scope({ a: 'a b' }), ['run']);
    expect(out.spec).toEqual({ run: 'echo "${RUNBOOK_VALUE_1}"', env: { X: 'a b' } });
    expect(out.values.env()).toEqual({ RUNBOOK_VALUE_1: 'a b' });
  });

  it('treats the script of [sh, -c, SCRIPT] as a shell field and the other list items as text', () => {
    const out = r.renderAction({ run: ['/bin/sh', '-ec', 'echo {{vars.a}}', '{{vars.a}}'] }, scope({ a: '$(id)' }), ['run']);
    expect(out.spec.run).toEqual(['/bin/sh', '-ec', 'echo "${RUNBOOK_VALUE_1}"', '$(id)']);
  });
});
