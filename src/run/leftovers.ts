import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashTrail } from '../steps/kind.js';
import { killProcessGroup } from '../steps/process/process-group.js';
import { bootId, groupMembers, procStat, processStart, type ProcStat } from '../steps/process/proc.js';
import { runsRoot } from './run-dir.js';

/** One record of something a run may leave behind, kept while it exists. */
type Leftover =
  | { readonly type: 'temp-file'; readonly path: string }
  | { readonly type: 'process-group'; readonly pgid: number; readonly start?: string; readonly bootId?: string };

/** What cleaning up after a dead run did, one sentence each, for stderr and the report. */
export interface Cleanup {
  readonly runId: string;
  readonly done: readonly string[];
}

const SIDECARS = ['-wal', '-shm', '-journal'];

const leftoversDir = (runDir: string) => join(runDir, 'leftovers');

/** Writes a record whole (temp name, then rename), so a crash never leaves half of one. */
function writeRecord(dir: string, name: string, record: Leftover): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const draft = join(dir, `.${name}.${randomBytes(3).toString('hex')}`);
  writeFileSync(draft, JSON.stringify(record), { mode: 0o600 });
  renameSync(draft, join(dir, name));
}

/** The trail of a run: one small file per leftover under `<run-dir>/leftovers/`, removed when it is dealt with. */
export function crashTrail(runDir: string, runId: string): CrashTrail {
  const dir = leftoversDir(runDir);
  const note = (name: string, record: Leftover) => {
    try {
      writeRecord(dir, name, record);
    } catch {
      // A full disk must not fail the step for a note: the watchdog still ends the children, and
      // temp files carry the run id in their names.
      return () => {};
    }
    return () => rmSync(join(dir, name), { force: true });
  };
  return {
    runId,
    tempFile: (path) => note(`temp-${createHash('sha256').update(path).digest('hex').slice(0, 16)}.json`, { type: 'temp-file', path }),
    processGroup(pgid) {
      const start = processStart(pgid);
      const boot = bootId();
      return note(`group-${pgid}.json`, {
        type: 'process-group',
        pgid,
        ...(start !== undefined && { start }),
        ...(boot !== undefined && { bootId: boot }),
      });
    },
  };
}

/**
 * The members of a recorded group that are still that group's: the leader must have the recorded
 * start time (else its pid was reused), and a member can not have started before the leader.
 */
function ownedMembers(r: Extract<Leftover, { type: 'process-group' }>): ProcStat[] | undefined {
  const boot = bootId();
  if (r.bootId !== undefined && boot !== undefined && r.bootId !== boot) return [];
  const members = groupMembers(r.pgid);
  if (members === undefined || r.start === undefined) return undefined;
  const leader = procStat(r.pgid);
  if (leader !== undefined && leader.startTicks !== r.start) return [];
  return members.filter((m) => BigInt(m.startTicks) >= BigInt(r.start!));
}

async function endGroup(r: Extract<Leftover, { type: 'process-group' }>): Promise<string | undefined> {
  const owned = ownedMembers(r);
  if (owned === undefined)
    return `could not check process group ${r.pgid} (no /proc to verify it is the run's); end it by hand if it still runs`;
  if (owned.length === 0) return undefined;
  await killProcessGroup(r.pgid);
  // SIGKILL is sent; wait until the kernel has taken them, so the sentence below is true.
  for (let i = 0; i < 200 && (ownedMembers(r)?.length ?? 0) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const names = [...new Set(owned.map((m) => m.name))].join(', ');
  const still = ownedMembers(r)?.length ?? 0;
  return still === 0
    ? `ended process group ${r.pgid} (${owned.length} process${owned.length === 1 ? '' : 'es'}: ${names})`
    : `could not end process group ${r.pgid} (${names}): ${still} still running; end them by hand (kill -KILL -- -${r.pgid})`;
}

function removeTemp(path: string): string | undefined {
  const found = [path, ...SIDECARS.map((s) => `${path}${s}`)].filter((p) => existsSync(p));
  if (found.length === 0) return undefined;
  try {
    for (const p of found) rmSync(p, { force: true });
    return `removed temp file ${path}${found.length > 1 ? ` (and ${found.length - 1} SQLite sidecar file${found.length > 2 ? 's' : ''})` : ''}`;
  } catch (e) {
    return `could not remove temp file ${path}: ${(e as Error).message}; remove it by hand`;
  }
}

/** Ends the processes and removes the temp files a dead run left, as its trail records them. */
export async function cleanLeftovers(runDir: string, runId: string): Promise<Cleanup> {
  const dir = leftoversDir(runDir);
  const done: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return { runId, done };
  }
  for (const name of names) {
    const file = join(dir, name);
    let record: Leftover | undefined;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as Leftover;
    } catch {
      // A draft never renamed: the thing it would name was not made yet.
    }
    const said =
      record?.type === 'process-group' ? await endGroup(record) : record?.type === 'temp-file' ? removeTemp(record.path) : undefined;
    if (said !== undefined) done.push(said);
    if (said === undefined || !said.startsWith('could not')) rmSync(file, { force: true });
  }
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  return { runId, done };
}

/** Cleans up after every run of the workspace but one (the caller's, which holds the lock). */
export async function cleanEarlierRuns(cwd: string, exceptRunId: string): Promise<Cleanup[]> {
  const root = runsRoot(cwd);
  if (!existsSync(root)) return [];
  const cleaned: Cleanup[] = [];
  for (const id of readdirSync(root).sort()) {
    if (id === exceptRunId || !existsSync(leftoversDir(join(root, id)))) continue;
    const c = await cleanLeftovers(join(root, id), id);
    if (c.done.length > 0) cleaned.push(c);
  }
  return cleaned;
}
