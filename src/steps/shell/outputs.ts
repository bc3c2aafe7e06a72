import { createRequire } from 'node:module';

// Loaded on first use: plan validation and dry runs never need it, and it costs start-up time.
const jsonPath = (options: { path: string; json: object; wrap: true }): unknown =>
  (createRequire(import.meta.url)('jsonpath-plus') as typeof import('jsonpath-plus')).JSONPath(options);
import type { JsonValue } from '../../core/json.js';

/** How a named output is taken from stdout, as the plan writes it. */
export type OutputRule =
  { readonly regex: string; readonly group?: number } | { readonly json: string } | { readonly stdout_line: 'first' | 'last' };

/** A rule checked before the command runs, ready to apply to stdout. */
export type OutputExtractor = (stdout: string) => { readonly value: JsonValue } | { readonly error: string };

/** The JSON Schema of one output rule, for the kind's schema fragment. */
export const outputRuleSchema = {
  oneOf: [
    {
      type: 'object',
      description: 'A regular expression searched in stdout (^ and $ match at line ends); the output is the capture group.',
      properties: {
        regex: { type: 'string', minLength: 1, description: 'JavaScript regular expression, without slashes.' },
        group: {
          type: 'integer',
          minimum: 0,
          description: 'Capture group to take; default 1 when the regex has a group, else 0 (the whole match).',
        },
      },
      required: ['regex'],
      additionalProperties: false,
    },
    {
      type: 'object',
      description: 'A JSONPath into stdout parsed as JSON.',
      properties: {
        json: { type: 'string', minLength: 1, description: 'JSONPath such as $.version; one match gives its value, several give a list.' },
      },
      required: ['json'],
      additionalProperties: false,
    },
    {
      type: 'object',
      description: 'One line of stdout, trimmed.',
      properties: { stdout_line: { enum: ['first', 'last'], description: 'The first or the last non-empty line.' } },
      required: ['stdout_line'],
      additionalProperties: false,
    },
  ],
} as const;

/** Counts a regex's capture groups by matching it against an empty alternative. */
function groupCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`).exec('')?.length ?? 1) - 1;
}

function regexExtractor(name: string, source: string, group: number | undefined): OutputExtractor | string {
  let re: RegExp;
  try {
    re = new RegExp(source, 'm');
  } catch (e) {
    return `output "${name}": the regex /${source}/ is not valid: ${(e as Error).message}`;
  }
  const groups = groupCount(re);
  const take = group ?? (groups > 0 ? 1 : 0);
  if (take > groups) {
    return `output "${name}": asks for group ${take}, but the regex /${source}/ has ${groups === 1 ? '1 group' : `${groups} groups`}`;
  }
  return (stdout) => {
    const m = re.exec(stdout);
    if (!m) return { error: `output "${name}": the regex /${source}/ did not match stdout` };
    return { value: m[take] ?? '' };
  };
}

function jsonExtractor(name: string, path: string): OutputExtractor {
  return (stdout) => {
    let json: JsonValue;
    try {
      json = JSON.parse(stdout) as JsonValue;
    } catch (e) {
      return { error: `output "${name}": stdout is not JSON (${(e as Error).message}), so the path ${path} cannot be read` };
    }
    const found = jsonPath({ path, json: json as object, wrap: true }) as JsonValue[];
    if (found.length === 0) return { error: `output "${name}": the path ${path} found nothing in the JSON on stdout` };
    return { value: found.length === 1 ? (found[0] as JsonValue) : found };
  };
}

function lineExtractor(name: string, which: 'first' | 'last'): OutputExtractor {
  return (stdout) => {
    const lines = stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const line = which === 'first' ? lines[0] : lines[lines.length - 1];
    return line === undefined ? { error: `output "${name}": stdout has no non-empty line` } : { value: line };
  };
}

/**
 * Turns the plan's output rules into extractors before the command runs, so a broken regex
 * fails the step without running anything. Returns the error messages when any rule is broken.
 */
export function compileOutputs(
  rules: Readonly<Record<string, OutputRule>>,
): { readonly extractors: ReadonlyMap<string, OutputExtractor> } | { readonly errors: readonly string[] } {
  const extractors = new Map<string, OutputExtractor>();
  const errors: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const made =
      'regex' in rule
        ? regexExtractor(name, rule.regex, rule.group)
        : 'json' in rule
          ? jsonExtractor(name, rule.json)
          : lineExtractor(name, rule.stdout_line);
    if (typeof made === 'string') errors.push(made);
    else extractors.set(name, made);
  }
  return errors.length > 0 ? { errors } : { extractors };
}

/** One line per rule for a dry run: `version (regex /v(\d+)/)`. */
export function describeOutputs(rules: Readonly<Record<string, OutputRule>>): string {
  return Object.entries(rules)
    .map(([name, rule]) =>
      'regex' in rule
        ? `${name} (regex /${rule.regex}/${rule.group === undefined ? '' : ` group ${rule.group}`})`
        : 'json' in rule
          ? `${name} (json ${rule.json})`
          : `${name} (${rule.stdout_line} line)`,
    )
    .join(', ');
}
