import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../engine/events.js';
import { Journal } from './journal.js';
import { cleanLeftovers } from './leftovers.js';
import { describeHolder, holderState, lockPath, readLock, takeOverLock } from './lock.js';
import { runsRoot } from './run-dir.js';

/** Appends the takeover to the dead run's journal, when it has one: the journal tells the whole story of the run. */
async function journalTakeover(journalPath: string, event: RunEvent): Promise<void> {
  if (!existsSync(journalPath)) return;
  const journal = new Journal(journalPath);
  journal.append(event);
  await journal.close().catch(() => {});
}

/** What `runbook unlock` did, or why it did nothing. */
export type UnlockOutcome =
  | { readonly ok: true; readonly message: string; readonly cleaned: readonly string[]; readonly record?: string }
  | { readonly ok: false; readonly message: string; readonly hint: string };

/**
 * Takes over the workspace lock of a run that is gone, as the operator asked: ends what that run
 * left running, removes its temp files, removes the lock (only if it is still the one checked),
 * and records the takeover in that run's directory as `lock-taken-over.json`. A holder that
 * still runs is never taken over; one on another host, or an unreadable lock, needs `force`.
 */
export async function unlockWorkspace(
  cwd: string,
  options: { readonly force: boolean; readonly now?: Date; readonly runId?: string },
): Promise<UnlockOutcome> {
  const path = lockPath(cwd);
  const found = readLock(path);
  if (found === undefined) return { ok: true, message: `no lock in ${cwd}: nothing to take over`, cleaned: [] };
  const seen = readFileSync(path, 'utf8');
  if ('text' in found && !options.force) {
    return {
      ok: false,
      message: `the lock ${path} does not name a run, so runbook cannot check that no run holds it`,
      hint: 'make sure no runbook runs in this directory, then run "runbook unlock --force"',
    };
  }
  const holder = 'holder' in found ? found.holder : undefined;
  if (options.runId !== undefined && !(holder?.runId.startsWith(options.runId) ?? false)) {
    return {
      ok: false,
      message: `the lock ${path} is ${holder ? `held by run ${holder.runId}` : 'unreadable'}, not by run ${options.runId}; nothing was taken over`,
      hint: 'run "runbook unlock" without a run id to see who holds it',
    };
  }
  const state = holder ? holderState(holder) : 'unreadable';
  if (holder && state === 'running') {
    return {
      ok: false,
      message: `${describeHolder(holder)} is still running; its lock is not taken over`,
      hint: `stop it with Ctrl-C in its terminal or "kill -TERM ${holder.pid}" (it rolls back), or wait for it to finish`,
    };
  }
  if (holder && state === 'elsewhere' && !options.force) {
    return {
      ok: false,
      message: `the lock is held by ${describeHolder(holder)}; runbook cannot check a process on another host`,
      hint: 'make sure that run is over, then run "runbook unlock --force"',
    };
  }
  const cleaned = holder && state === 'gone' ? (await cleanLeftovers(join(runsRoot(cwd), holder.runId), holder.runId)).done : [];
  const taken = takeOverLock(cwd, seen);
  if (!taken.ok)
    return {
      ok: false,
      message: `the lock was not taken over: ${taken.reason}`,
      hint: 'run "runbook unlock" again to see who holds it now',
    };
  const what = holder ? describeHolder(holder) : 'an unreadable lock';
  if (!holder) return { ok: true, message: `took over ${what} (${path} is removed)`, cleaned };
  const dir = join(runsRoot(cwd), holder.runId);
  const record = join(dir, 'lock-taken-over.json');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const at = (options.now ?? new Date()).toISOString();
  writeFileSync(
    record,
    `${JSON.stringify({ at, by: { host: hostname(), pid: process.pid }, holder, holderWas: state, forced: options.force, cleaned }, null, 2)}\n`,
    { mode: 0o600 },
  );
  await journalTakeover(join(dir, 'journal.jsonl'), {
    type: 'lock-taken-over',
    at,
    host: hostname(),
    pid: process.pid,
    lock: path,
    holderWas: state,
    forced: options.force,
  });
  return { ok: true, message: `took over the lock of ${what}; the takeover is recorded in ${record}`, cleaned, record };
}
