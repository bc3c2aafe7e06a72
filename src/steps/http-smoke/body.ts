import type { JsonValue } from '../../core/json.js';
import type { HttpRequestSpec } from './spec.js';

/** A request's body as sent, with the content type it implies unless the plan set one. */
export function encodeBody(req: HttpRequestSpec): { readonly body?: string; readonly headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  const typed = (type: string, body: string) => {
    headers['content-type'] ??= type;
    return { body, headers };
  };
  if (req.json !== undefined) return typed('application/json', JSON.stringify(req.json));
  if (req.form !== undefined) {
    const form = new URLSearchParams(Object.entries(req.form).map(([k, v]) => [k, String(v)]));
    return typed('application/x-www-form-urlencoded', form.toString());
  }
  return req.body !== undefined ? { body: req.body, headers } : { headers };
}

const SENSITIVE = /pass|secret|token|key|auth|cookie|session|credential/i;

/**
 * A body for dry runs: fields whose names look secret are hidden even when no var marks them,
 * because a plan author may type a test password inline.
 */
export function redactFields(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redactFields);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SENSITIVE.test(k) ? '****' : redactFields(v)]));
  }
  return value;
}

/** `json {"user":"a","password":"****"}` / `form user=a&password=****` / `body (12 chars)`, for dry runs. */
export function describeBody(req: HttpRequestSpec): string | undefined {
  if (req.json !== undefined) return `json ${JSON.stringify(redactFields(req.json))}`;
  if (req.form !== undefined)
    return `form ${new URLSearchParams(Object.entries(redactFields(req.form) as Record<string, JsonValue>).map(([k, v]) => [k, String(v)])).toString()}`;
  if (req.body !== undefined) return `body (${req.body.length} chars)`;
  return undefined;
}
