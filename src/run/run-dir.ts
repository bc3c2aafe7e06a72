import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where a workspace keeps its runs. */
export function runsRoot(cwd: string): string {
  return join(cwd, '.runbook', 'runs');
}

/** A new run's directory with the plan as run and its checksum. */
export interface RunDirectory {
  readonly id: string;
  readonly dir: string;
  readonly planSha256: string;
  readonly journalPath: string;
  readonly reportPath: string;
  /** A private directory for one step's files. */
  stepDir(index: number, stepId: string): string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A new run's id: local time, the plan's name and a random tail, e.g. `20250131-235959-sqlite-to-pg-3f2a`. */
export function newRunId(planName: string, now = new Date()): string {
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${stamp}-${planName}-${randomBytes(2).toString('hex')}`;
}

/** The plan of a run: its file, the text read from it, and the copy kept in the run directory. */
export interface PlanCopy {
  readonly file: string;
  readonly text: string;
  /** The text with secrets (inline secret defaults, URL passwords) replaced by `****`. */
  readonly masked: string;
}

/**
 * Creates `.runbook/runs/<run-id>/` (0700) holding `plan.yaml` and `plan.sha256`. The checksum is
 * always that of the plan file as read (so it matches `sha256sum` of the file in the repository);
 * when secrets were masked in the copy, `plan.sha256` names the original file instead of `plan.yaml`.
 */
export function createRunDirectory(cwd: string, id: string, plan: PlanCopy): RunDirectory {
  const dir = join(runsRoot(cwd), id);
  mkdirSync(join(dir, 'steps'), { recursive: true, mode: 0o700 });
  const planSha256 = createHash('sha256').update(plan.text).digest('hex');
  writeFileSync(join(dir, 'plan.yaml'), plan.masked, { mode: 0o600 });
  writeFileSync(join(dir, 'plan.sha256'), `${planSha256}  ${plan.masked === plan.text ? 'plan.yaml' : resolve(cwd, plan.file)}\n`, {
    mode: 0o600,
  });
  return runDirectory(dir, id, planSha256);
}

/** An existing run's directory, taken on by `resume` or `rollback` (its step directories may exist). */
export function openRunDirectory(cwd: string, id: string, planSha256: string): RunDirectory {
  return runDirectory(join(runsRoot(cwd), id), id, planSha256);
}

function runDirectory(dir: string, id: string, planSha256: string): RunDirectory {
  const made = new Set<string>();
  return {
    id,
    dir,
    planSha256,
    journalPath: join(dir, 'journal.jsonl'),
    reportPath: join(dir, 'report.md'),
    stepDir(index, stepId) {
      const d = join(dir, 'steps', `${String(index + 1).padStart(2, '0')}-${stepId}`);
      if (!made.has(d)) mkdirSync(d, { recursive: true, mode: 0o700 });
      made.add(d);
      return d;
    },
  };
}
