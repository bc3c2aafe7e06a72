import type { HelperOptions } from 'handlebars';
import { isAbsolute, join, normalize } from 'node:path';
import { formatDate } from './format-date.js';

/** Helpers a plan may call, with what each does (for validation hints and docs). */
export const helperDocs: Readonly<Record<string, string>> = {
  now: 'the current time, e.g. {{now "yyyyMMdd_HHmmss"}} (local time; utc=true for UTC)',
  default: 'a fallback for an empty value: {{default vars.x "fallback"}}',
  json: 'a value as JSON text: {{json steps.check.outputs.rows}}',
  eq: 'true when two values are equal, for {{#if (eq a b)}}',
  basename: 'the last part of a path',
  path: 'a path under a directory unless it is absolute: {{path vars.app_dir vars.sqlite_path}}',
  dirname: 'a path without its last part',
};

/** Handlebars block helpers that are part of the language and always available. */
export const builtInBlockHelpers = ['if', 'unless', 'each', 'with', 'lookup', 'log'] as const;

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** The helper functions, fixed at the start of a run so `now` is one instant for the whole run. */
export function makeHelpers(runStartedAt: Date): Record<string, (...args: unknown[]) => unknown> {
  return {
    now(...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const pattern = typeof args[0] === 'string' ? args[0] : "yyyy-MM-dd'T'HH:mm:ss";
      return formatDate(runStartedAt, pattern.replace(/'T'/g, 'T'), options.hash?.utc === true);
    },
    default(value: unknown, fallback: unknown) {
      return isEmpty(value) ? fallback : value;
    },
    json(value: unknown) {
      return JSON.stringify(value);
    },
    eq(a: unknown, b: unknown) {
      return a === b;
    },
    path(dir: unknown, file: unknown) {
      const f = String(file);
      return isAbsolute(f) ? f : normalize(join(String(dir), f));
    },
    basename(p: unknown) {
      return String(p).replace(/\/+$/, '').split('/').pop() ?? '';
    },
    dirname(p: unknown) {
      const s = String(p).replace(/\/+$/, '');
      const i = s.lastIndexOf('/');
      return i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i);
    },
  };
}
