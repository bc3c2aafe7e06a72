import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';

const errDir = 'test/fixtures/plans/err';
const broken = readdirSync(errDir).filter((f) => f.endsWith('.yaml'));
const shipped = ['plans', 'plans/examples'].flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(d, f)),
);

describe('runbook validate', () => {
  it('accepts every plan shipped in plans/', async () => {
    const r = await runCli(['validate', ...shipped]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 2 on every broken plan, printing file:line:col and never a stack trace (real process)', async () => {
    const r = await runBin(['validate', ...broken.map((f) => join(errDir, f))]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    for (const f of broken) expect(r.stderr).toContain(join(errDir, f));
  });

  it('prints findings as JSON with --json', async () => {
    const r = await runCli(['validate', '--json', join(errDir, 'unknown-kind.yaml')]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        code: 'RB205',
        rule: 'unknown-kind',
        severity: 'error',
        message: 'unknown step kind "sql-chek" in step "check"',
        file: join(errDir, 'unknown-kind.yaml'),
        line: 5,
        col: 11,
        hint: 'did you mean "sql-check"?',
      },
    ]);
  });

  it('prints GitHub annotations with --format github', async () => {
    const r = await runCli(['validate', '--format', 'github', join(errDir, 'duplicate-step-id.yaml')]);
    expect(r.stdout).toBe(
      `::error file=${join(errDir, 'duplicate-step-id.yaml')},line=7,col=9,title=RB401::step id "greet" is used twice (first at line 4) (give each step its own id; later steps refer to outputs by id)\n`,
    );
  });

  it('names a missing file', async () => {
    const r = await runCli(['validate', 'plans/nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'plans/nope.yaml: error RB100 cannot read plan: no such file [file-unreadable]\n  hint: check the path; plans usually live in plans/\n',
    );
  });

  it('checks --var values against the declared type', async () => {
    const r = await runCli([
      'validate',
      'test/fixtures/plans/ok/templates-and-conditions.yaml',
      '--var',
      'retries=many',
      '--var',
      'mode=ful',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'test/fixtures/plans/ok/templates-and-conditions.yaml:4:3: error RB502 var "mode" from --var is "ful"; allowed: "full", "quick" [var-invalid]',
    );
    expect(r.stderr).toContain('hint: did you mean "full"?');
    expect(r.stderr).toContain(
      'test/fixtures/plans/ok/templates-and-conditions.yaml:6:3: error RB502 var "retries" from --var is "many": expected a whole number [var-invalid]',
    );
  });

  it('has --help with an example on every command', async () => {
    for (const cmd of ['validate', 'plan', 'exec', 'runs', 'show', 'schema', 'diff', 'explain', 'fmt', 'kinds']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples?:\n  .*runbook /);
    }
  });
});

describe('runbook schema', () => {
  it('matches the committed schemas/plan.schema.json (regenerate with `node bin/runbook.js schema > schemas/plan.schema.json`)', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync('schemas/plan.schema.json', 'utf8')));
  });

  it('describes every property, so editors can show help', async () => {
    const schema = JSON.parse((await runCli(['schema'])).stdout) as unknown;
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, unknown> }).properties;
      if (props) {
        for (const [k, v] of Object.entries(props)) {
          if (!(v as { description?: string }).description) missing.push(`${path}.${k}`);
          walk(v, `${path}.${k}`);
        }
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'properties' && typeof v === 'object') walk(v, `${path}/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });
});
