import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { hasErrors } from '../diagnostics/index.js';
import { cliPluginRequests, loadPlugins, pluginBase, type PluginRequest } from '../plugins/load-plugins.js';
import { planPluginRequests } from '../plugins/plan-plugins.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { CliIO } from './io.js';
import { printDiagnostics, type DiagnosticFormat } from './print-diagnostics.js';
import { collect } from './shared-options.js';

/** Adds `--plugin MODULE` (repeatable) to a command. */
export function withPluginOption(command: Command): Command {
  return command.option('--plugin <module>', 'load step kinds from a plug-in module: a path or a package name (repeatable)', collect, []);
}

/** A plan's text and where its relative plug-in paths start. */
export interface PlanText {
  readonly label: string;
  readonly text: string;
  readonly baseDir: string;
}

/** The plug-in requests of plan files on disk; a file that cannot be read is left to validation to report. */
export function planFileTexts(files: readonly string[], cwd: string): PlanText[] {
  return files.flatMap((file) => {
    try {
      // A pipe can be read once, and blocks while nothing writes to it: the plan loader reads it.
      if (!statSync(resolve(cwd, file)).isFile()) return [];
      return [{ label: file, text: readFileSync(resolve(cwd, file), 'utf8'), baseDir: pluginBase(file, cwd) }];
    } catch {
      return [];
    }
  });
}

/**
 * Loads `--plugin` modules, then each plan's `plugins:`, into the command's registry before any plan is checked. Prints the
 * findings; false when a plug-in did not load or broke the kind contract (the command exits 2).
 */
export async function usePlugins(
  io: CliIO,
  kinds: StepKindRegistry,
  cliSpecs: readonly string[],
  plans: readonly PlanText[],
  format: DiagnosticFormat = 'text',
  out = io.stderr,
): Promise<boolean> {
  const requests: PluginRequest[] = [
    ...cliPluginRequests(cliSpecs, io.cwd),
    ...plans.flatMap((p) => planPluginRequests(p.text, p.label, p.baseDir)),
  ];
  if (requests.length === 0) return true;
  const findings = await loadPlugins(requests, kinds);
  if (findings.length > 0) printDiagnostics(out, findings, format, new Map(plans.map((p) => [p.label, p.text])));
  return !hasErrors(findings);
}
