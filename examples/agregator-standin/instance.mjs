// Finding and stopping the running stand-in through its pid file, without ever signalling a
// process that is not ours (pid files go stale and pids get reused).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether a process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** The pid in the pid file when that process is alive and is a stand-in server; else undefined. */
export function runningPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server.mjs')) return undefined;
  } catch {
    // No /proc here: the pid is alive, which is all this system can tell.
  }
  return pid;
}

/** Stops the running instance (SIGTERM, then SIGKILL after 10 s) and removes the pid file. */
export async function stopInstance(pidFile) {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return { stopped: false };
  }
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 100) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  rmSync(pidFile, { force: true });
  return { stopped: true, pid };
}

/** The last lines of a log file, for error messages. */
export function logTail(path, lines = 10) {
  if (!existsSync(path)) return '(no log yet)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
