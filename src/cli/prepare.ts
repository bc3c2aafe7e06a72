import { hasErrors } from '../diagnostics/index.js';
import type { Plan, VarValue } from '../plan/model.js';
import type { PlanSource } from '../plan/source.js';
import { validatePlanFile } from '../plan/validate.js';
import { resolveVars } from '../plan/vars.js';
import { Masker } from '../core/mask.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { CliIO } from './io.js';
import { planFileTexts, usePlugins } from './plugins.js';
import { printDiagnostics, type DiagnosticFormat } from './print-diagnostics.js';

/** A valid plan with its var values and the masker that hides its secrets. */
export interface PreparedPlan {
  readonly plan: Plan;
  readonly source: PlanSource;
  readonly vars: Readonly<Record<string, VarValue>>;
  readonly masker: Masker;
}

/** Validates a plan and resolves its vars; prints the findings and returns undefined when it cannot run. */
export async function preparePlan(
  io: CliIO,
  kinds: StepKindRegistry,
  file: string,
  opts: {
    readonly var: readonly string[];
    readonly varsFile: readonly string[];
    readonly format?: DiagnosticFormat;
    readonly plugin?: readonly string[];
  },
  requireAll: boolean,
): Promise<PreparedPlan | undefined> {
  const format = opts.format ?? 'text';
  const out = format === 'text' ? io.stderr : io.stdout;
  if (!(await usePlugins(io, kinds, opts.plugin ?? [], planFileTexts([file], io.cwd), format, out))) return undefined;
  const result = validatePlanFile(file, kinds);
  if (!result.plan || !result.source) {
    printDiagnostics(out, result.diagnostics, format);
    return undefined;
  }
  const vars = resolveVars(result.plan, result.source, { cli: opts.var, files: opts.varsFile, env: io.env }, { requireAll });
  const all = [...result.diagnostics, ...vars.diagnostics];
  if (all.length > 0) printDiagnostics(out, all, format);
  if (hasErrors(all)) return undefined;
  return { plan: result.plan, source: result.source, vars: vars.values, masker: new Masker(vars.secrets) };
}
