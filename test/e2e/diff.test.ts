import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';

const dir = 'test/fixtures/review/diff';
const base = `${dir}/base.yaml`;

describe('runbook diff', () => {
  it('exits 0 when two plans mean the same', async () => {
    const r = await runCli(['diff', base, `${dir}/same-meaning.yaml`]);
    expect(r).toEqual({ code: 0, stdout: `${base} and ${dir}/same-meaning.yaml mean the same\n`, stderr: '' });
  });

  it('exits 1 when they differ', async () => {
    const r = await runCli(['diff', base, `${dir}/gate-removed.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        `${base} → ${dir}/gate-removed.yaml`,
        '- step "stop-writes" (confirm)',
        '    ! gate removed: confirm "stop-writes" no longer stops the run before "switch-env" (env-switch)',
        '',
        '1 change, 1 risk note',
        '',
      ].join('\n'),
    );
  });

  it('writes a pull-request comment with --format markdown', async () => {
    const r = await runCli(['diff', '--format', 'markdown', base, `${dir}/rollback-removed.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        `### Plan changes: \`${base}\` → \`${dir}/rollback-removed.yaml\``,
        '',
        '1 change, 1 risk note',
        '',
        '> [!WARNING]',
        '> **Review these risks**',
        '>',
        '> - **rollback removed**: step "restart" has no rollback any more; a later failure leaves its change in place',
        '',
        '- **changed** step `restart` (shell)',
        '  - rollback 1 **removed** (shell) Restart it again on the old settings',
        '  - ⚠️ **rollback removed**: step "restart" has no rollback any more; a later failure leaves its change in place',
        '',
      ].join('\n'),
    );
  });

  it('shows in markdown each command a changed var default feeds, re-rendered', async () => {
    const r = await runCli(['diff', '--format', 'markdown', `${dir}/deploy.yaml`, `${dir}/deploy-default-changed.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        '- **changed** var `release_dir`',
        '  - `default`: `/srv/releases/current` → `/srv`',
        '  - `step "prune" run, re-rendered`: `find /srv/releases/current/.. -maxdepth 1 -mtime +30 -exec rm -rf {} +` → `find /srv/.. -maxdepth 1 -mtime +30 -exec rm -rf {} +`',
        '  - ⚠️ **var default changed**: var "release_dir" now gives step "prune" (shell) a different run; read it re-rendered in this diff before approving',
      ].join('\n'),
    );
  });

  it('exits 2 naming the reference when a step moves ahead of the step whose outputs it reads', async () => {
    const work = mkdtempSync(join(tmpdir(), 'runbook-diff-outputs-'));
    const step = (id: string, run: string) => `  - id: ${id}\n    kind: shell\n    run: ${run}\n`;
    const head = 'version: 1\nname: outputs\nsteps:\n';
    const make = step('make', 'echo /srv/new');
    const use = step('use', 'ls {{steps.make.outputs.stdout}}');
    writeFileSync(join(work, 'old.yaml'), head + make + use);
    writeFileSync(join(work, 'new.yaml'), head + use + make);
    const r = await runCli(['diff', 'old.yaml', 'new.yaml'], { cwd: work });
    rmSync(work, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'new.yaml:6:13: error RB303 "steps.make.outputs.stdout" reads step "make", which has no result yet because that step runs later [later-step-output]',
    );
  });

  it('shows a multi-line command change as a line diff in markdown', async () => {
    const r = await runCli([
      'diff',
      '--format',
      'markdown',
      'plans/examples/rotate-logs.yaml',
      'test/fixtures/review/rotate-logs-copying.yaml',
    ]);
    expect(r.stdout).toContain(
      [
        '  - `run`:',
        '',
        '    ```diff',
        '      target=logs-archive/logs_<now:yyyyMMdd_HHmmss>',
        '    - mv logs "$target" && echo "$target"',
        '    + cp -r logs "$target" && echo "$target"',
        '    ```',
      ].join('\n'),
    );
  });

  it('prints data with --json', async () => {
    const r = await runCli(['diff', '--json', base, `${dir}/gate-moved.yaml`]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      old: base,
      new: `${dir}/gate-moved.yaml`,
      same: false,
      changes: [
        {
          target: 'step',
          name: 'stop-writes',
          status: 'changed',
          kind: 'confirm',
          moved: { from: 2, to: 3, after: 'switch-env' },
          fields: [],
          rollback: [],
          risks: [
            {
              risk: 'gate-moved',
              message: 'gate moved: confirm "stop-writes" now comes after "switch-env" (env-switch), which it used to guard',
            },
          ],
        },
      ],
    });
  });

  it('exits 2 on an invalid plan, printing its diagnostics as validate does', async () => {
    const bad = 'test/fixtures/plans/err/unknown-kind.yaml';
    const r = await runCli(['diff', base, bad]);
    const v = await runCli(['validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(v.stderr);
  });

  it('names a missing file and a wrong argument count', async () => {
    const missing = await runCli(['diff', base, 'plans/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'plans/nope.yaml: error RB100 cannot read plan: no such file [file-unreadable]\n  hint: check the path, or name a git revision as REV:path (e.g. HEAD~1:plans/sqlite-to-pg.yaml)\n',
    );
    const one = await runCli(['diff', base]);
    expect(one).toEqual({ code: 2, stdout: '', stderr: 'runbook diff takes two plans (OLD NEW), got 1\n' });
    const format = await runCli(['diff', '--format', 'html', base, base]);
    expect(format).toEqual({ code: 2, stdout: '', stderr: 'runbook diff: unknown format "html"; expected text, markdown or json\n' });
  });
});

// Uses the built binary (bin/runbook.js): `npm test` builds first; run `npm run build` before running this file alone.
describe('runbook diff with git', () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  const bin = resolve('bin/runbook.js');

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'runbook-diff-git-'));
    git('init', '-q');
    writeFileSync(join(repo, '.gitattributes'), 'plans/*.yaml diff=runbook\n');
    execFileSync('mkdir', ['-p', join(repo, 'plans')]);
    copyFileSync(base, join(repo, 'plans/switch.yaml'));
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    copyFileSync(`${dir}/gate-removed.yaml`, join(repo, 'plans/switch.yaml'));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('reads REV:path from git', async () => {
    const r = await runBin(['diff', 'HEAD:plans/switch.yaml', 'plans/switch.yaml'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'HEAD:plans/switch.yaml → plans/switch.yaml',
      '- step "stop-writes" (confirm)',
      '    ! gate removed: confirm "stop-writes" no longer stops the run before "switch-env" (env-switch)',
    ]);
    const bad = await runBin(['diff', 'HEAD:plans/none.yaml', 'plans/switch.yaml'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "HEAD:plans/none.yaml: error RB100 cannot read plan from git: path 'plans/none.yaml' does not exist in 'HEAD' [file-unreadable]\n  hint: REV:path takes the path from the top of the repository, or ./path from the current directory\n",
    );
  });

  it("as a git driver, prints an invalid plan's findings into the diff and exits 0 so git goes on", async () => {
    const bad = resolve('test/fixtures/plans/err/unknown-kind.yaml');
    const r = await runBin(['diff', '--git-driver', 'plans/x.yaml', '/dev/null', '0000000', '.', bad, 'abc1234', '100644']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('b/plans/x.yaml:5:11: error RB205 unknown step kind "sql-chek" in step "check" [unknown-kind]');
    const wrong = await runBin(['diff', '--git-driver', 'a', 'b']);
    expect(wrong).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'runbook diff --git-driver takes the 7 arguments git passes to an external diff (path old-file old-hex old-mode new-file new-hex new-mode), got 2\n',
    });
  });

  it('runs as the external diff driver of `git diff`', () => {
    const out = git('-c', `diff.runbook.command=node ${bin} diff --git-driver`, 'diff');
    expect(out).toBe(
      [
        'a/plans/switch.yaml → b/plans/switch.yaml',
        '- step "stop-writes" (confirm)',
        '    ! gate removed: confirm "stop-writes" no longer stops the run before "switch-env" (env-switch)',
        '',
        '1 change, 1 risk note',
        '',
      ].join('\n'),
    );
  });

  it('shows an added plan in `git log -p` with every step added', () => {
    git('commit', '-q', '-am', 'second');
    const log = git('-c', `diff.runbook.command=node ${bin} diff --git-driver`, 'log', '-p', '--ext-diff', '--format=commit %s');
    expect(log).toContain('commit second\n\na/plans/switch.yaml → b/plans/switch.yaml\n- step "stop-writes" (confirm)\n');
    expect(log).toContain(
      '+plans/*.yaml diff=runbook\na/plans/switch.yaml → b/plans/switch.yaml\n~ plan "switch-app"\n    title: Switch the app to the new database\n',
    );
    expect(log).toContain('+ step "restart" (shell)\n');
    expect(readFileSync(join(repo, 'plans/switch.yaml'), 'utf8')).toContain('Diff case: gate-removed');
  });

  it('hides a comment-only change behind the driver; `git diff --no-ext-diff` shows it, `git show` needs --ext-diff for the driver', () => {
    const driver = ['-c', `diff.runbook.command=node ${bin} diff --git-driver`];
    const file = join(repo, 'plans/switch.yaml');
    writeFileSync(file, `# Reviewed by the release team.\n${readFileSync(file, 'utf8')}`);
    expect(git(...driver, 'diff')).toBe('a/plans/switch.yaml and b/plans/switch.yaml mean the same\n');
    expect(git(...driver, 'diff', '--no-ext-diff')).toContain('+# Reviewed by the release team.\n');
    git('commit', '-q', '-am', 'comment');
    expect(git(...driver, 'show', '--format=')).toContain('+# Reviewed by the release team.\n');
    expect(git(...driver, 'show', '--ext-diff', '--format=')).toBe('a/plans/switch.yaml and b/plans/switch.yaml mean the same\n');
  });
});
