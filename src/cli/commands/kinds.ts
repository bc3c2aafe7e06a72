import type { Command } from 'commander';
import { closest } from '../../diagnostics/suggest.js';
import { kindListText, kindsMarkdown, kindText } from '../../review/kinds-doc.js';
import type { StepKindRegistry } from '../../steps/kind.js';
import { exitCodes, type CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

/** `runbook kinds [NAME]`: the step kinds, or one kind's fields, defaults and an example; `--format markdown` writes docs/step-kinds.md. */
export function registerKinds(program: Command, io: CliIO, finish: Finish, registry: StepKindRegistry): void {
  program
    .command('kinds')
    .description('list the step kinds, or show one kind: its fields, types, defaults and an example')
    .argument('[name]', 'a step kind, e.g. http-smoke')
    .option('--format <format>', 'text, or markdown: every kind in full (docs/step-kinds.md)', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  runbook kinds\n  runbook kinds http-smoke\n  runbook kinds --format markdown > docs/step-kinds.md\n',
    )
    .action((name: string | undefined, opts: { format: string }) => {
      const kinds = registry.all();
      if (opts.format !== 'text' && opts.format !== 'markdown') {
        io.stderr.write(`runbook kinds: unknown format ${shown(opts.format)}; use text or markdown\n`);
        return finish(exitCodes.invalid);
      }
      if (name === undefined) {
        io.stdout.write(opts.format === 'markdown' ? kindsMarkdown(registry) : kindListText(kinds));
        return finish(exitCodes.ok);
      }
      const kind = registry.get(name);
      if (!kind) {
        const near = closest(
          name,
          kinds.map((k) => k.kind),
        );
        io.stderr.write(
          `runbook kinds: unknown step kind ${shown(name)}${near ? `; did you mean "${near}"?` : ''}\n  hint: the kinds are ${kinds.map((k) => k.kind).join(', ')}\n`,
        );
        return finish(exitCodes.invalid);
      }
      io.stdout.write(opts.format === 'markdown' ? kindsMarkdown(registry, [kind]) : kindText(kind, registry));
      finish(exitCodes.ok);
    });
}

/** A name as typed, quoted, with control characters escaped: terminal escapes in it are shown, never obeyed. */
function shown(text: string): string {
  return JSON.stringify(text);
}
