import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Who holds the workspace lock, when taking it failed. */
export interface LockHolder {
  readonly pid: number;
  readonly runId: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `.runbook/lock` so two runs never change the same system at once. A lock left by a
 * process that no longer exists is taken over.
 */
export function acquireLock(cwd: string, runId: string): { ok: true; release: () => void } | { ok: false; holder: LockHolder } {
  const path = join(cwd, '.runbook', 'lock');
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, runId }));
      closeSync(fd);
      return { ok: true, release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: LockHolder | undefined;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
      } catch {
        holder = undefined;
      }
      if (holder && alive(holder.pid)) return { ok: false, holder };
      rmSync(path, { force: true });
    }
  }
  return { ok: false, holder: { pid: 0, runId: 'unknown' } };
}
