import { readFileSync, writeFileSync } from 'node:fs';
import type { StepKindRegistry } from '../../steps/kind.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatPlanText } from '../../review/fmt.js';
import { exitCodes, type CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

/** `runbook fmt [--check] PLAN...`: rewrites plans in the canonical style, keeping every comment. */
export function registerFmt(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  program
    .command('fmt')
    .description('rewrite plans in one canonical style (key order, indentation, quoting), keeping every comment')
    .argument('<plans...>', 'plan files')
    .option('--check', 'change nothing; exit 1 listing the plans that would change (for CI)')
    .addHelpText('after', '\nExamples:\n  runbook fmt plans/*.yaml\n  runbook fmt --check plans/*.yaml plans/examples/*.yaml\n')
    .action((plans: string[], opts: { check?: boolean }) => {
      let failed = false;
      let changed = 0;
      for (const file of plans) {
        let text: string;
        try {
          text = readFileSync(resolve(io.cwd, file), 'utf8');
        } catch (e) {
          const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
          io.stderr.write(`${file}: cannot read plan: ${reason}\n`);
          failed = true;
          continue;
        }
        const result = formatPlanText(text, kinds);
        if ('problem' in result) {
          io.stderr.write(`${file}: ${result.problem}\n  hint: run \`runbook validate ${file}\` to see what is wrong\n`);
          failed = true;
          continue;
        }
        if (!result.changed) continue;
        changed++;
        if (opts.check) io.stdout.write(`would reformat ${file}\n`);
        else {
          writeFileSync(resolve(io.cwd, file), result.text);
          io.stdout.write(`formatted ${file}\n`);
        }
      }
      if (failed) return finish(exitCodes.invalid);
      finish(opts.check && changed > 0 ? exitCodes.differ : exitCodes.ok);
    });
}
