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

  it('quotes each value as one shell argument in shell mode', () => {
    expect(r.render('cp {{vars.a}} {{vars.b}}', scope({ a: 'x; touch /tmp/pwned', b: "it's" }), 'shell')).toBe(`cp 'x; touch /tmp/pwned' 'it'\\''s'`);
  });

  it('leaves plain words bare and lets the author opt out with triple braces', () => {
    expect(r.render('ls {{vars.a}} {{{vars.b}}}', scope({ a: 'backups/x.db', b: '*.db | wc -l' }), 'shell')).toBe('ls backups/x.db *.db | wc -l');
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
    const out = r.renderDeep({ run: 'echo {{vars.a}}', env: { X: '{{vars.a}}' } }, scope({ a: 'a b' }), ['run']);
    expect(out).toEqual({ run: "echo 'a b'", env: { X: 'a b' } });
  });
});
