import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { runBin, runCli } from '../../helpers/cli.js';
import { readAll, workspace } from '../../helpers/workspace.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function fiveSteps(failing: string): string {
  const step = (n: number) => `
  - id: step-${n}
    kind: shell
    run: ${n === 4 ? failing : `echo done-${n} >> trail.txt`}
    rollback:
      - kind: shell
        title: undo ${n}
        run: echo undo-${n} >> trail.txt`;
  return `version: 1\nname: five\nsteps:${[1, 2, 3, 4, 5].map(step).join('')}\n`;
}

const rollbackOrder = (events: RunEvent[]) =>
  events.filter((e) => e.type === 'rollback-action-end').map((e) => (e as { step: string }).step);

describe('runbook exec', () => {
  it('runs every step in order and exits 0', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('echo done-4 >> trail.txt'));
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('done-1\ndone-2\ndone-3\ndone-4\ndone-5\n');
    const types = ws.lastJournal().map((e) => e.type);
    expect(types[0]).toBe('run-start');
    expect(types.at(-1)).toBe('run-end');
    expect(types.filter((t) => t === 'step-end')).toHaveLength(5);
    expect(r.stdout).toContain(`report: ${join(ws.lastRunDir(), 'report.md')}`);
    expect(readFileSync(join(ws.lastRunDir(), 'plan.sha256'), 'utf8')).toBe(`${sha(plan)}  plan.yaml\n`);
  });

  it('when step 4 of 5 fails, undoes steps 3, 2, 1 in that order and exits 1', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('exit 7'));
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(rollbackOrder(ws.lastJournal())).toEqual(['step-3', 'step-2', 'step-1']);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('done-1\ndone-2\ndone-3\nundo-3\nundo-2\nundo-1\n');
    const end = ws.lastJournal().at(-1)!;
    expect(end).toMatchObject({ type: 'run-end', status: 'failed-rolled-back', exitCode: 1, failedStep: 'step-4' });
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('| 4 | step-4 | shell | **failed** |');
    expect(report).toContain('| 5 | step-5 | shell | not run |');
    expect(report).toContain('Rollback complete: every finished step was undone.');
  });

  it('reports a failing rollback action, still runs the rest, and exits 3', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('exit 7').replace('run: echo undo-2 >> trail.txt', 'run: echo cannot-undo-2 >&2; exit 5'));
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(3);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('done-1\ndone-2\ndone-3\nundo-3\nundo-1\n');
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('# five: failed, ROLLBACK INCOMPLETE — needs a human');
    expect(report).toContain('  - **FAILED**: undo 2');
    expect(report).toContain('Rollback incomplete. Not undone: `step-2: undo 2`. Check these by hand.');
  });

  it('leaves everything for inspection with --no-rollback and exits 3', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('exit 7'));
    const r = await runCli(['exec', '--no-rollback', plan], { cwd: ws.dir });
    expect(r.code).toBe(3);
    expect(readFileSync(join(ws.dir, 'trail.txt'), 'utf8')).toBe('done-1\ndone-2\ndone-3\n');
    expect(r.stdout).toContain('rollback disabled by --no-rollback');
    expect(r.stderr).toContain(
      "runbook: not everything was undone (exit 3); still changed, newest first:\n  - step-3: run its rollback actions by hand (undo 3; rendered in the journal's step-end of step-3)\n  - step-2: ",
    );
  });

  it('skips a step whose condition is false and says why; retries with backoff; continues on error when told', async () => {
    const ws = workspace();
    const plan = ws.write(
      'plan.yaml',
      `version: 1
name: flow
vars:
  mode: { default: quick }
steps:
  - id: only-full
    kind: shell
    when: vars.mode == "full"
    run: echo never > never.txt
  - id: flaky
    kind: shell
    retries: 2
    retry_delay: 10ms
    run: n=$(cat n 2>/dev/null || echo 0); echo $((n+1)) > n; test $n -ge 2
  - id: tolerated
    kind: shell
    continue_on_error: true
    run: exit 4
  - id: after
    kind: shell
    run: echo "{{steps.flaky.outputs.exit_code}} {{steps.tolerated.status}}" > after.txt
`,
    );
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(ws.dir, 'never.txt'))).toBe(false);
    expect(readFileSync(join(ws.dir, 'n'), 'utf8')).toBe('3\n');
    expect(readFileSync(join(ws.dir, 'after.txt'), 'utf8')).toBe('0 failed\n');
    const events = ws.lastJournal();
    expect(events.find((e) => e.type === 'step-end' && e.step === 'only-full')).toMatchObject({
      status: 'skipped',
      reason: 'condition is false: vars.mode == "full" (vars.mode = "quick")',
    });
    expect(events.filter((e) => e.type === 'step-retry').map((e) => (e as { attempt: number }).attempt)).toEqual([2, 3]);
    expect(r.stdout).toContain('only-full skipped: condition is false: vars.mode == "full" (vars.mode = "quick")');
  });

  it('stops a step at its timeout and rolls back', async () => {
    const ws = workspace();
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: slow\nsteps:\n  - id: first\n    kind: shell\n    run: touch first\n    rollback:\n      - kind: shell\n        run: rm first\n  - id: slow\n    kind: shell\n    timeout: 300ms\n    run: sleep 30\n`,
    );
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(existsSync(join(ws.dir, 'first'))).toBe(false);
    const failed = ws.lastJournal().find((e) => e.type === 'step-end' && e.step === 'slow') as { error: string };
    expect(failed.error).toMatch(/^timed out after 300ms: /);
  });

  it('keeps a shell-quoted var as one argument: no injected command runs', async () => {
    const ws = workspace();
    const marker = join(ws.dir, 'pwned');
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: inject\nvars:\n  name: { default: x }\nsteps:\n  - id: show\n    kind: shell\n    run: printf '%s\\n' {{vars.name}} > arg.txt\n`,
    );
    const r = await runCli(['exec', plan, '--var', `name=x; touch ${marker}`], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(join(ws.dir, 'arg.txt'), 'utf8')).toBe(`x; touch ${marker}\n`);
  });

  it('fails a confirm gate at once without a terminal or --yes, saying to pass --yes', async () => {
    const ws = workspace();
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: gate\nsteps:\n  - id: stop-writes\n    kind: confirm\n    message: Stop writes to the app now\n`,
    );
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✖ stop-writes failed: needs a human to confirm "Stop writes to the app now", but there is no terminal to ask on',
    );
    expect(r.stdout).toContain('hint: run on a terminal, or pass --yes to confirm every gate in advance');
    const passed = await runCli(['exec', '--yes', plan], { cwd: ws.dir });
    expect(passed.code).toBe(0);
  });

  it('restores an env file byte-for-byte when a later step fails', async () => {
    const ws = workspace();
    const env = ws.write('.env', '# app settings\r\nexport SECRET_KEY="abc"\nDATABASE_URL=sqlite:///catalogue.db\n\n# trailing comment');
    const before = sha(env);
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: switch\nsteps:\n  - id: switch\n    kind: env-switch\n    file: .env\n    set: { DATABASE_URL: "postgresql://app@db/app", NEW_KEY: "a b" }\n  - id: seen\n    kind: shell\n    run: test "$DATABASE_URL" = postgresql://app@db/app\n  - id: boom\n    kind: shell\n    run: exit 1\n`,
    );
    const r = await runCli(['exec', plan], { cwd: ws.dir, env: { DATABASE_URL: undefined } });
    expect(r.code).toBe(1);
    expect(sha(env)).toBe(before);
    expect(ws.lastJournal().find((e) => e.type === 'step-end' && e.step === 'seen')).toMatchObject({ status: 'succeeded' });
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    // The report says what each undo did, not only that it ran.
    expect(report).toMatch(new RegExp(`- done: restore the file byte-for-byte .* — restored ${env} byte-for-byte`));
  });

  it('prints journal events as JSON lines with --json', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('echo ok'));
    const r = await runCli(['exec', '--json', plan], { cwd: ws.dir });
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    // The same events, field for field, as the journal: not only the same sequence of types.
    expect(lines).toEqual(ws.lastJournal());
    expect(lines.filter((e) => e.type === 'step-end' && e.status === 'succeeded')).toHaveLength(5);
  });

  it('lists runs and shows the last report', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('exit 9'));
    await runCli(['exec', plan], { cwd: ws.dir });
    const runs = await runCli(['runs'], { cwd: ws.dir });
    expect(runs.stdout).toMatch(/^\d{8}-\d{6}-five-[0-9a-f]{4} {2}failed at step-4, rolled back \(exit 1\)\n$/);
    const show = await runCli(['show', 'last'], { cwd: ws.dir });
    expect(show.stdout).toBe(readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8'));
    const missing = await runCli(['show', 'nope'], { cwd: ws.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('runbook: no run "nope" in');
  });

  it('fails a step whose template has no value when it starts, naming the expression', async () => {
    const ws = workspace();
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: lazy\nvars:\n  target: { description: optional }\nsteps:\n  - id: first\n    kind: shell\n    run: touch first\n    rollback:\n      - kind: shell\n        run: rm first\n  - id: use\n    kind: shell\n    run: cp first {{vars.target}}\n`,
    );
    const r = await runCli(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✖ use failed: cannot render the step: {{vars.target}} has no value');
    expect(r.stdout).toContain('hint: the value comes from a var or an earlier step; check that it is set');
    expect(existsSync(join(ws.dir, 'first'))).toBe(false);
  });

  it('refuses to start without a required var, quoting its description', async () => {
    const ws = workspace();
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: req\nvars:\n  database_url: { env: DATABASE_URL, required: true, secret: true, description: URL of the target PostgreSQL }\nsteps:\n  - id: a\n    kind: shell\n    run: "true"\n`,
    );
    const r = await runCli(['exec', plan], { cwd: ws.dir, env: { DATABASE_URL: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${plan}:4:3: error RB501 var "database_url" is required but has no value (URL of the target PostgreSQL) [var-missing]`,
    );
    expect(r.stderr).toContain('hint: set DATABASE_URL in the environment or pass --var database_url=...');
  });

  it("takes a var from its fallback_env when its env is not set, and prints the fallback's warning", async () => {
    const ws = workspace();
    const vars = `vars:\n  database_url:\n    env: RUNBOOK_DATABASE_URL\n    fallback_env: { name: DATABASE_URL, warning: it also reaches the commands the plan runs }\n    secret: true\n  label: { description: a var with no value and no fallback }\n`;
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: fallback\n${vars}steps:\n  - id: a\n    kind: shell\n    run: echo "got {{vars.database_url}}"\n`,
    );
    const fallback = await runCli(['exec', plan], {
      cwd: ws.dir,
      env: { RUNBOOK_DATABASE_URL: undefined, DATABASE_URL: 'postgresql://u:pw@h/old' },
    });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toBe(
      `${plan}:4:3: warning RB505 var "database_url" is taken from DATABASE_URL: it also reaches the commands the plan runs [var-fallback-env]\n` +
        '    database_url:\n    ^\n  hint: set RUNBOOK_DATABASE_URL instead\n',
    );
    expect(fallback.stdout).toContain('got postgresql://u:****@h/old');
    const none = await runCli(['validate', plan], { cwd: ws.dir, env: { RUNBOOK_DATABASE_URL: undefined, DATABASE_URL: undefined } });
    expect(none.stdout + none.stderr).toBe(`${plan}: valid\n`);
    const preferred = await runCli(['exec', plan], {
      cwd: ws.dir,
      env: { RUNBOOK_DATABASE_URL: 'postgresql://u:pw@h/new', DATABASE_URL: 'postgresql://u:pw@h/old' },
    });
    expect(preferred.code).toBe(0);
    expect(preferred.stderr).toBe('');
    expect(preferred.stdout).toContain('got postgresql://u:****@h/new');
  });
});

describe('bad invocations', () => {
  it('names each mistake on the command line and runs nothing', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('echo ok').replace('name: five', 'name: five\nvars:\n  mode: { default: quick }'));
    const failAt = await runCli(['exec', plan, '--fail-at', 'step-9'], { cwd: ws.dir });
    expect(failAt.code).toBe(2);
    expect(failAt.stderr).toBe(
      `runbook: --fail-at names step "step-9", which is not in ${plan}\n  hint: steps: step-1, step-2, step-3, step-4, step-5\n`,
    );
    const unknown = await runCli(['exec', plan, '--var', 'mdoe=full'], { cwd: ws.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      '<command line>: error RB503 --var sets "mdoe", which the plan does not declare [var-unknown]\n  hint: did you mean "mode"?\n',
    );
    const noValue = await runCli(['exec', plan, '--var', 'mode'], { cwd: ws.dir });
    expect(noValue.stderr).toBe('<command line>: error RB502 --var "mode" needs a value: --var name=value [var-invalid]\n');
    const missingFile = await runCli(['exec', plan, '--vars-file', join(ws.dir, 'nope.yaml')], { cwd: ws.dir });
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain(
      `${join(ws.dir, 'nope.yaml')}: error RB504 cannot read vars file: ENOENT: no such file or directory`,
    );
    const notMapping = ws.write('list.yaml', '- a\n- b\n');
    const listFile = await runCli(['exec', plan, '--vars-file', notMapping], { cwd: ws.dir });
    expect(listFile.stderr).toBe(`${notMapping}: error RB504 a vars file must be a YAML mapping of var names to values [vars-file]\n`);
    expect(existsSync(join(ws.dir, 'trail.txt'))).toBe(false);
  });
});

describe('the workspace lock', () => {
  it('refuses a second run while one is running, names a dead holder, and is taken over only by unlock', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', `version: 1\nname: slow\nsteps:\n  - id: wait\n    kind: shell\n    run: touch started; sleep 30\n`);
    const { spawn } = await import('node:child_process');
    const first = spawn(process.execPath, [join(process.cwd(), 'bin/runbook.js'), 'exec', plan], {
      cwd: ws.dir,
      env: { ...process.env, CI: '1' },
    });
    while (!existsSync(join(ws.dir, 'started'))) await new Promise((r) => setTimeout(r, 50));
    const runId = ws.lastRunDir().split('/').pop()!;
    const holder = JSON.parse(readFileSync(join(ws.dir, '.runbook', 'lock'), 'utf8')) as { host: string; startedAt: string };
    const who = `run ${runId} (pid ${first.pid} on host ${holder.host}, started ${holder.startedAt})`;
    const second = await runCli(['exec', plan], { cwd: ws.dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `runbook: another run is in progress in ${ws.dir}: ${who}\n  hint: wait for it to finish, or stop it with Ctrl-C (it rolls back)\n`,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    // The killed run left its lock behind: the next run names it (and what it cleaned, if its watchdog
    // had not ended the child yet), and does not start.
    const quick = ws.write('quick.yaml', `version: 1\nname: quick\nsteps:\n  - id: a\n    kind: shell\n    run: "true"\n`);
    const refused = await runCli(['exec', quick], { cwd: ws.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^runbook: ${who.replace(/[()+.]/g, '\\$&')} is no longer running \\(killed or crashed\\) but still holds ${ws.dir}/.runbook/lock(; what it left was cleaned up:\n  - ended process group \\d+ \\(\\d processes?: [a-z, ]+\\))?\n  hint: its journal and report are in .runbook/runs/${runId}; see what it changed, then take the lock over with "runbook unlock" \\(the takeover is recorded there\\)\n$`,
      ),
    );
    const unlocked = await runCli(['unlock'], { cwd: ws.dir });
    expect(unlocked.code).toBe(0);
    expect(unlocked.stdout).toBe(
      `took over the lock of ${who}; the takeover is recorded in ${ws.dir}/.runbook/runs/${runId}/lock-taken-over.json\n`,
    );
    expect((await runCli(['exec', quick], { cwd: ws.dir })).code).toBe(0);
  });
});

describe('secrets', () => {
  it('never appear in the run directory or the terminal output', async () => {
    const ws = workspace();
    const secret = 'S3cr3t-Hunter2';
    const urlPassword = 'pg-Pa55word';
    writeFileSync(join(ws.dir, '.env'), 'APP=1\n');
    const plan = ws.write(
      'plan.yaml',
      `version: 1
name: secrets
vars:
  token: { secret: true }
  database_url: { env: DATABASE_URL }
steps:
  - id: echo-token
    kind: shell
    run: echo "token={{vars.token}}"; echo "stderr {{vars.token}}" >&2
  - id: echo-url
    kind: shell
    run: echo {{vars.database_url}}; echo {{vars.database_url}} | sed 's/.*app:\\([^@]*\\)@.*/\\1/'
    outputs:
      url: { stdout_line: first }
  - id: switch
    kind: env-switch
    file: .env
    set: { DATABASE_URL: "{{vars.database_url}}", TOKEN: "{{vars.token}}" }
  - id: fail
    kind: shell
    run: echo "{{steps.echo-url.outputs.url}} {{vars.token}}"; exit 3
`,
    );
    const r = await runCli(['exec', plan, '--var', `token=${secret}`], {
      cwd: ws.dir,
      env: { DATABASE_URL: `postgresql://app:${urlPassword}@127.0.0.1:1/app` },
    });
    expect(r.code).toBe(1);
    const everything = readAll(ws.runFiles()) + r.stdout + r.stderr;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(urlPassword);
    expect(everything).toContain('****');
    const json = await runCli(['exec', '--json', plan, '--var', `token=${secret}`], {
      cwd: ws.dir,
      env: { DATABASE_URL: `postgresql://app:${urlPassword}@127.0.0.1:1/app` },
    });
    expect(json.stdout).not.toContain(secret);
    expect(json.stdout).not.toContain(urlPassword);
  });
});

describe('Ctrl-C', () => {
  it('stops the running step, rolls back, journals it, and exits 130 (real process, real SIGINT)', async () => {
    const ws = workspace();
    const plan = ws.write(
      'plan.yaml',
      `version: 1\nname: interrupt\nsteps:\n  - id: first\n    kind: shell\n    run: touch first\n    rollback:\n      - kind: shell\n        run: rm first\n  - id: long\n    kind: shell\n    run: touch started; sleep 60\n`,
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/runbook.js'), 'exec', plan], {
      cwd: ws.dir,
      env: { ...process.env, CI: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!existsSync(join(ws.dir, 'started'))) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(existsSync(join(ws.dir, 'first'))).toBe(false);
    const events = ws.lastJournal();
    expect(events.some((e) => e.type === 'interrupt')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted', exitCode: 130 });
    expect(out).toContain('interrupted (SIGINT): stopping the running step, then rolling back');
  });
});

describe('the binary', () => {
  it('runs a plan as a real process', async () => {
    const ws = workspace();
    const plan = ws.write('plan.yaml', fiveSteps('echo ok'));
    const r = await runBin(['exec', plan], { cwd: ws.dir });
    expect(r.code).toBe(0);
  });
});
