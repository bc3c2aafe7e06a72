import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { bootId, processStart, procStat } from '../steps/process/proc.js';

/** Who holds a workspace lock: written once, complete, before the lock file appears. */
export interface LockHolder {
  readonly runId: string;
  readonly host: string;
  readonly pid: number;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
  /** The holder's start in clock ticks after boot (from /proc), so a reused pid is told apart. */
  readonly processStart?: string;
  readonly bootId?: string;
}

/** Whether a lock's holder still runs: `elsewhere` when it is on another host and cannot be checked. */
export type HolderState = 'running' | 'gone' | 'elsewhere';

/** The outcome of trying to take the lock; a lock is never taken over here, only described. */
export type LockAttempt =
  | { readonly ok: true; readonly holder: LockHolder; release(): void }
  | { readonly ok: false; readonly state: HolderState; readonly holder: LockHolder }
  | { readonly ok: false; readonly state: 'unreadable'; readonly text: string };

/** The path of a workspace's lock file. */
export function lockPath(cwd: string): string {
  return join(cwd, '.runbook', 'lock');
}

/** `run R (pid P on host H, started T)`: how messages name a lock's holder. */
export function describeHolder(h: LockHolder): string {
  return `run ${h.runId} (pid ${h.pid} on host ${h.host}, started ${h.startedAt})`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Checks whether the process that took a lock still runs, on this host, and is the same process. */
export function holderState(h: LockHolder): HolderState {
  if (h.host !== hostname()) return 'elsewhere';
  const boot = bootId();
  if (h.bootId !== undefined && boot !== undefined && h.bootId !== boot) return 'gone';
  const stat = procStat(h.pid);
  if (stat === undefined) return alive(h.pid) ? 'running' : 'gone';
  // A zombie (dead, its parent has not reaped it yet) keeps its pid and start time but never releases the lock.
  if (stat.state === 'Z') return 'gone';
  const start = stat.startTicks;
  // The pid runs, but a process started at another moment is a new one that reused the pid.
  return h.processStart === undefined || h.processStart === start ? 'running' : 'gone';
}

/** What a run id looks like: one plain file name, never `..` or a path. */
const runIdShape = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads a lock file's holder; undefined when it is missing, `text` when it is not a holder record. */
export function readLock(path: string): { holder: LockHolder } | { text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    // The run id names a directory under runs/ that unlock cleans and writes to: never a path.
    if (
      typeof h.runId === 'string' &&
      runIdShape.test(h.runId) &&
      typeof h.host === 'string' &&
      typeof h.pid === 'number' &&
      typeof h.startedAt === 'string'
    )
      return { holder: h as LockHolder };
  } catch {
    // Not JSON: reported as unreadable below.
  }
  return { text };
}

/** Writes a file's whole content and syncs it, so a link to it never shows a torn record. */
function writeComplete(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes drafts of lock files left by processes that died between writing and linking them. */
function removeDeadDrafts(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^lock\.(\d+)\.[0-9a-f]+\.draft$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Takes `.runbook/lock` so two runs never change the same system at once. The holder record is
 * written in full to a draft first, then linked to the lock's name: link(2) fails when the name
 * exists, so taking the lock is one atomic step and the lock file is never empty or torn. Nothing
 * here ever deletes a lock it does not hold: a lock whose holder is gone is reported, and only
 * `takeOverLock` (an explicit operator command) removes it.
 */
export function acquireLock(cwd: string, runId: string, now = new Date()): LockAttempt {
  const path = lockPath(cwd);
  const dir = join(cwd, '.runbook');
  mkdirSync(dir, { recursive: true });
  const start = processStart(process.pid);
  const boot = bootId();
  const holder: LockHolder = {
    runId,
    host: hostname(),
    pid: process.pid,
    startedAt: now.toISOString(),
    ...(start !== undefined && { processStart: start }),
    ...(boot !== undefined && { bootId: boot }),
  };
  const draft = join(dir, `lock.${process.pid}.${randomBytes(4).toString('hex')}.draft`);
  writeComplete(draft, `${JSON.stringify(holder)}\n`);
  try {
    linkSync(draft, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const found = readLock(path);
    // Released between our link and our read: the caller simply tries again.
    if (found === undefined) return acquireLock(cwd, runId, now);
    if ('text' in found) return { ok: false, state: 'unreadable', text: found.text };
    return { ok: false, state: holderState(found.holder), holder: found.holder };
  } finally {
    rmSync(draft, { force: true });
  }
  removeDeadDrafts(dir);
  return { ok: true, holder, release: () => releaseLock(path, holder) };
}

/** Removes the lock only while it is still this holder's (a takeover may have replaced it). */
function releaseLock(path: string, holder: LockHolder): void {
  const found = readLock(path);
  if (found && 'holder' in found && found.holder.runId === holder.runId && found.holder.pid === holder.pid) rmSync(path, { force: true });
}

/**
 * Removes a lock the operator decided to take over, only if it is still the one they saw: the
 * lock is renamed away (atomic; of two takeovers one wins), then checked, and put back when
 * another run took it in between. Returns the removed lock's text, or why nothing was removed.
 */
export function takeOverLock(cwd: string, seen: string): { ok: true; text: string } | { ok: false; reason: string } {
  const path = lockPath(cwd);
  const aside = join(cwd, '.runbook', `lock.${process.pid}.${randomBytes(4).toString('hex')}.taken`);
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: false, reason: 'the lock is gone already (another takeover, or its run ended)' };
    throw e;
  }
  const text = readFileSync(aside, 'utf8');
  if (text !== seen) {
    try {
      linkSync(aside, path);
    } catch {
      // A third run holds the lock now; the one moved aside is still named in the message.
    }
    rmSync(aside, { force: true });
    return { ok: false, reason: 'another run took the lock in the meantime; it was left in place' };
  }
  rmSync(aside, { force: true });
  return { ok: true, text };
}
