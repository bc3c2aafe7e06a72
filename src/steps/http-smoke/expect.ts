import { isDeepStrictEqual } from 'node:util';
import { createRequire } from 'node:module';

// Loaded on first use: plan validation and dry runs never need it, and it costs start-up time.
const jsonPath = (options: { path: string; json: object; wrap: true }): unknown =>
  (createRequire(import.meta.url)('jsonpath-plus') as typeof import('jsonpath-plus')).JSONPath(options);
import type { JsonValue } from '../../core/json.js';
import type { HttpResponse } from './send.js';
import type { ResponseExpectation, ValueMatcher } from './spec.js';

const list = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as T]);
const show = (v: JsonValue | undefined) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** True for `{matches: ...}` or `{exists: ...}`: an object with that one key is a matcher, not a value. */
function isMatcher(m: ValueMatcher): m is { readonly matches: string } | { readonly exists: boolean } {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && Object.keys(m).length === 1 && ('matches' in m || 'exists' in m);
}

/** `200`, `200 or 302`, `2xx`: the statuses a request accepts. */
export function statusText(status: ResponseExpectation['status']): string {
  const codes = list(status);
  return codes.length === 0 ? '2xx' : codes.join(' or ');
}

function statusOk(expected: ResponseExpectation['status'], got: number): boolean {
  const codes = list(expected);
  return codes.length === 0 ? got >= 200 && got <= 299 : codes.includes(got);
}

/**
 * Equal JSON, where expected text (a template renders text) compares with a number or boolean
 * by the type of the value read: "5" matches 5, "true" matches true.
 */
function sameJson(want: JsonValue, got: JsonValue): boolean {
  if (typeof want === 'string' && typeof got === 'number') return want.trim() !== '' && Number(want) === got;
  if (typeof want === 'string' && typeof got === 'boolean') return want === String(got);
  return isDeepStrictEqual(got, want);
}

/** One JSON path: one match compares its value, several compare the list of them. */
function checkPath(path: string, want: ValueMatcher, doc: JsonValue): string | undefined {
  const found = jsonPath({ path, json: doc as object, wrap: true }) as JsonValue[];
  const got = found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
  if (isMatcher(want)) {
    if ('exists' in want) {
      if (want.exists && got === undefined) return `expected ${path} to exist`;
      if (!want.exists && got !== undefined) return `expected ${path} not to exist, got ${show(got)}`;
      return undefined;
    }
    const text = typeof got === 'string' ? got : JSON.stringify(got);
    return got !== undefined && new RegExp(want.matches).test(text)
      ? undefined
      : `expected ${path} to match /${want.matches}/, got ${show(got)}`;
  }
  return got !== undefined && sameJson(want, got) ? undefined : `expected ${path} = ${show(want)}, got ${show(got)}`;
}

function checkJson(paths: Readonly<Record<string, ValueMatcher>>, body: string): string[] {
  let doc: JsonValue;
  try {
    doc = JSON.parse(body) as JsonValue;
  } catch {
    return [`expected a JSON body (for ${Object.keys(paths).join(', ')}), got text that is not JSON`];
  }
  return Object.entries(paths).flatMap(([path, want]) => checkPath(path, want, doc) ?? []);
}

function checkHeaders(want: NonNullable<ResponseExpectation['headers']>, headers: Headers): string[] {
  return Object.entries(want).flatMap(([name, expected]) => {
    const got = headers.get(name);
    const shown = got === null ? 'none' : JSON.stringify(got);
    if (typeof expected === 'string')
      return got === expected ? [] : [`expected header ${name} = ${JSON.stringify(expected)}, got ${shown}`];
    return got !== null && new RegExp(expected.matches).test(got)
      ? []
      : [`expected header ${name} to match /${expected.matches}/, got ${shown}`];
  });
}

/** Every way the response misses the expectation; empty when it meets it. A wrong status is reported alone. */
export function checkResponse(expect: ResponseExpectation, response: HttpResponse): string[] {
  if (!statusOk(expect.status, response.status)) return [`expected status ${statusText(expect.status)}, got ${response.status}`];
  return [
    ...list(expect.body_contains)
      .filter((s) => !response.body.includes(s))
      .map((s) => `expected the body to contain ${JSON.stringify(s)}`),
    ...list(expect.body_not_contains)
      .filter((s) => response.body.includes(s))
      .map((s) => `expected the body not to contain ${JSON.stringify(s)}`),
    ...(expect.json ? checkJson(expect.json, response.body) : []),
    ...(expect.headers ? checkHeaders(expect.headers, response.headers) : []),
  ];
}

/** Every regular expression of the expectation that does not compile, as messages. */
export function badRegexes(expect: ResponseExpectation | undefined, where: string): string[] {
  const sources = [
    ...Object.values(expect?.json ?? {}).flatMap((m) => (isMatcher(m) && 'matches' in m ? [m.matches] : [])),
    ...Object.values(expect?.headers ?? {}).flatMap((m) => (typeof m === 'object' ? [m.matches] : [])),
  ];
  return sources.flatMap((source) => {
    try {
      new RegExp(source);
      return [];
    } catch (e) {
      return [`${where}: /${source}/ is not a valid regular expression: ${(e as Error).message}`];
    }
  });
}

/** The expectation in a few words for dry runs: `200`, `2xx, body contains "ok"`. */
export function describeExpectation(expect: ResponseExpectation | undefined): string {
  const parts = [statusText(expect?.status)];
  for (const s of list(expect?.body_contains)) parts.push(`body contains ${JSON.stringify(s)}`);
  for (const s of list(expect?.body_not_contains)) parts.push(`body lacks ${JSON.stringify(s)}`);
  for (const [path, m] of Object.entries(expect?.json ?? {})) {
    parts.push(
      isMatcher(m)
        ? 'exists' in m
          ? `${path} ${m.exists ? 'exists' : 'absent'}`
          : `${path} ~ /${m.matches}/`
        : `${path} = ${JSON.stringify(m)}`,
    );
  }
  for (const [name, m] of Object.entries(expect?.headers ?? {})) {
    parts.push(typeof m === 'string' ? `header ${name} = ${JSON.stringify(m)}` : `header ${name} ~ /${m.matches}/`);
  }
  return parts.join(', ');
}
