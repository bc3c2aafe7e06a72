import type { Command } from 'commander';
import { planSchema } from '../../plan/validate.js';
import { exitCodes, type CliIO } from '../io.js';
import { usePlugins, withPluginOption } from '../plugins.js';
import type { Finish } from '../shared-options.js';
import type { StepKindRegistry } from '../../steps/kind.js';

/** `runbook schema`: the plan format as JSON Schema, for editors and CI. */
export function registerSchema(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  withPluginOption(program.command('schema'))
    .description('print the plan JSON Schema (draft 2020-12)')
    .addHelpText('after', '\nExample:\n  runbook schema > schemas/plan.schema.json\n')
    .action(async (opts: { plugin: string[] }) => {
      if (!(await usePlugins(io, kinds, opts.plugin, []))) return finish(exitCodes.invalid);
      io.stdout.write(`${JSON.stringify(planSchema(kinds), null, 2)}\n`);
      finish(exitCodes.ok);
    });
}
