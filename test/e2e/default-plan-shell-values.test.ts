import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultPlanPath } from '../../src/demo/plan-args.js';
import { buildScope } from '../../src/engine/scope.js';
import { validatePlanFile } from '../../src/plan/validate.js';
import { resolveVars } from '../../src/plan/vars.js';
import { createStepKindRegistry } from '../../src/steps/index.js';
import { shell } from '../../src/steps/shell.js';
import { TemplateRenderer } from '../../src/template/render.js';
import { runCli } from '../helpers/cli.js';
import { stepContext } from '../helpers/step-context.js';
import { workspace } from '../helpers/workspace.js';

/** A SQLite file name that runs `touch pwned` if it ever reaches a shell as code. */
const hostileName = 'cat$(touch pwned).db';
const databaseUrl = 'postgresql://agregator:pw-not-shown@127.0.0.1:1/agregator';

/** The default plan's step (or rollback action) rendered the way the engine renders it, for these vars. */
function rendered(stepId: string, cli: readonly string[], cwd: string, rollback?: number) {
  const { plan, source } = validatePlanFile(defaultPlanPath, createStepKindRegistry());
  if (!plan) throw new Error('the default plan does not validate');
  const vars = resolveVars(
    plan,
    source,
    { cli, files: [], env: { RUNBOOK_DATABASE_URL: databaseUrl, AGREGATOR_ADMIN_PASSWORD: 'admin-pw' } },
    { requireAll: true },
  );
  expect(vars.diagnostics).toEqual([]);
  const step = plan.steps.find((s) => s.id === stepId)!;
  const action = rollback === undefined ? step : step.rollback[rollback]!;
  const scope = buildScope({
    plan,
    vars: vars.values,
    env: {},
    steps: {},
    run: { id: 'r1', dir: join(cwd, '.runbook'), cwd, started_at: '' },
  });
  return new TemplateRenderer(new Date()).renderAction(action.spec, scope, shell.shellFields);
}

describe('plans/sqlite-to-pg.yaml passes values to its shell commands as data', () => {
  it('uses no raw {{{ }}} output anywhere', () => {
    expect(readFileSync(defaultPlanPath, 'utf8')).not.toContain('{{{');
  });

  it(`runs pgloader with a SQLite file named ${hostileName} as one argument, and nothing else`, async () => {
    const ws = workspace();
    new Database(join(ws.dir, hostileName)).close();
    // A stand-in pgloader, first on PATH, that records the arguments it was given.
    const bin = join(ws.dir, 'bin');
    mkdirSync(bin);
    ws.write('bin/pgloader', `#!/bin/sh\nprintf '%s\\0' "$@" > "${join(ws.dir, 'pgloader-argv')}"\n`);
    chmodSync(join(bin, 'pgloader'), 0o755);
    const { spec, values } = rendered(
      'transfer-pgloader',
      [`sqlite_path=${hostileName}`, 'transfer_tool=pgloader', `app_dir=${ws.dir}`],
      ws.dir,
    );
    expect(spec.run).toBe('pgloader "sqlite://${RUNBOOK_VALUE_1}" "$DATABASE_URL"');
    const ctx = stepContext({ workDir: ws.dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ...values.env() } });
    const result = await shell.run(spec, ctx);
    expect(result).toMatchObject({ ok: true });
    const argv = readFileSync(join(ws.dir, 'pgloader-argv'), 'utf8').split('\0').slice(0, -1);
    expect(argv).toEqual([`sqlite://${join(ws.dir, hostileName)}`, databaseUrl]);
    expect(existsSync(join(ws.dir, 'pwned'))).toBe(false);
  });

  it('runs restart_cmd explicitly as sh -c, exactly the command given', async () => {
    const ws = workspace();
    const command = `printf '%s' "it's \\"here\\"" > restarted`;
    const { spec, values } = rendered('restart', [`restart_cmd=${command}`, `app_dir=${ws.dir}`], ws.dir);
    expect(spec.run).toBe('sh -c "${RUNBOOK_VALUE_1}"');
    const result = await shell.run(spec, stepContext({ workDir: ws.dir, env: { ...process.env, ...values.env() } }));
    expect(result).toMatchObject({ ok: true });
    expect(readFileSync(join(ws.dir, 'restarted'), 'utf8')).toBe(`it's "here"`);
  });

  it('runbook plan shows the pgloader command, the path it gets and no password', async () => {
    const ws = workspace();
    new Database(join(ws.dir, hostileName)).close();
    const r = await runCli(['plan', defaultPlanPath, '--var', `sqlite_path=${hostileName}`, '--var', 'transfer_tool=pgloader'], {
      cwd: ws.dir,
      env: { RUNBOOK_DATABASE_URL: databaseUrl, AGREGATOR_ADMIN_PASSWORD: 'admin-pw' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('run: pgloader "sqlite://${RUNBOOK_VALUE_1}" "$DATABASE_URL"');
    // The path is shown quoted as one shell word, so a reviewer reads exactly the file pgloader gets.
    expect(r.stdout).toMatch(
      /RUNBOOK_VALUE_1: '\/[^'\n]*\/cat\$\(touch pwned\)\.db' {2}← \{\{path \(path run\.cwd vars\.app_dir\) vars\.sqlite_path\}\}/,
    );
    expect(r.stdout + r.stderr).not.toMatch(/pw-not-shown|admin-pw/);
    expect(existsSync(join(ws.dir, 'pwned'))).toBe(false);
  });
});
