import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { codes, didYouMean, type Diagnostic, type RuleName } from '../diagnostics/index.js';
import type { Plan, VarDecl, VarValue } from './model.js';
import type { PlanSource } from './source.js';

/** Where var values come from, strongest first: --var, then --vars-file, then the var's env, then its default. */
export interface VarInputs {
  readonly cli: readonly string[];
  readonly files: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Resolved values; a var without a value is absent (templates then fail instead of rendering ""). */
export interface ResolvedVars {
  readonly values: Readonly<Record<string, VarValue>>;
  /** Values of secret vars, to mask everywhere. */
  readonly secrets: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

function convert(v: VarDecl, raw: unknown): { value?: VarValue; problem?: string } {
  const text = String(raw);
  switch (v.type) {
    case 'list':
      return listOf(raw);
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const t = text.toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(t)) return { value: true };
      if (['false', 'no', '0', 'off', ''].includes(t)) return { value: false };
      return { problem: 'expected true or false' };
    }
    case 'integer':
      return /^-?\d+$/.test(text) ? { value: Number(text) } : { problem: 'expected a whole number' };
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? { value: Number(text) } : { problem: 'expected a number' };
    default:
      return { value: typeof raw === 'string' ? raw : text };
  }
}

/** A list var's value: a YAML list of scalars, or comma-separated text (`a,b,c`; empty text is an empty list). */
function listOf(raw: unknown): { value?: VarValue; problem?: string } {
  if (Array.isArray(raw)) {
    return raw.every((x) => ['string', 'number', 'boolean'].includes(typeof x))
      ? { value: raw as VarValue }
      : { problem: 'expected a list of plain values (text, numbers, true/false)' };
  }
  const text = String(raw).trim();
  return { value: text === '' ? [] : text.split(',').map((x) => x.trim()) };
}

/** The environment variable that gives a var its value, if one does: `env`, else `fallback_env`. */
function fromEnv(v: VarDecl, env: VarInputs['env']): { value: string; from: string } | undefined {
  for (const name of [v.env, v.fallbackEnv?.name]) {
    const value = name === undefined ? undefined : env[name];
    if (value !== undefined && value !== '') return { value, from: `environment variable ${name}` };
  }
  return undefined;
}

const fallbackSource = (v: VarDecl): string | undefined => (v.fallbackEnv ? `environment variable ${v.fallbackEnv.name}` : undefined);

/**
 * Works out every var's value and checks type, pattern, choices and (for exec) required vars.
 * Findings about a declaration point at it in the plan; findings about input name the input.
 */
export function resolveVars(
  plan: Plan,
  source: PlanSource | undefined,
  inputs: VarInputs,
  options: { readonly requireAll: boolean },
): ResolvedVars {
  const diagnostics: Diagnostic[] = [];
  const names = plan.vars.map((v) => v.name);
  const given = new Map<string, { value: unknown; from: string }>();
  const diag = (rule: RuleName, message: string, file: string, line: number, col: number, hint?: string) =>
    diagnostics.push({ code: codes[rule], rule, severity: 'error', message, file, line, col, ...(hint && { hint }) });

  for (const f of inputs.files) {
    let data: unknown;
    try {
      data = parse(readFileSync(f, 'utf8'));
    } catch (e) {
      diag(
        'vars-file',
        `cannot read vars file: ${(e as Error).message.split('\n')[0]}`,
        f,
        0,
        0,
        'a vars file is a YAML mapping of var names to values',
      );
      continue;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      diag('vars-file', 'a vars file must be a YAML mapping of var names to values', f, 0, 0);
      continue;
    }
    for (const [k, v] of Object.entries(data)) given.set(k, { value: v, from: `vars file ${f}` });
  }
  for (const pair of inputs.cli) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      diag('var-invalid', `--var "${pair.split('=')[0]}" needs a value: --var name=value`, '<command line>', 0, 0);
      continue;
    }
    given.set(pair.slice(0, eq), { value: pair.slice(eq + 1), from: '--var' });
  }
  for (const [k, g] of given) {
    if (!names.includes(k))
      diag(
        'var-unknown',
        `${g.from} sets "${k}", which the plan does not declare`,
        '<command line>',
        0,
        0,
        names.length ? didYouMean(k, names) : 'this plan declares no vars',
      );
  }

  const values: Record<string, VarValue> = {};
  const secrets: string[] = [];
  for (const v of plan.vars) {
    const at = source?.positionOf(['vars', v.name], { key: true }) ?? { line: 0, col: 0 };
    const pick =
      given.get(v.name) ?? fromEnv(v, inputs.env) ?? (v.default !== undefined ? { value: v.default, from: 'default' } : undefined);
    if (pick !== undefined && pick.from === fallbackSource(v)) {
      diagnostics.push({
        code: codes['var-fallback-env'],
        rule: 'var-fallback-env',
        severity: 'warning',
        message: `var "${v.name}" is taken from ${v.fallbackEnv?.name}: ${v.fallbackEnv?.warning}`,
        file: plan.file,
        line: at.line,
        col: at.col,
        hint: `set ${v.env ?? `--var ${v.name}=...`} instead`,
      });
    }
    if (!pick) {
      if (v.required && options.requireAll) {
        const how = v.env ? `set ${v.env} in the environment or pass --var ${v.name}=...` : `pass --var ${v.name}=...`;
        diag(
          'var-missing',
          `var "${v.name}" is required but has no value${v.description ? ` (${v.description})` : ''}`,
          plan.file,
          at.line,
          at.col,
          how,
        );
      }
      continue;
    }
    const { value, problem } = convert(v, pick.value);
    const shown = v.secret ? '****' : `"${String(pick.value)}"`;
    if (problem !== undefined || value === undefined) {
      diag(
        'var-invalid',
        `var "${v.name}" from ${pick.from} is ${shown}: ${problem ?? 'invalid'}`,
        plan.file,
        at.line,
        at.col,
        v.description,
      );
      continue;
    }
    if (v.pattern !== undefined && !matchesPattern(v.pattern, String(value))) {
      diag(
        'var-invalid',
        `var "${v.name}" from ${pick.from} is ${shown}, which does not match ${v.pattern}`,
        plan.file,
        at.line,
        at.col,
        v.description,
      );
      continue;
    }
    if (v.choices !== undefined && !v.choices.some((c) => String(c) === String(value))) {
      diag(
        'var-invalid',
        `var "${v.name}" from ${pick.from} is ${shown}; allowed: ${v.choices.map((c) => `"${String(c)}"`).join(', ')}`,
        plan.file,
        at.line,
        at.col,
        didYouMean(String(value), v.choices.map(String)),
      );
      continue;
    }
    values[v.name] = value;
    if (v.secret) secrets.push(...(Array.isArray(value) ? value.map(String) : [String(value)]).filter((x) => x !== ''));
  }
  return { values, secrets, diagnostics };
}

/** Whether a value matches a var's pattern; a pattern that does not compile is validate's finding (RB406), not a crash here. */
function matchesPattern(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true;
  }
}
