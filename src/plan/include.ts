import { dirname, join, resolve } from 'node:path';
import { codes, type Diagnostic, type RuleName } from '../diagnostics/index.js';
import type { SchemaObject } from '../core/json.js';
import { checkSchema } from './check-schema.js';
import { loadPlanFile } from './load.js';
import { stepsFromJson, type ActionDecl, type IncludeResolver, type IncludeSite, type StepDecl } from './model.js';
import type { PlanSource } from './source.js';

type Json = Record<string, unknown>;

/** What expanding the includes of a plan found: the fragments read (for positions) and every finding. */
export interface Includes {
  readonly sources: Map<string, PlanSource>;
  readonly diagnostics: Diagnostic[];
}

/** Where an include entry is: its file's source and its path there. */
interface Site {
  readonly source: PlanSource;
  readonly path: readonly (string | number)[];
}

function finding(site: Site, rule: RuleName, message: string, hint: string, key?: string): Diagnostic {
  const pos = key ? site.source.positionOf([...site.path, key]) : site.source.positionOf(site.path);
  return { code: codes[rule], rule, severity: 'error', message, file: site.source.file, line: pos.line, col: pos.col, hint };
}

/** The fragment's params with the include's `with:` values; findings for missing and unknown ones. */
function paramsOf(site: Site, fragment: Json, given: Json, name: string): { params: Json; problems: Diagnostic[] } {
  const declared = (fragment.params ?? {}) as Record<string, Json | null>;
  const params: Json = {};
  const problems: Diagnostic[] = [];
  for (const [p, decl] of Object.entries(declared)) {
    if (given[p] !== undefined) params[p] = given[p];
    else if (decl?.default !== undefined) params[p] = decl.default;
    else {
      params[p] = undefined;
      problems.push(
        finding(
          site,
          'missing-field',
          `include of "${name}" does not give param "${p}"${decl?.description ? ` (${String(decl.description)})` : ''}, which has no default`,
          `add it: with: { ${p}: ... }`,
          'include',
        ),
      );
    }
  }
  for (const p of Object.keys(given)) {
    if (!(p in declared))
      problems.push(
        finding(
          site,
          'unknown-key',
          `"${name}" has no param "${p}"`,
          Object.keys(declared).length ? `its params: ${Object.keys(declared).join(', ')}` : 'the fragment declares no params:',
          'with',
        ),
      );
  }
  return { params, problems };
}

const prefixed = (aliases: Readonly<Record<string, string>>, prefix: string) =>
  Object.fromEntries(Object.entries(aliases).map(([local, id]) => [local, `${prefix}-${id}`]));

/**
 * Prefixes a fragment step (and its own includes' steps) with the include's id, and records its file.
 * A step of a nested include keeps its own params, gets its ids renamed once more, and learns the
 * scope of the fragment that included it (`within`), which its `with:` values are templates of.
 */
function placed(step: StepDecl, prefix: string, file: string, params: Json, aliases: Record<string, string>, site: Site): StepDecl {
  const includedAt: IncludeSite = { file: site.source.file, path: site.path };
  const lift = (at: IncludeSite): IncludeSite => {
    if (at.within)
      return {
        ...at,
        within: {
          ...at.within,
          aliases: prefixed(at.within.aliases ?? {}, prefix),
          ...(at.within.includedAt && { includedAt: lift(at.within.includedAt) }),
        },
      };
    return at.file === file ? { ...at, within: { params, aliases, includedAt } } : at;
  };
  const mark = <A extends ActionDecl>(a: A): A =>
    a.file === undefined
      ? { ...a, file, params, aliases, includedAt }
      : { ...a, ...(a.aliases && { aliases: prefixed(a.aliases, prefix) }), ...(a.includedAt && { includedAt: lift(a.includedAt) }) };
  return { ...mark(step), id: `${prefix}-${step.id}`, rollback: step.rollback.map(mark) };
}

/**
 * One more finding at each include whose fragment has findings from the plan checks (those are
 * positioned in the fragment), so the plan that includes it shows where the problem comes in.
 */
export function includeSiteFindings(
  actions: readonly ActionDecl[],
  findings: readonly Diagnostic[],
  sources: ReadonlyMap<string, PlanSource>,
  root: PlanSource,
): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  for (const a of actions) {
    const at = a.includedAt;
    if (!at || a.file === undefined) continue;
    const inFragment = findings.filter((d) => d.file === a.file && d.severity === 'error');
    const source = at.file === root.file ? root : sources.get(at.file);
    if (inFragment.length === 0 || !source) continue;
    const key = `${at.file}\0${at.path.join('/')}`;
    const first = inFragment[0]!;
    out.set(
      key,
      finding(
        { source, path: at.path },
        'include-invalid',
        `the included fragment ${a.file} has ${inFragment.length === 1 ? 'an error' : `${inFragment.length} errors`} (the first at line ${first.line}: ${first.message})`,
        'fix the fragment; every plan that includes it shares the error',
        'include',
      ),
    );
  }
  return [...out.values()];
}

/**
 * A resolver for planFromJson that reads each `include:` (relative to the file holding it),
 * checks the fragment against `fragmentSchema`, and returns its steps with ids prefixed.
 * Findings inside a fragment are positioned in the fragment, with one more at the include site;
 * a cycle or a missing param is a finding at the include.
 */
export function includeResolver(root: PlanSource, fragmentSchema: SchemaObject, found: Includes): IncludeResolver {
  const resolverFor =
    (source: PlanSource, chain: readonly string[]): IncludeResolver =>
    (raw, path) => {
      const site = { source, path };
      const name = String(raw.include);
      // Named like the including file (relative stays relative), so messages read as the user wrote the paths.
      const shown = join(dirname(source.file), name);
      const file = resolve(shown);
      if (chain.includes(file)) {
        found.diagnostics.push(
          finding(
            site,
            'include-cycle',
            `include of "${name}" makes a cycle: ${[...chain, file].join(' → ')}`,
            'a fragment must not include itself, directly or through others',
            'include',
          ),
        );
        return [];
      }
      const loaded = loadPlanFile(shown);
      if (loaded.source) found.sources.set(loaded.source.file, loaded.source);
      const inner =
        loaded.source && loaded.data && loaded.diagnostics.length === 0 ? checkSchema(loaded.source, loaded.data, fragmentSchema) : [];
      const problems = [...loaded.diagnostics, ...inner];
      if (problems.length > 0 || !loaded.source || !loaded.data) {
        found.diagnostics.push(
          ...problems,
          finding(
            site,
            'include-invalid',
            `included file "${name}" is not a valid fragment (see the findings in ${shown})`,
            'fix the fragment first',
            'include',
          ),
        );
        return [];
      }
      const { params, problems: paramProblems } = paramsOf(site, loaded.data, (raw.with ?? {}) as Json, name);
      found.diagnostics.push(...paramProblems);
      const steps = stepsFromJson(loaded.data, 'steps', resolverFor(loaded.source, [...chain, file]));
      const aliases = Object.fromEntries(steps.map((s) => [s.id, `${String(raw.id)}-${s.id}`]));
      return steps.map((s) => placed(s, String(raw.id), loaded.source!.file, params, aliases, site));
    };
  return resolverFor(root, [resolve(root.file)]);
}
