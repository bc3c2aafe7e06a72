import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoUsage } from '../../../src/demo/demo-options.js';
import { freePort } from '../../helpers/embedded-pg.js';

/** What a demo process printed and how it ended. */
interface DemoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built demo (`npm run demo` without the build) as a process; `interruptAt` sends Ctrl-C when stdout shows that text. */
function runDemo(args: readonly string[], interruptAt?: string): Promise<DemoRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve('dist/demo/run-demo.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (interruptAt !== undefined && stdout.includes(interruptAt) && !child.killed) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function captured(text: string, pattern: RegExp): string {
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`no ${pattern} in:\n${text}`);
  return match[1];
}

/** Whether something still accepts connections on a loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

/** Asserts the demo stopped the app and PostgreSQL and kept its workspace (removed after the tests). */
async function expectCleanedUp(run: DemoRun): Promise<string> {
  const workspace = captured(run.stdout, /^ {2}workspace {3}(\S+)/m);
  expect(run.stdout).toContain(`stopped the app and PostgreSQL; the workspace stays in ${workspace}\n`);
  expect(await listening(Number(captured(run.stdout, /^ {2}PostgreSQL .* on 127\.0\.0\.1:(\d+),/m)))).toBe(false);
  expect(await listening(Number(captured(run.stdout, /^ {2}the app {5}stand-in on http:\/\/127\.0\.0\.1:(\d+),/m)))).toBe(false);
  expect(existsSync(join(workspace, 'catalogue.db'))).toBe(true);
  workspaces.push(workspace);
  return workspace;
}

/**
 * Asserts the demo's account of a rollback after switch-env: the app serves from SQLite, .env has
 * its sha256 from before the run, catalogue.db had its sha256 from before when the rollback
 * reached it (the report's note; the app writes to it when it starts again), and since then holds
 * every row of the backup plus only the app's own start-up writes.
 */
function expectRolledBack(run: DemoRun): void {
  expect(run.stdout).toMatch(/^the app {5}serves from sqlite \(600 files, /m);
  expect(run.stdout).toMatch(/^\.env {8}back as before \(sha256 [0-9a-f]{12}… as before\)$/m);
  const report = readFileSync(captured(run.stdout, /^report: (\S+)$/m), 'utf8');
  expect(report).toMatch(/ — restored \S+\/\.env byte-for-byte$/m);
  expect(report).toMatch(/ — catalogue\.db unchanged since the backup; nothing to restore$/m);
  expect(run.stdout).toMatch(
    /^catalogue {3}every row of the backup \S+\/backups\/catalogue_before_pg_\d{8}_\d{6}\.db is there; rows the app wrote since its restart: task_records 1, user_action_log \d+$/m,
  );
}

describe('npm run demo', () => {
  it('runs the default plan to the end on the ports asked for, says what the app serves, and stops everything it started', async () => {
    const [pgPort, appPort] = [await freePort(), await freePort()];
    const run = await runDemo(['--', '--pg-port', String(pgPort), '--app-port', String(appPort)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`(embedded) on 127.0.0.1:${pgPort}, database agregator\n`);
    expect(run.stdout).toContain(`  the app     stand-in on http://127.0.0.1:${appPort}, serving from sqlite\n`);
    const workspace = await expectCleanedUp(run);
    expect(run.stdout).toMatch(
      /^the app {5}serves from postgresql \(600 files, http:\/\/127\.0\.0\.1:\d+\/api\/admin\/status\/overview\)$/m,
    );
    const report = captured(run.stdout, /^report: (\S+)$/m);
    expect(run.stdout.match(/^report:/gm)).toHaveLength(1);
    expect(readFileSync(report, 'utf8')).toMatch(/^# Migrate Agregator from SQLite to PostgreSQL: succeeded$/m);
    expect(run.stdout).toContain(`look:       cd ${workspace} && node ${resolve('bin/runbook.js')} show last\n`);
    expect(readFileSync(join(workspace, '.env'), 'utf8')).toMatch(
      /^DATABASE_URL=postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/agregator$/m,
    );
  });

  it('passes --fail-at on to the run and shows what the rollback gave back', async () => {
    // smoke fails after switch-env and the restart on PostgreSQL: .env and the app need the rollback.
    // As `npm run demo -- --fail-at smoke` would pass it when run directly: the separator is kept.
    const run = await runDemo(['--', '--fail-at', 'smoke']);
    expect(run.code).toBe(1);
    await expectCleanedUp(run);
    expect(run.stdout).toMatch(/^ {2}plan {8}plans\/sqlite-to-pg\.yaml \(step "smoke" is made to fail, to show the rollback\)$/m);
    expectRolledBack(run);
  });

  it('on Ctrl-C during the run rolls back, shows .env and catalogue.db as before, and still stops everything', async () => {
    const run = await runDemo([], '▶ 21/28 restart');
    expect(run.code).toBe(130);
    await expectCleanedUp(run);
    expectRolledBack(run);
  });

  it('refuses an unknown option before starting anything', async () => {
    const run = await runDemo(['--keep']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`demo: unknown option "--keep"\n${demoUsage}`);
  });

  it('refuses a --pg-port or --app-port that is taken, before starting anything', async () => {
    const taken = createServer();
    await new Promise<void>((up) => taken.listen(0, '127.0.0.1', up));
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const option of ['--pg-port', '--app-port']) {
        const run = await runDemo([option, String(port)]);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(
          `demo: port ${port} (${option}) is in use on 127.0.0.1\n  hint: name another port, or leave ${option} out for a free one\n`,
        );
      }
    } finally {
      taken.close();
    }
  });
});
