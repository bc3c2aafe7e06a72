import type { Command } from 'commander';
import type { StepKindRegistry } from '../../steps/kind.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import { validatePlanFile } from '../../plan/validate.js';
import { resolveVars } from '../../plan/vars.js';
import { exitCodes, type CliIO } from '../io.js';
import { printDiagnostics, type DiagnosticFormat } from '../print-diagnostics.js';
import { planFileTexts, usePlugins, withPluginOption } from '../plugins.js';
import { collect, type Finish } from '../shared-options.js';

/** `runbook validate PLAN...`: every finding in every plan, exit 0 when none is an error. */
export function registerValidate(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  withPluginOption(program.command('validate'))
    .description('check plans without running anything; prints every problem with file:line:col')
    .argument('<plan...>', 'plan files')
    .option('--json', 'print findings as JSON')
    .option('--format <format>', 'text, json or github (workflow annotations)', 'text')
    .option('--var <name=value>', 'set a var (repeatable); checks its type and pattern', collect, [])
    .option('--vars-file <file>', 'YAML file of var values (repeatable)', collect, [])
    .addHelpText('after', '\nExample:\n  runbook validate plans/*.yaml\n  runbook validate --json plans/sqlite-to-pg.yaml\n')
    .action(async (plans: string[], opts: { json?: boolean; format: string; var: string[]; varsFile: string[]; plugin: string[] }) => {
      const format = (opts.json ? 'json' : opts.format) as DiagnosticFormat;
      if (!(await usePlugins(io, kinds, opts.plugin, planFileTexts(plans, io.cwd), format, format === 'text' ? io.stderr : io.stdout)))
        return finish(exitCodes.invalid);
      const all: Diagnostic[] = [];
      for (const file of plans) {
        const result = validatePlanFile(file, kinds);
        all.push(...result.diagnostics);
        if (result.plan) {
          all.push(
            ...resolveVars(result.plan, result.source, { cli: opts.var, files: opts.varsFile, env: io.env }, { requireAll: false })
              .diagnostics,
          );
        }
      }
      const failed = hasErrors(all);
      if (format === 'text' && !failed)
        io.stdout.write(
          `${plans.length === 1 ? plans[0] : `${plans.length} plans`}: valid${all.length ? ` (${all.length} warning${all.length > 1 ? 's' : ''})` : ''}\n`,
        );
      printDiagnostics(format === 'text' ? io.stderr : io.stdout, all, format);
      finish(failed ? exitCodes.invalid : exitCodes.ok);
    });
}
