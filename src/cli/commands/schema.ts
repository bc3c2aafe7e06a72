import type { Command } from 'commander';
import { planSchema } from '../../plan/validate.js';
import { exitCodes, type CliIO } from '../io.js';
import { usePlugins, withPluginOption } from '../plugins.js';
import type { Finish } from '../shared-options.js';

/** `runbook schema`: the plan format as JSON Schema, for editors and CI. */
export function registerSchema(program: Command, io: CliIO, finish: Finish): void {
  withPluginOption(program.command('schema'))
    .description('print the plan JSON Schema (draft 2020-12)')
    .addHelpText('after', '\nExample:\n  runbook schema > schemas/plan.schema.json\n')
    .action(async (opts: { plugin: string[] }) => {
      if (!(await usePlugins(io, opts.plugin, []))) return finish(exitCodes.invalid);
      io.stdout.write(`${JSON.stringify(planSchema(), null, 2)}\n`);
      finish(exitCodes.ok);
    });
}
