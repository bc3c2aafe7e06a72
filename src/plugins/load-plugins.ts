import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codes, type Diagnostic, type RuleName } from '../diagnostics/index.js';
import type { StepKindRegistry } from '../steps/kind.js';
import { asKind, contractProblems, exportedKinds } from './contract.js';

/** One plug-in to load, and where it was asked for (a plan's `plugins:` entry, or `--plugin`). */
export interface PluginRequest {
  /** A path (./kinds/x.mjs, relative to `baseDir`) or a package name. */
  readonly spec: string;
  readonly baseDir: string;
  /** Where the request is written, for messages: the plan file and position, or `<command line>`. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Modules loaded into each registry, by resolved location, so each loads (and registers) once. */
const loadedInto = new WeakMap<StepKindRegistry, Map<string, readonly string[]>>();

const isPath = (spec: string) => spec.startsWith('.') || isAbsolute(spec) || /\.(m|c)?[jt]s$/.test(spec);

/** Where a request points: a file for a path, the package's entry for a name; a message when there is none. */
function locate(r: PluginRequest): { at: string } | { problem: string; hint: string } {
  if (isPath(r.spec)) {
    const at = resolve(r.baseDir, r.spec);
    return existsSync(at)
      ? { at }
      : {
          problem: `plug-in "${r.spec}" not found: no file ${at}`,
          hint: 'a path in plugins: is relative to the plan file; --plugin paths are relative to the current directory',
        };
  }
  try {
    return { at: createRequire(join(r.baseDir, 'plan.yaml')).resolve(r.spec) };
  } catch {
    return {
      problem: `plug-in package "${r.spec}" is not installed where the plan is (${r.baseDir})`,
      hint: `install it (npm install ${r.spec}) or name the module by path, e.g. ./${r.spec}.mjs`,
    };
  }
}

function finding(r: PluginRequest, rule: RuleName, message: string, hint: string): Diagnostic {
  return { code: codes[rule], rule, severity: 'error', message, file: r.file, line: r.line, col: r.col, hint };
}

/** Imports one module and registers its kinds; findings when it does not load or breaks the kind contract. */
async function loadOne(r: PluginRequest, registry: StepKindRegistry): Promise<Diagnostic[]> {
  const where = locate(r);
  if ('problem' in where) return [finding(r, 'plugin-load', where.problem, where.hint)];
  const loaded = loadedInto.get(registry) ?? new Map<string, readonly string[]>();
  loadedInto.set(registry, loaded);
  if (loaded.has(where.at)) return [];
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(where.at).href)) as Record<string, unknown>;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0] ?? String(e);
    return [
      finding(
        r,
        'plugin-load',
        `plug-in "${r.spec}" failed to load: ${reason}`,
        `run \`node ${where.at}\` to see the error in the module itself`,
      ),
    ];
  }
  const kinds = exportedKinds(mod);
  if (!kinds || kinds.length === 0) {
    return [
      finding(
        r,
        'plugin-contract',
        `plug-in "${r.spec}" exports no step kind`,
        'export the kind as the default export (or a list of kinds); see examples/plugins/ for a complete one',
      ),
    ];
  }
  const out: Diagnostic[] = [];
  const names: string[] = [];
  kinds.forEach((k, i) => {
    const label =
      typeof (k as { kind?: unknown } | null)?.kind === 'string' ? `kind "${(k as { kind: string }).kind}"` : `its kind ${i + 1}`;
    const problems = contractProblems(k);
    if (problems.length > 0) {
      out.push(
        finding(
          r,
          'plugin-contract',
          `plug-in "${r.spec}": ${label} ${problems.join('; ')}`,
          'a kind exports kind, summary, schema.properties, outputs(), describe() and run(); see examples/plugins/ for a complete one',
        ),
      );
      return;
    }
    const kind = asKind(k);
    const existing = registry.get(kind.kind);
    if (existing && existing !== kind) {
      out.push(
        finding(
          r,
          'plugin-contract',
          `plug-in "${r.spec}": kind "${kind.kind}" is already registered (a built-in kind or another plug-in)`,
          'give the plug-in kind a name of its own',
        ),
      );
      return;
    }
    registry.register(kind);
    names.push(kind.kind);
  });
  loaded.set(where.at, names);
  return out;
}

/** Loads plug-ins in order into a registry before any plan is checked; every finding, positioned where each was asked for. */
export async function loadPlugins(requests: readonly PluginRequest[], registry: StepKindRegistry): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const r of requests) out.push(...(await loadOne(r, registry)));
  return out;
}

/** `--plugin` values as requests, relative to the current directory. */
export function cliPluginRequests(specs: readonly string[], cwd: string): PluginRequest[] {
  return specs.map((spec) => ({ spec, baseDir: cwd, file: '<command line>', line: 0, col: 0 }));
}

/** The directory a plan's relative plug-in paths start from. */
export const pluginBase = (planFile: string, cwd: string): string => dirname(resolve(cwd, planFile));
