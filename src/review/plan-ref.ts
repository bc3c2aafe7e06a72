import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { codes, type Diagnostic } from '../diagnostics/index.js';
import type { Plan } from '../plan/model.js';
import { validatePlanText } from '../plan/validate.js';
import type { StepKindRegistry } from '../steps/kind.js';

/** A plan named on the command line, read and validated; `plan` is absent for /dev/null (no plan). */
export interface ReadPlan {
  readonly label: string;
  readonly plan?: Plan;
  readonly text?: string;
  readonly diagnostics: readonly Diagnostic[];
}

const gitRef = /^([^:/][^:]*):(.+)$/;

function unreadable(label: string, message: string, hint: string): ReadPlan {
  return {
    label,
    diagnostics: [
      { code: codes['file-unreadable'], rule: 'file-unreadable', severity: 'error', message, file: label, line: 0, col: 0, hint },
    ],
  };
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
      return unreadable(
        ref,
        `cannot read plan: ${reason}`,
        'check the path, or name a git revision as REV:path (e.g. HEAD~1:plans/sqlite-to-pg.yaml)',
      );
    }
  }
  try {
    return {
      text: execFileSync('git', ['show', `${git[1]}:${git[2]}`], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      }),
    };
  } catch (e) {
    const stderr =
      String((e as { stderr?: unknown }).stderr ?? (e as Error).message)
        .trim()
        .split('\n')[0] ?? '';
    return unreadable(
      ref,
      `cannot read plan from git: ${stderr.replace(/^fatal: /, '')}`,
      'REV:path takes the path from the top of the repository, or ./path from the current directory',
    );
  }
}

/** A plan's text as read, not yet checked, with the path its relative plug-in paths start from. */
export interface PlanSourceText {
  readonly label: string;
  readonly text?: string;
  /** The plan's place in the working tree (a revision's file is placed where the path points). */
  readonly home: string;
}

/** Reads a plan given as a file, `REV:path`, or /dev/null; `home` overrides where it lives (git's temp files). */
export function readPlanSource(ref: string, cwd: string, label = ref, home?: string): PlanSourceText | ReadPlan {
  const got = readText(ref, cwd);
  if ('diagnostics' in got) return got;
  const git = gitRef.exec(ref);
  const where = home ?? resolve(cwd, git && !existsSync(resolve(cwd, ref)) ? git[2]! : ref);
  return { label, home: where, ...(got.text !== undefined && { text: got.text }) };
}

/** Validates a plan read by readPlanSource. */
export function checkPlanSource(got: PlanSourceText | ReadPlan, kinds: StepKindRegistry): ReadPlan {
  if ('diagnostics' in got) return got;
  const { label, text } = got;
  if (text === undefined) return { label, diagnostics: [] };
  const checked = validatePlanText(label, text, kinds);
  return { label, text, diagnostics: checked.diagnostics, ...(checked.plan && { plan: checked.plan }) };
}

/** Reads and validates a plan given as a file, `REV:path`, or /dev/null; `label` names it in messages. */
export function readPlan(ref: string, cwd: string, kinds: StepKindRegistry, label = ref): ReadPlan {
  return checkPlanSource(readPlanSource(ref, cwd, label), kinds);
}
