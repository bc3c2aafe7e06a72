import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Creates `.runbook/runs/<run-id>/` (0700) holding `plan.yaml` and `plan.sha256`. */
export function createRunDirectory(cwd: string, planName: string, planText: string, now = new Date()): RunDirectory {
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const id = `${stamp}-${planName}-${randomBytes(2).toString('hex')}`;
  const dir = join(runsRoot(cwd), id);
  mkdirSync(join(dir, 'steps'), { recursive: true, mode: 0o700 });
  const made = new Set<string>();
  const planSha256 = createHash('sha256').update(planText).digest('hex');
  writeFileSync(join(dir, 'plan.yaml'), planText, { mode: 0o600 });
  writeFileSync(join(dir, 'plan.sha256'), `${planSha256}  plan.yaml\n`, { mode: 0o600 });
  return {
    id,
    dir,
    planSha256,
    journalPath: join(dir, 'journal.jsonl'),
    reportPath: join(dir, 'report.md'),
    stepDir(index, stepId) {
      const d = join(dir, 'steps', `${String(index + 1).padStart(2, '0')}-${stepId}`);
      if (!made.has(d)) mkdirSync(d, { mode: 0o700 });
      made.add(d);
      return d;
    },
  };
}
