import { createRequire } from 'node:module';

// Loaded on first use: plan validation and dry runs never need it, and it costs start-up time.
const jsonPath = (options: { path: string; json: object; wrap: true }): unknown =>
  (createRequire(import.meta.url)('jsonpath-plus') as typeof import('jsonpath-plus')).JSONPath(options);
import { didYouMean } from '../../diagnostics/suggest.js';
import type { JsonValue } from '../../core/json.js';
import type { HttpResponse } from './send.js';
import type { ExtractSpec, HttpRequestSpec } from './spec.js';

/** The index of the request an output reads, or the sentence saying why there is none. */
export function requestIndex(
  spec: ExtractSpec,
  requests: readonly HttpRequestSpec[],
): number | { readonly problem: string; readonly hint: string } {
  if (typeof spec.request === 'number') {
    if (spec.request >= 1 && spec.request <= requests.length) return spec.request - 1;
    return { problem: `reads request ${spec.request}, but the step has ${requests.length} request(s)`, hint: 'positions start at 1' };
  }
  const i = requests.findIndex((r) => r.name === spec.request);
  if (i >= 0) return i;
  const names = requests.flatMap((r) => (r.name ? [r.name] : []));
  return { problem: `reads request "${spec.request}", but no request has that name`, hint: didYouMean(spec.request, names) };
}

/** The JSON path an output reads: the whole body when the plan names none. */
export const jsonPathOf = (spec: Pick<ExtractSpec, 'json'>): string => spec.json ?? '$';

/** The output's value from the response, or the sentence saying why it could not be read. */
export function extractValue(spec: ExtractSpec, response: HttpResponse): { readonly value: JsonValue } | { readonly problem: string } {
  if (spec.header !== undefined) {
    const value = response.headers.get(spec.header);
    return value === null ? { problem: `the response has no header ${spec.header}` } : { value };
  }
  const path = jsonPathOf(spec);
  let doc: JsonValue;
  try {
    doc = JSON.parse(response.body) as JsonValue;
  } catch {
    return { problem: `the response body is not JSON, so ${path} cannot be read` };
  }
  const found = jsonPath({ path, json: doc as object, wrap: true }) as JsonValue[];
  if (found.length === 0) return { problem: `${path} matched nothing in the response` };
  return { value: found.length === 1 ? (found[0] ?? null) : found };
}
