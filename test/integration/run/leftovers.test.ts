import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cleanLeftovers, crashTrail } from '../../../src/run/leftovers.js';
import { procStat } from '../../../src/steps/process/proc.js';
import { runCli } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

/** Starts the built runner (`npm run build`) as a real process, as an operator would, leading its own process group. */
function runner(ws: Workspace, plan: string) {
  return spawn(process.execPath, [resolve('bin/runbook.js'), 'exec', plan, '--yes'], {
    cwd: ws.dir,
    env: { ...process.env, CI: '1' },
    stdio: 'ignore',
    detached: true,
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 2));
}

/** The shell step has started and runbook has noted its process group (a few microseconds after the spawn). */
function childNoted(ws: Workspace): boolean {
  const runs = join(ws.dir, '.runbook', 'runs');
  if (!existsSync(join(ws.dir, 'started')) || !existsSync(runs)) return false;
  const leftovers = join(ws.lastRunDir(), 'leftovers');
  return existsSync(leftovers) && readdirSync(leftovers).some((f) => f.startsWith('group-'));
}

/**
 * Kills the runner with SIGKILL; `withWatchdog` kills its whole process group, the watchdog too
 * (as when a session is killed), so only the next command is left to clean up.
 */
async function kill9(child: ReturnType<typeof spawn>, options: { withWatchdog?: boolean } = {}): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  if (options.withWatchdog) process.kill(-child.pid!, 'SIGKILL');
  else child.kill('SIGKILL');
  await exited;
}

/** A process is running when /proc has it and it is not a zombie waiting to be reaped. */
const running = (pid: number) => {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z';
};

const childPlan = `version: 1
name: child
steps:
  - id: wait
    kind: shell
    run: sleep 1000 & echo $! > sleep.pid; touch started; wait
`;

/** Runs the child plan, kills the runner once its child is noted, and says which sleep it left. */
async function killedWhileChildRuns(options: { withWatchdog?: boolean } = {}) {
  const ws = workspace();
  const plan = ws.write('plan.yaml', childPlan);
  const first = runner(ws, plan);
  await until(() => childNoted(ws));
  const deadRun = ws.lastRunDir().split('/').pop()!;
  const sleepPid = Number(readFileSync(join(ws.dir, 'sleep.pid'), 'utf8'));
  await kill9(first, options);
  return { ws, plan, deadRun, sleepPid };
}

describe('after a runner is killed with SIGKILL', () => {
  it('its watchdog ends the child processes it was running at once', async () => {
    const { ws, plan, sleepPid } = await killedWhileChildRuns();
    await until(() => !running(sleepPid));
    // Nothing left for the next command to end; it still names the dead run and refuses to start.
    const next = await runCli(['exec', plan], { cwd: ws.dir });
    expect(next.stderr).toMatch(/is no longer running \(killed or crashed\) but still holds [^\n]*\n {2}hint: /);
  });

  it('when the watchdog died too, the next command ends the child processes it left, checked by start time, and says so', async () => {
    const { ws, plan, sleepPid } = await killedWhileChildRuns({ withWatchdog: true });
    // The failure for real: the runner is gone, its child still runs.
    expect(running(sleepPid)).toBe(true);

    const next = await runCli(['exec', plan], { cwd: ws.dir });
    expect(next.code).toBe(2);
    expect(next.stderr).toMatch(
      /is no longer running \(killed or crashed\) but still holds .*; what it left was cleaned up:\n {2}- ended process group \d+ \(2 processes: sh, sleep\)\n/,
    );
    expect(running(sleepPid)).toBe(false);
    expect(readdirSync(ws.lastRunDir())).not.toContain('leftovers');
  });

  it('a run started after the lock was removed by hand still ends them, and its report names them', async () => {
    const { ws, deadRun, sleepPid } = await killedWhileChildRuns({ withWatchdog: true });
    expect(running(sleepPid)).toBe(true);
    rmSync(join(ws.dir, '.runbook', 'lock'));
    const quick = ws.write('quick.yaml', 'version: 1\nname: quick\nsteps:\n  - id: a\n    kind: shell\n    run: "true"\n');

    const next = await runCli(['exec', quick], { cwd: ws.dir });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(
      new RegExp(
        `^runbook: run ${deadRun} died and left things behind; cleaned up:\\n {2}- ended process group \\d+ \\(2 processes: sh, sleep\\)\\n$`,
      ),
    );
    expect(running(sleepPid)).toBe(false);
    expect(readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8')).toMatch(
      new RegExp(`## Left by run ${deadRun} \\(it died\\)\\n\\n- ended process group \\d+ \\(2 processes: sh, sleep\\)\\n`),
    );
    expect(ws.lastJournal().find((e) => e.type === 'earlier-run-cleaned')).toMatchObject({ runId: deadRun });
  });

  it('the next command removes the temp file of a backup that was being written', async () => {
    const ws = workspace();
    const db = new Database(join(ws.dir, 'catalogue.db'));
    db.exec('create table files (id integer primary key, body blob)');
    const insert = db.prepare('insert into files (body) values (randomblob(16384))');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run();
    })();
    db.close();
    const plan = ws.write(
      'plan.yaml',
      'version: 1\nname: backup\nconnections:\n  catalogue: { sqlite: catalogue.db }\nsteps:\n  - id: backup\n    kind: sqlite-backup\n    source: catalogue\n    to: backups/catalogue_before_pg.db\n',
    );
    const backups = join(ws.dir, 'backups');
    const temps = () => (existsSync(backups) ? readdirSync(backups).filter((f) => f.endsWith('.tmp')) : []);
    // Kill it while the temp file exists; if the copy was quicker than the kill, try again.
    let left: string[] = [];
    for (let attempt = 0; attempt < 10 && left.length === 0; attempt++) {
      rmSync(backups, { recursive: true, force: true });
      rmSync(join(ws.dir, '.runbook', 'lock'), { force: true });
      const first = runner(ws, plan);
      await until(() => temps().length > 0 || first.exitCode !== null);
      await kill9(first);
      left = temps();
    }
    const deadRun = ws.lastRunDir().split('/').pop()!;
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.catalogue_before_pg\\.db\\.${deadRun}-[0-9a-f]{12}\\.tmp$`))]);

    const next = await runCli(['exec', plan], { cwd: ws.dir });
    expect(next.code).toBe(2);
    expect(next.stderr).toContain(`what it left was cleaned up:\n  - removed temp file ${join(backups, left[0]!)}`);
    expect(temps()).toEqual([]);
    expect(readdirSync(backups).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a recorded group whose leader is another process now (a reused pid) is left alone', async () => {
    const ws = workspace();
    const sleeper = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
    const pgid = sleeper.pid!;
    try {
      crashTrail(ws.dir, 'dead-run').processGroup(pgid);
      const record = join(ws.dir, 'leftovers', `group-${pgid}.json`);
      const real = readFileSync(record, 'utf8');
      writeFileSync(record, real.replace(/"start":"\d+"/, '"start":"1"'));
      expect(await cleanLeftovers(ws.dir, 'dead-run')).toEqual({ runId: 'dead-run', done: [] });
      expect(running(pgid)).toBe(true);
      mkdirSync(join(ws.dir, 'leftovers'), { recursive: true });
      writeFileSync(record, real);
      expect(await cleanLeftovers(ws.dir, 'dead-run')).toEqual({
        runId: 'dead-run',
        done: [`ended process group ${pgid} (1 process: sleep)`],
      });
      expect(running(pgid)).toBe(false);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});
