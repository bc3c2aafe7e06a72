import { dirname, resolve } from 'node:path';
import type { StepKindRegistry } from '../../steps/kind.js';
import type { Command } from 'commander';
import pc from 'picocolors';
import { hasErrors } from '../../diagnostics/index.js';
import { diffPlans } from '../../review/diff.js';
import { formatDiffMarkdown } from '../../review/diff-markdown.js';
import { formatDiffText } from '../../review/diff-text.js';
import { checkPlanSource, readPlanSource, type PlanSourceText, type ReadPlan } from '../../review/plan-ref.js';
import { exitCodes, wantsColor, type CliIO } from '../io.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { usePlugins, withPluginOption } from '../plugins.js';
import type { Finish } from '../shared-options.js';

interface DiffOptions {
  readonly format: string;
  readonly json?: boolean;
  readonly gitDriver?: boolean;
  readonly plugin: string[];
}

type Side = PlanSourceText | ReadPlan;

/** Colours on a terminal (or in git's pager), never with NO_COLOR. */
function useColour(io: CliIO, gitDriver: boolean): boolean {
  return wantsColor(io, gitDriver && io.env.GIT_PAGER_IN_USE === 'true');
}

/** The two plans to compare: OLD NEW, or git's seven external-diff arguments. */
function sides(args: readonly string[], gitDriver: boolean, io: CliIO): [Side, Side] | string {
  if (!gitDriver) {
    if (args.length !== 2) return `runbook diff takes two plans (OLD NEW), got ${args.length}`;
    return [readPlanSource(args[0]!, io.cwd), readPlanSource(args[1]!, io.cwd)];
  }
  if (args.length !== 7)
    return `runbook diff --git-driver takes the 7 arguments git passes to an external diff (path old-file old-hex old-mode new-file new-hex new-mode), got ${args.length}`;
  const [path, oldFile, , , newFile] = args as [string, string, string, string, string];
  // git hands over temp files: their plug-in paths start where the plan lives in the working tree.
  const home = resolve(io.cwd, path);
  return [readPlanSource(oldFile, io.cwd, `a/${path}`, home), readPlanSource(newFile, io.cwd, `b/${path}`, home)];
}

/** The plug-ins both sides name, loaded before either is checked. */
function pluginTexts(sides: readonly Side[]): { label: string; text: string; baseDir: string }[] {
  return sides.flatMap((s) => ('home' in s && s.text !== undefined ? [{ label: s.label, text: s.text, baseDir: dirname(s.home) }] : []));
}

/** `runbook diff OLD NEW`: what a change does to the procedure, with risk notes. */
export function registerDiff(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  withPluginOption(program.command('diff'))
    .description(
      'compare two plans by meaning: steps added, removed, moved or changed, with risk notes; exit 0 when they mean the same, 1 when they differ',
    )
    .argument('<plans...>', 'OLD and NEW: plan files or REV:path from git (with --git-driver: the 7 arguments git passes)')
    .option('--format <format>', 'text, markdown (a pull-request comment) or json', 'text')
    .option('--json', 'same as --format json')
    .option('--git-driver', "run as git's external diff command (diff.runbook.command); always exits 0 so git goes on")
    .addHelpText(
      'after',
      '\nExamples:\n  runbook diff HEAD~1:plans/sqlite-to-pg.yaml plans/sqlite-to-pg.yaml\n  runbook diff --format markdown main:plans/rotate-logs.yaml plans/rotate-logs.yaml\n',
    )
    .action(async (args: string[], opts: DiffOptions) => {
      const format = opts.json ? 'json' : opts.format;
      const gitDriver = opts.gitDriver === true;
      if (!['text', 'markdown', 'json'].includes(format)) {
        io.stderr.write(`runbook diff: unknown format "${format}"; expected text, markdown or json\n`);
        return finish(exitCodes.invalid);
      }
      const got = sides(args, gitDriver, io);
      if (typeof got === 'string') {
        io.stderr.write(`${got}\n`);
        return finish(exitCodes.invalid);
      }
      if (!(await usePlugins(io, kinds, opts.plugin, pluginTexts(got), 'text', gitDriver ? io.stdout : io.stderr)))
        return finish(gitDriver ? exitCodes.ok : exitCodes.invalid);
      const [before, after] = got.map((g) => checkPlanSource(g, kinds)) as [ReadPlan, ReadPlan];
      const diagnostics = [...before.diagnostics, ...after.diagnostics];
      if (hasErrors(diagnostics)) {
        const texts = new Map([before, after].flatMap((p) => (p.text === undefined ? [] : [[p.label, p.text] as const])));
        // As a git driver the findings go into the diff output, and git must not stop.
        printDiagnostics(gitDriver ? io.stdout : io.stderr, diagnostics, 'text', texts);
        return finish(gitDriver ? exitCodes.ok : exitCodes.invalid);
      }
      const d = diffPlans(before.plan, after.plan, { old: before.label, new: after.label }, kinds);
      if (format === 'json') io.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
      else if (format === 'markdown') io.stdout.write(formatDiffMarkdown(d));
      else io.stdout.write(formatDiffText(d, pc.createColors(useColour(io, gitDriver))));
      finish(gitDriver || d.same ? exitCodes.ok : exitCodes.differ);
    });
}
