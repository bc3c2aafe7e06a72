import { createHash } from 'node:crypto';
import type { StepKindRegistry } from '../steps/kind.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pc from 'picocolors';
import { validatePlanFile } from '../plan/validate.js';
import { diffPlans } from '../review/diff.js';
import { formatDiffText } from '../review/diff-text.js';
import type { RunState } from '../run/run-state.js';
import type { VarDecl } from '../plan/model.js';
import type { CliIO } from './io.js';
import { preparePlan, type PreparedPlan } from './prepare.js';

/** The plan a recorded run is carried on with, its checksum now, and its recorded var values. */
export interface RecordedPlan {
  readonly prepared: PreparedPlan;
  readonly sha256: string;
}

/**
 * Loads the plan of a recorded run for `resume` or `rollback`: the file it ran from must have the
 * recorded sha256, unless `allowChanged` (then the semantic diff is printed on stderr). Var values
 * are the recorded ones; secret vars were never recorded and are read from the environment again.
 */
export async function recordedPlan(
  io: CliIO,
  kinds: StepKindRegistry,
  runDir: string,
  state: RunState,
  allowChanged: boolean,
): Promise<RecordedPlan | undefined> {
  const { start } = state;
  const file = resolve(start.cwd, start.plan.file);
  if (!existsSync(file)) {
    io.stderr.write(
      `runbook: the plan of run ${start.runId}, ${file}, is not there any more\n  hint: put the plan back where it was (the run's copy is ${join(runDir, 'plan.yaml')}, secrets masked)\n`,
    );
    return undefined;
  }
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (sha256 !== start.plan.sha256 && !allowChanged) {
    io.stderr.write(
      `runbook: the plan ${file} changed since run ${start.runId} ran it (sha256 ${start.plan.sha256.slice(0, 12)}… then, ${sha256.slice(0, 12)}… now)\n` +
        `  hint: see how with "runbook diff ${join(runDir, 'plan.yaml')} ${file}"; to carry on with the plan as it is now, add --allow-changed-plan\n`,
    );
    return undefined;
  }
  const declared = validatePlanFile(file, kinds).plan?.vars ?? [];
  const secret = new Set(declared.filter((v) => v.secret).map((v) => v.name));
  const known = new Set(declared.map((v) => v.name));
  // A URL's password is masked in the journal even in a var not marked secret: such a value cannot be
  // carried on as recorded (it would run with "****"), so it is read from its environment variable again.
  const masked = new Set(
    Object.keys(start.vars).filter((name) => known.has(name) && !secret.has(name) && maskedInJournal(start.vars[name])),
  );
  const missing = declared.filter(
    (v) => masked.has(v.name) && ![v.env, v.fallbackEnv?.name].some((e) => e !== undefined && io.env[e] !== undefined),
  );
  if (missing.length > 0) {
    io.stderr.write(`${maskedVarsRefusal(start.runId, missing)}\n`);
    return undefined;
  }
  const recorded = Object.entries(start.vars)
    .filter(([name]) => known.has(name) && !secret.has(name) && !masked.has(name))
    .map(([name, value]) => `${name}=${String(value)}`);
  const prepared = await preparePlan(io, kinds, file, { var: recorded, varsFile: [] }, true);
  if (!prepared) {
    if (secret.size > 0)
      io.stderr.write(
        `runbook: secret vars (${[...secret].join(', ')}) are never recorded: give them again in their environment variables\n`,
      );
    return undefined;
  }
  if (sha256 !== start.plan.sha256) {
    const then = validatePlanFile(join(runDir, 'plan.yaml'), kinds).plan;
    io.stderr.write(
      `runbook: the plan changed since run ${start.runId} ran it; carrying on with the plan as it is now (--allow-changed-plan):\n`,
    );
    io.stderr.write(
      formatDiffText(diffPlans(then, prepared.plan, { old: `${start.runId}/plan.yaml`, new: file }, kinds), pc.createColors(false)),
    );
  }
  return { prepared, sha256 };
}

/** Whether a recorded var value lost part of itself to masking (a URL's password is always masked). */
function maskedInJournal(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('****');
}

/** Why a run cannot be carried on with vars whose recorded values were masked, and how to give them again. */
function maskedVarsRefusal(runId: string, vars: readonly VarDecl[]): string {
  const ways = vars.map((v) => (v.env !== undefined ? `${v.name} in ${v.env}` : `${v.name} (it has no env: in the plan)`));
  const noEnv = vars.some((v) => v.env === undefined);
  return (
    `runbook: run ${runId} recorded var${vars.length === 1 ? '' : 's'} ${vars.map((v) => v.name).join(', ')} with a password masked, so ${vars.length === 1 ? 'its value' : 'their values'} cannot be used as recorded: give ${vars.length === 1 ? 'it' : 'them'} again in the environment: ${ways.join(', ')}\n` +
    `  hint: ${noEnv ? 'add env: NAME to the var in the plan (and --allow-changed-plan), or mark it secret: true, so its value can be given again; ' : ''}a var holding a password is best marked secret: true`
  );
}
