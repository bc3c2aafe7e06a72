import type { Command } from 'commander';
import type { StepKindRegistry } from '../../steps/kind.js';
import pc from 'picocolors';
import { validatePlanFile } from '../../plan/validate.js';
import { explainPlan } from '../../review/explain.js';
import { markdownForTerminal } from '../../review/explain-text.js';
import { exitCodes, wantsColor, type CliIO } from '../io.js';
import { planFileTexts, usePlugins, withPluginOption } from '../plugins.js';
import { printDiagnostics } from '../print-diagnostics.js';
import type { Finish } from '../shared-options.js';

/** `runbook explain PLAN`: the plan as the procedure an operator reads. */
export function registerExplain(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  withPluginOption(program.command('explain'))
    .description('print the plan as a readable procedure: numbered sections, what each step runs or checks, and what undoes it')
    .argument('<plan>', 'plan file')
    .option('--format <format>', 'text (for a terminal) or markdown', 'text')
    .addHelpText('after', '\nExample:\n  runbook explain --format markdown plans/sqlite-to-pg.yaml > docs/migration.md\n')
    .action(async (file: string, opts: { format: string; plugin: string[] }) => {
      if (!['text', 'markdown'].includes(opts.format)) {
        io.stderr.write(`runbook explain: unknown format "${opts.format}"; expected text or markdown\n`);
        return finish(exitCodes.invalid);
      }
      if (!(await usePlugins(io, kinds, opts.plugin, planFileTexts([file], io.cwd)))) return finish(exitCodes.invalid);
      const result = validatePlanFile(file, kinds);
      if (!result.plan) {
        printDiagnostics(io.stderr, result.diagnostics, 'text');
        return finish(exitCodes.invalid);
      }
      const markdown = explainPlan(result.plan, file, kinds);
      const colour = wantsColor(io);
      io.stdout.write(opts.format === 'markdown' ? markdown : markdownForTerminal(markdown, pc.createColors(colour)));
      finish(exitCodes.ok);
    });
}
