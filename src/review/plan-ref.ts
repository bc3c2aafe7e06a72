import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { codes, type Diagnostic } from '../diagnostics/index.js';
import type { Plan } from '../plan/model.js';
import { validatePlanText } from '../plan/validate.js';

/** A plan named on the command line, read and validated; `plan` is absent for /dev/null (no plan). */
export interface ReadPlan {
  readonly label: string;
  readonly plan?: Plan;
  readonly text?: string;
  readonly diagnostics: readonly Diagnostic[];
}

const gitRef = /^([^:/][^:]*):(.+)$/;

function unreadable(label: string, message: string, hint: string): ReadPlan {
  return { label, diagnostics: [{ code: codes['file-unreadable'], rule: 'file-unreadable', severity: 'error', message, file: label, line: 0, col: 0, hint }] };
}

/** Reads the text behind `ref`: a file, `REV:path` from git, or nothing for /dev/null. */
function readText(ref: string, cwd: string): { text?: string } | ReadPlan {
  if (ref === '/dev/null') return {};
  const file = resolve(cwd, ref);
  const git = gitRef.exec(ref);
  if (existsSync(file) || !git) {
    try {
      return { text: readFileSync(file, 'utf8') };
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      return unreadable(ref, `cannot read plan: ${reason}`, 'check the path, or name a git revision as REV:path (e.g. HEAD~1:plans/sqlite-to-pg.yaml)');
    }
  }
  try {
    return { text: execFileSync('git', ['show', `${git[1]}:${git[2]}`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }) };
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim().split('\n')[0] ?? '';
    return unreadable(ref, `cannot read plan from git: ${stderr.replace(/^fatal: /, '')}`, 'REV:path takes the path from the top of the repository, or ./path from the current directory');
  }
}

/** Reads and validates a plan given as a file, `REV:path`, or /dev/null; `label` names it in messages. */
export function readPlan(ref: string, cwd: string, label = ref): ReadPlan {
  const got = readText(ref, cwd);
  if ('diagnostics' in got) return got;
  if (got.text === undefined) return { label, diagnostics: [] };
  const checked = validatePlanText(label, got.text);
  return { label, text: got.text, diagnostics: checked.diagnostics, ...(checked.plan && { plan: checked.plan }) };
}
