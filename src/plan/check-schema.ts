import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { codes, didYouMean, type Diagnostic, type RuleName } from '../diagnostics/index.js';
import type { SchemaObject } from '../core/json.js';
import type { PlanSource } from './source.js';

/** Ajv settings shared with the build step that precompiles the validator. */
export const ajvOptions = { allErrors: true, verbose: true, discriminator: true, strict: false } as const;

/** Compiled validators by schema (a plan's and its fragments' are both in use). */
const compiled = new WeakMap<SchemaObject, ValidateFunction>();
const require = createRequire(import.meta.url);

/**
 * The validator for a schema: the one precompiled at build time when it was made from the same
 * schema (the usual case: built-in kinds only), else compiled now (plug-in kinds, tests on src/).
 */
function validatorFor(schema: SchemaObject): ValidateFunction {
  const known = compiled.get(schema);
  if (known) return known;
  const prebuilt = new URL('./plan-validator.cjs', import.meta.url);
  let validate: ValidateFunction | undefined;
  if (existsSync(prebuilt)) {
    const mod = require(prebuilt.pathname) as ValidateFunction & { schemaHash: string };
    if (mod.schemaHash === createHash('sha256').update(JSON.stringify(schema)).digest('hex')) validate = mod;
  }
  if (!validate) {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    validate = new Ajv2020(ajvOptions).compile(schema);
  }
  compiled.set(schema, validate);
  return validate;
}

type Path = (string | number)[];

function pathOf(pointer: string, data: unknown): Path {
  if (pointer === '') return [];
  const out: Path = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(cur) ? Number(part) : part;
    out.push(key);
    cur = (cur as Record<string | number, unknown> | undefined)?.[key];
  }
  return out;
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((cur, k) => (cur as Record<string | number, unknown> | undefined)?.[k], data);
}

/** Words for where a path points: `step "backup"`, `rollback action 1 of step "backup"`, `var "x"`. */
export function describeWhere(path: Path, data: unknown): string {
  const section = path[0] === 'finally' ? 'finally' : 'steps';
  const stepId = (i: unknown) => {
    const id = (valueAt(data, [section, i as number, 'id']) as string | undefined) ?? undefined;
    const what = section === 'finally' ? 'finally step' : 'step';
    return typeof id === 'string' ? `${what} "${id}"` : `${what} ${Number(i) + 1}`;
  };
  if ((path[0] === 'steps' || path[0] === 'finally') && path.length >= 2) {
    if (path[2] === 'rollback' && path.length >= 4) return `rollback action ${Number(path[3]) + 1} of ${stepId(path[1])}`;
    return stepId(path[1]);
  }
  if (path[0] === 'vars' && path.length >= 2) return `var "${String(path[1])}"`;
  if (path[0] === 'connections' && path.length >= 2) return `connection "${String(path[1])}"`;
  return 'the plan';
}

/** A value as a message shows it: text in quotes, numbers bare, collections by shape. */
function shown(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (v && typeof v === 'object') return 'a mapping';
  return String(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text "${v}"`;
  return `the ${typeof v} ${String(v)}`;
}

function article(types: string | string[]): string {
  const list = Array.isArray(types) ? types : [types];
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
    null: 'empty',
  };
  return list.map((t) => words[t] ?? t).join(' or ');
}

/** Checks the document against the plan schema and maps every finding to the node it is about. */
export function checkSchema(source: PlanSource, data: unknown, schema: SchemaObject): Diagnostic[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const out: Diagnostic[] = [];
  const covered = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'oneOf') continue;
    if (covered.some((p) => e.schemaPath !== p && e.schemaPath.startsWith(p.replace(/\/anyOf$/, '/anyOf/')))) continue;
    const d = mapError(e, source, data);
    if (d) out.push(d);
  }
  return out;
}

function mapError(e: ErrorObject, source: PlanSource, data: unknown): Diagnostic | undefined {
  const path = pathOf(e.instancePath, data);
  const where = describeWhere(path, data);
  const field = path.length > 0 ? String(path[path.length - 1]) : '';
  const make = (rule: RuleName, message: string, pos: { line: number; col: number }, hint?: string): Diagnostic => ({
    code: codes[rule],
    rule,
    severity: 'error',
    message,
    file: source.file,
    line: pos.line,
    col: pos.col,
    ...(hint && { hint }),
  });
  const parent = (e.parentSchema ?? {}) as { properties?: Record<string, { description?: string }>; description?: string };
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const help = parent.properties?.[missing]?.description;
      const pos = source.positionOf(path);
      const what = path.length === 0 ? 'the plan' : where;
      return make(
        'missing-field',
        `${what} is missing the required field "${missing}"`,
        pos,
        help ? `add "${missing}:" — ${help}` : `add "${missing}:"`,
      );
    }
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parent.properties ?? {});
      return make('unknown-key', `unknown key "${key}" in ${where}`, source.keyPosition(path, key), didYouMean(key, allowed));
    }
    case 'discriminator': {
      const p = e.params as { error: string; tag: string; tagValue: unknown };
      if (p.error === 'mapping') {
        const kinds = (parent as { properties?: { kind?: { enum?: string[] } } }).properties?.kind?.enum ?? [];
        return make(
          'unknown-kind',
          `unknown step kind "${String(p.tagValue)}" in ${where}`,
          source.positionOf([...path, 'kind']),
          didYouMean(String(p.tagValue), kinds),
        );
      }
      if (p.error === 'tag' && p.tagValue !== undefined) {
        return make(
          'wrong-type',
          `"kind" of ${where} must be a string, got ${typeName(p.tagValue)}`,
          source.positionOf([...path, 'kind']),
          'set kind to one of the step kinds listed by `runbook schema`',
        );
      }
      return undefined;
    }
    case 'type': {
      const expected = (e.params as { type: string | string[] }).type;
      if (typeof path[path.length - 1] === 'number' && (path[0] === 'steps' || path[0] === 'finally')) {
        return make(
          'wrong-type',
          `${where} must be ${article(expected)} with id, kind and the kind's fields, got ${typeName(valueAt(data, path))}`,
          source.positionOf(path),
          'write each step as a mapping: `- id: name` then `kind: shell` on the next line',
        );
      }
      return make(
        'wrong-type',
        `"${field}" in ${where} must be ${article(expected)}, got ${typeName(valueAt(data, path))}`,
        source.positionOf(path),
        (e.parentSchema as { description?: string } | undefined)?.description,
      );
    }
    case 'anyOf': {
      const desc = (e.parentSchema as { description?: string } | undefined)?.description;
      return make('bad-value', `"${field}" in ${where} has an invalid value ${shown(valueAt(data, path))}`, source.positionOf(path), desc);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const v = valueAt(data, path);
      const kindField = field === 'kind';
      const rule: RuleName = kindField ? 'unknown-kind' : 'bad-value';
      const msg = kindField
        ? `unknown step kind "${String(v)}" in ${where}`
        : `"${field}" in ${where} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${shown(v)}`;
      return make(rule, msg, source.positionOf(path), didYouMean(String(v), allowed));
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: unknown }).allowedValue;
      return make(
        'bad-value',
        `"${field}" in ${where} must be ${JSON.stringify(allowed)}, got ${shown(valueAt(data, path))}`,
        source.positionOf(path),
        (e.parentSchema as { description?: string } | undefined)?.description,
      );
    }
    case 'pattern': {
      const v = valueAt(data, path);
      if (e.propertyName !== undefined) return undefined;
      return make(
        'bad-value',
        `"${field}" in ${where} has an invalid value ${shown(v)}`,
        source.positionOf(path),
        (e.parentSchema as { description?: string } | undefined)?.description,
      );
    }
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      if (path.length === 1 && (path[0] === 'vars' || path[0] === 'connections')) {
        const kindOf = path[0] === 'vars' ? 'var' : 'connection';
        return make(
          'bad-value',
          `${kindOf} name "${name}" is not valid`,
          source.keyPosition(path, name),
          `${kindOf} names are lower case letters, digits and _ (e.g. database_url)`,
        );
      }
      return make(
        'bad-value',
        `key "${name}" in "${field}" of ${where} is not valid`,
        source.keyPosition(path, name),
        (e.parentSchema as { description?: string } | undefined)?.description,
      );
    }
    case 'minItems':
      return make(
        'missing-field',
        `"${field}" in ${where} must not be empty`,
        source.positionOf(path),
        (e.parentSchema as { description?: string } | undefined)?.description,
      );
    default:
      return make(
        'bad-value',
        `"${field}" in ${where} ${e.message ?? 'is not valid'}`,
        source.positionOf(path),
        (e.parentSchema as { description?: string } | undefined)?.description,
      );
  }
}
