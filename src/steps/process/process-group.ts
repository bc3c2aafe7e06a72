import { readdirSync, readFileSync } from 'node:fs';

/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

const POLL_MS = 25;

/**
 * True while a live process of the group exists. Where /proc is readable, zombies do not count:
 * in a container whose PID 1 never reaps, orphans stay zombies forever and would hold up the wait.
 */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the command name in parentheses: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false;
    }
  });
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we want.
  }
}

/**
 * Stops every process of a group: SIGTERM first so programs can clean up, SIGKILL for whatever
 * is still there after the grace. Resolves when the group is gone or SIGKILL has been sent.
 */
export async function killProcessGroup(pgid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupExists(pgid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  signalGroup(pgid, 'SIGKILL');
}

/**
 * Kills the group with SIGKILL if this process exits while it runs: a detached child would
 * otherwise outlive `runbook`. Returns the function that removes the guard.
 */
export function killGroupOnExit(pgid: number): () => void {
  const onExit = () => signalGroup(pgid, 'SIGKILL');
  process.once('exit', onExit);
  return () => process.off('exit', onExit);
}
