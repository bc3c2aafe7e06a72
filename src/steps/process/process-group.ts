import { groupMembers } from './proc.js';

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
  const members = groupMembers(pgid);
  return members === undefined || members.length > 0;
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
