import { join } from 'node:path';
import { cleanLeftovers, type Cleanup } from './leftovers.js';
import { describeHolder, lockPath, type LockAttempt } from './lock.js';
import { runsRoot } from './run-dir.js';

/** The lines that say what was cleaned up after a dead run. */
export function cleanupText(c: Cleanup): string {
  return `runbook: run ${c.runId} died and left things behind; cleaned up:\n${c.done.map((d) => `  - ${d}\n`).join('')}`;
}

/**
 * Why a run cannot start because of the lock, naming its holder and the way out. When the holder
 * is gone, what its run left (processes, temp files) is ended and removed first — that is safe,
 * it is verified to be the dead run's — but the lock itself is never taken over here.
 */
export async function lockRefusal(
  cwd: string,
  attempt: Extract<LockAttempt, { ok: false }>,
): Promise<{ ok: false; message: string; hint: string }> {
  const path = lockPath(cwd);
  if (attempt.state === 'unreadable') {
    return {
      ok: false,
      message: `the lock ${path} does not name a run (it holds ${JSON.stringify(attempt.text.slice(0, 80))}), so runbook cannot tell whether another run is in progress in ${cwd}`,
      hint: 'make sure no runbook runs in this directory, then take the lock over with "runbook unlock --force"',
    };
  }
  const who = describeHolder(attempt.holder);
  if (attempt.state === 'running')
    return {
      ok: false,
      message: `another run is in progress in ${cwd}: ${who}`,
      hint: 'wait for it to finish, or stop it with Ctrl-C (it rolls back)',
    };
  if (attempt.state === 'elsewhere') {
    return {
      ok: false,
      message: `the lock ${path} is held by ${who}, and runbook cannot check a process on another host`,
      hint: `if that run is over, take the lock over with "runbook unlock --force" (the takeover is recorded in .runbook/runs/${attempt.holder.runId})`,
    };
  }
  const cleaned = await cleanLeftovers(join(runsRoot(cwd), attempt.holder.runId), attempt.holder.runId);
  const what = cleaned.done.length > 0 ? `; what it left was cleaned up:\n${cleaned.done.map((d) => `  - ${d}`).join('\n')}` : '';
  return {
    ok: false,
    message: `${who} is no longer running (killed or crashed) but still holds ${path}${what}`,
    hint: `its journal and report are in .runbook/runs/${attempt.holder.runId}; see what it changed, then take the lock over with "runbook unlock" (the takeover is recorded there)`,
  };
}
