import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

const example = resolve('examples/plugins/tcp-port.mjs');
const bin = resolve('bin/runbook.js');

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const plan = (opts: { plugins?: string; wait?: string } = {}) => `version: 1
name: wait-for-app
${opts.plugins ?? 'plugins: [../kinds/tcp-port.mjs]'}
vars:
  port: { type: integer, default: ${port} }
steps:
  - id: app-up
    kind: tcp-port
    port: "{{vars.port}}"
    wait_seconds: ${opts.wait ?? 5}
`;

/** A workspace laid out like a repository: plans/ and the plug-in in kinds/. */
function repoLike(): Workspace {
  const ws = workspace();
  mkdirSync(join(ws.dir, 'plans'));
  mkdirSync(join(ws.dir, 'kinds'));
  copyFileSync(example, join(ws.dir, 'kinds/tcp-port.mjs'));
  ws.write('plans/wait.yaml', plan());
  return ws;
}

describe('a plug-in kind loaded by path (real processes)', () => {
  it('is known to validate, and the plan is invalid without it', async () => {
    const ws = repoLike();
    expect(await runBin(['validate', 'plans/wait.yaml'], { cwd: ws.dir })).toMatchObject({ code: 0, stdout: 'plans/wait.yaml: valid\n' });
    ws.write('plans/bare.yaml', plan({ plugins: '' }));
    const bare = await runBin(['validate', 'plans/bare.yaml'], { cwd: ws.dir });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('unknown step kind "tcp-port"');
    expect(await runBin(['validate', 'plans/bare.yaml', '--plugin', 'kinds/tcp-port.mjs'], { cwd: ws.dir })).toMatchObject({ code: 0 });
  });

  it('runs in exec, its integer field given by a template', async () => {
    const ws = repoLike();
    const r = await runBin(['exec', 'plans/wait.yaml'], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = ws.lastJournal();
    expect(events.find((e) => e.type === 'step-start')).toMatchObject({ step: 'app-up', kind: 'tcp-port', inputs: { port } });
    expect(events.find((e) => e.type === 'step-output')).toMatchObject({ outputs: { attempts: 1 } });
  });

  it('fails a step in exec the way the kind says (nothing listens)', async () => {
    const ws = repoLike();
    ws.write('plans/wait.yaml', plan({ wait: '0' }));
    const r = await runBin(['exec', 'plans/wait.yaml', '--var', 'port=1'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(ws.lastJournal().find((e) => e.type === 'step-end')).toMatchObject({
      status: 'failed',
      error: '127.0.0.1:1 still refuses connections after 1 attempt(s)',
    });
  });

  it('is known to diff, and to `git diff` through the driver', async () => {
    const ws = repoLike();
    ws.write('plans/new.yaml', plan({ wait: '30' }));
    const d = await runBin(['diff', 'plans/wait.yaml', 'plans/new.yaml'], { cwd: ws.dir });
    expect(d.stderr).toBe('');
    expect(d.code).toBe(1);
    expect(d.stdout).toContain('~ step "app-up" (tcp-port)');
    expect(d.stdout).toContain('wait_seconds: 5 → 30');
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: ws.dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
      });
    git('init', '-q');
    writeFileSync(join(ws.dir, '.gitattributes'), 'plans/*.yaml diff=runbook\n');
    git('add', 'plans/wait.yaml', 'kinds', '.gitattributes');
    git('commit', '-q', '-m', 'first');
    ws.write('plans/wait.yaml', plan({ wait: '30' }));
    const out = git('-c', `diff.runbook.command=node ${bin} diff --git-driver`, 'diff', 'plans/wait.yaml');
    expect(out).toContain('a/plans/wait.yaml → b/plans/wait.yaml\n~ step "app-up" (tcp-port)\n');
    expect(out).toContain('wait_seconds: 5 → 30');
    expect(out).not.toContain('error');
  });
});

describe('a plug-in that does not load or breaks the contract: a clear error, exit 2', () => {
  const cases: [string, string, string][] = [
    ['a missing file', '', 'plans/p.yaml:3:11: error RB601 plug-in "../kinds/missing.mjs" not found: no file '],
    [
      'a module that throws',
      'throw new Error("needs a licence key");',
      'plans/p.yaml:3:11: error RB601 plug-in "../kinds/bad.mjs" failed to load: needs a licence key [plugin-load]',
    ],
    [
      'a kind without run',
      'export default { kind: "half", summary: "s", schema: { properties: {} }, outputs: () => [], describe: () => [] };',
      'plans/p.yaml:3:11: error RB602 plug-in "../kinds/bad.mjs": kind "half" has no "run" function [plugin-contract]',
    ],
    [
      'a kind named like a built-in',
      'export default { kind: "shell", summary: "s", schema: { properties: {} }, outputs: () => [], describe: () => [], run: async () => ({ ok: true, outputs: {} }) };',
      'plans/p.yaml:3:11: error RB602 plug-in "../kinds/bad.mjs": kind "shell" is already registered (a built-in kind or another plug-in) [plugin-contract]',
    ],
    [
      'a module with no kind',
      'export const x = 1;',
      'plans/p.yaml:3:11: error RB602 plug-in "../kinds/bad.mjs" exports no step kind [plugin-contract]',
    ],
  ];
  it.each(cases)('%s', async (_, source, message) => {
    const ws = repoLike();
    mkdirSync(join(ws.dir, 'kinds'), { recursive: true });
    if (source) ws.write('kinds/bad.mjs', source);
    ws.write('plans/p.yaml', plan({ plugins: `plugins: [../kinds/${source ? 'bad' : 'missing'}.mjs]` }));
    for (const command of ['validate', 'exec', 'plan']) {
      const r = await runBin([command, 'plans/p.yaml'], { cwd: ws.dir });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('names the command line for --plugin', async () => {
    const ws = repoLike();
    const r = await runBin(['validate', 'plans/wait.yaml', '--plugin', 'no-such-runbook-plugin'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      '<command line>: error RB601 plug-in package "no-such-runbook-plugin" is not installed where the plan is (' +
        ws.dir +
        ') [plugin-load]',
    );
  });
});
