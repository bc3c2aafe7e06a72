import { parseDuration } from '../../core/duration.js';
import type { JsonValue } from '../../core/json.js';

/** A plan duration: seconds as a number, or `500ms`, `30s`, `5m`, `1h`. */
export type DurationValue = string | number;

/** A check on one value: equal to a value, matching a regex, or (for JSON paths) present or absent. */
export type ValueMatcher = JsonValue | { readonly matches: string } | { readonly exists: boolean };

/** What a response must look like; every key is optional. */
export interface ResponseExpectation {
  readonly status?: number | readonly number[];
  readonly body_contains?: string | readonly string[];
  readonly body_not_contains?: string | readonly string[];
  readonly json?: Readonly<Record<string, ValueMatcher>>;
  readonly headers?: Readonly<Record<string, string | { readonly matches: string }>>;
}

/** One request of an http-smoke step, rendered. */
export interface HttpRequestSpec {
  readonly name?: string;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: JsonValue;
  readonly form?: Readonly<Record<string, string | number | boolean>>;
  readonly body?: string;
  readonly timeout?: DurationValue;
  readonly follow_redirects?: boolean;
  readonly expect?: ResponseExpectation;
}

/** `wait_until_up`: poll a path until it answers 2xx. */
export interface WaitSpec {
  readonly path: string;
  readonly timeout?: DurationValue;
  readonly interval?: DurationValue;
}

/** A named output taken from one request's response. */
export interface ExtractSpec {
  /** The request's name, or its 1-based position in `requests`. */
  readonly request: string | number;
  readonly json?: string;
  readonly header?: string;
}

/** The fields of an `http-smoke` step, rendered (a type alias, so it fits the registry's record type). */
export type HttpSmokeSpec = {
  readonly base_url: string;
  readonly wait_until_up?: WaitSpec;
  readonly requests?: readonly HttpRequestSpec[];
  readonly outputs?: Readonly<Record<string, ExtractSpec>>;
};

/** Milliseconds of a duration the schema already accepted. */
export const durationMs = (value: DurationValue): number => parseDuration(value);

/** A duration as the plan wrote it (`60s`), numbers shown as seconds. */
export function durationText(value: DurationValue): string {
  return typeof value === 'number' ? `${value}s` : value;
}

/** The request's method as sent, upper case; GET when the plan names none. */
export const methodOf = (req: Pick<HttpRequestSpec, 'method'>): string => (req.method ?? 'GET').toUpperCase();

/** `POST /api/auth/login ("login")`: how messages and dry runs name a request. */
export function requestLabel(req: HttpRequestSpec): string {
  return `${methodOf(req)} ${req.path}${req.name ? ` ("${req.name}")` : ''}`;
}

/** The absolute URL of a path under the base URL (a path that is already a URL is kept). */
export function urlOf(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
