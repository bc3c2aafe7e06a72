import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockPath, type LockHolder } from '../../../src/run/lock.js';
import { unlockWorkspace } from '../../../src/run/unlock.js';
import { processStart } from '../../../src/steps/process/proc.js';
import { workspace } from '../../helpers/workspace.js';

interface RaceCounts {
  readonly acquisitions: number;
  readonly breaks: number;
  readonly refusals: number;
  readonly wrongStates: number;
}

/** Runs one racing process (the built lock module, from `npm run build`) and reads its counts. */
function racer(dir: string, ms: number): Promise<RaceCounts> {
  const child = spawn(process.execPath, [resolve('test/helpers/lock-race-worker.mjs'), resolve('dist/run/lock.js'), dir, String(ms)]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done) => child.on('exit', () => done(JSON.parse(out) as RaceCounts)));
}

/** A process that has exited, for a lock whose holder is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

function writeLock(dir: string, holder: Partial<LockHolder> | string): string {
  mkdirSync(join(dir, '.runbook'), { recursive: true });
  const text =
    typeof holder === 'string'
      ? holder
      : `${JSON.stringify({ runId: 'r1', host: hostname(), startedAt: '2026-01-02T03:04:05.000Z', ...holder })}\n`;
  writeFileSync(lockPath(dir), text);
  return text;
}

describe('the workspace lock', () => {
  it('keeps mutual exclusion between two processes taking and releasing it for seconds', async () => {
    const ws = workspace();
    const racing = [racer(ws.dir, 3000), racer(ws.dir, 3000)];
    writeFileSync(join(ws.dir, 'go'), '');
    const [a, b] = await Promise.all(racing);
    const total = a!.acquisitions + b!.acquisitions;
    console.log(
      `lock race: ${total} acquisitions (${a!.acquisitions} + ${b!.acquisitions}), ${a!.refusals + b!.refusals} refusals, ${a!.breaks + b!.breaks} breaks`,
    );
    expect(a!.breaks + b!.breaks).toBe(0);
    expect(a!.wrongStates + b!.wrongStates).toBe(0);
    // Both really raced: each got the lock many times and was refused while the other held it.
    expect(a!.acquisitions).toBeGreaterThan(20);
    expect(b!.acquisitions).toBeGreaterThan(20);
    expect(a!.refusals + b!.refusals).toBeGreaterThan(0);
    expect(existsSync(lockPath(ws.dir))).toBe(false);
  });

  it('holds host, pid, run id, start time and the process start, and is released only by its holder', () => {
    const ws = workspace();
    const lock = acquireLock(ws.dir, 'run-a', new Date('2026-01-02T03:04:05Z'));
    expect(lock.ok).toBe(true);
    const held = JSON.parse(readFileSync(lockPath(ws.dir), 'utf8')) as LockHolder;
    expect(held).toMatchObject({
      runId: 'run-a',
      host: hostname(),
      pid: process.pid,
      startedAt: '2026-01-02T03:04:05.000Z',
      processStart: processStart(process.pid),
    });
    const second = acquireLock(ws.dir, 'run-b');
    expect(second).toMatchObject({ ok: false, state: 'running', holder: { runId: 'run-a' } });
    if (lock.ok) lock.release();
    expect(existsSync(lockPath(ws.dir))).toBe(false);
  });

  it('reports a lock whose process is gone as stale and never takes it', async () => {
    const ws = workspace();
    const text = writeLock(ws.dir, { pid: await deadPid() });
    expect(acquireLock(ws.dir, 'next')).toMatchObject({ ok: false, state: 'gone', holder: { runId: 'r1' } });
    expect(readFileSync(lockPath(ws.dir), 'utf8')).toBe(text);
  });

  it('tells a reused pid from the process that took the lock by its start time', () => {
    const ws = workspace();
    writeLock(ws.dir, { pid: process.pid, processStart: '1' });
    expect(acquireLock(ws.dir, 'next')).toMatchObject({ ok: false, state: 'gone' });
  });

  it('never judges a holder on another host, and never deletes an empty or torn lock file', () => {
    const ws = workspace();
    writeLock(ws.dir, { pid: 1, host: 'elsewhere.example' });
    expect(acquireLock(ws.dir, 'next')).toMatchObject({ ok: false, state: 'elsewhere' });
    const torn = workspace();
    writeLock(torn.dir, '{"runId":"r1","ho');
    expect(acquireLock(torn.dir, 'next')).toMatchObject({ ok: false, state: 'unreadable' });
    expect(readFileSync(lockPath(torn.dir), 'utf8')).toBe('{"runId":"r1","ho');
  });

  it('is taken over only by an explicit unlock, which refuses a live holder and records the takeover', async () => {
    const ws = workspace();
    const live = acquireLock(ws.dir, 'live-run');
    expect(await unlockWorkspace(ws.dir, { force: false })).toMatchObject({
      ok: false,
      message: expect.stringContaining(`run live-run (pid ${process.pid} on host ${hostname()}`),
    });
    if (live.ok) live.release();

    const pid = await deadPid();
    writeLock(ws.dir, { pid });
    const r = await unlockWorkspace(ws.dir, { force: false, now: new Date('2026-01-02T05:00:00Z') });
    expect(r).toMatchObject({
      ok: true,
      message: expect.stringContaining(`took over the lock of run r1 (pid ${pid} on host ${hostname()}, started 2026-01-02T03:04:05.000Z)`),
    });
    expect(existsSync(lockPath(ws.dir))).toBe(false);
    const record = JSON.parse(readFileSync(join(ws.dir, '.runbook/runs/r1/lock-taken-over.json'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({
      at: '2026-01-02T05:00:00.000Z',
      by: { host: hostname(), pid: process.pid },
      holder: { runId: 'r1', pid },
      holderWas: 'gone',
      forced: false,
    });

    writeLock(ws.dir, { pid: 1, host: 'elsewhere.example' });
    expect(await unlockWorkspace(ws.dir, { force: false })).toMatchObject({ ok: false });
    expect(await unlockWorkspace(ws.dir, { force: true })).toMatchObject({ ok: true });
    expect(acquireLock(ws.dir, 'after').ok).toBe(true);
  });

  it('never takes a run id that is a path as the directory to clean and write the takeover in', async () => {
    const ws = workspace();
    const outside = join(ws.dir, 'outside');
    mkdirSync(outside);
    writeLock(ws.dir, { runId: '../../outside', pid: await deadPid() });
    expect(await unlockWorkspace(ws.dir, { force: false })).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not name a run'),
    });
    expect(await unlockWorkspace(ws.dir, { force: true })).toMatchObject({ ok: true });
    expect(existsSync(join(outside, 'lock-taken-over.json'))).toBe(false);
    expect(existsSync(lockPath(ws.dir))).toBe(false);
  });
});
