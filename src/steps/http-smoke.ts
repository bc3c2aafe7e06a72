import { defineStepKind, type DescribeLine, type StepContext, type StepResult } from './kind.js';
import type { JsonValue } from '../core/json.js';
import { stoppedResult } from './process/stopped.js';
import { describeBody, encodeBody } from './http-smoke/body.js';
import { badRegexes, checkResponse, describeExpectation } from './http-smoke/expect.js';
import { extractValue, jsonPathOf, requestIndex } from './http-smoke/extract.js';
import { httpSmokeProperties } from './http-smoke/schema.js';
import { isTimeout, networkError, send, type HttpResponse } from './http-smoke/send.js';
import { snippet } from './http-smoke/snippet.js';
import { durationMs, durationText, methodOf, requestLabel, urlOf, type HttpRequestSpec, type HttpSmokeSpec } from './http-smoke/spec.js';
import { waitTimeout, waitUntilUp } from './http-smoke/wait.js';

const DEFAULT_REQUEST_TIMEOUT = '30s';

/** Mistakes in the step that can be found before anything is sent. */
function planProblems(
  spec: HttpSmokeSpec,
  requests: readonly HttpRequestSpec[],
): { readonly message: string; readonly hint: string } | undefined {
  const regexes = requests.flatMap((r, i) => badRegexes(r.expect, `request ${i + 1} (${requestLabel(r)})`));
  if (regexes.length > 0) return { message: regexes.join('; '), hint: 'fix the regular expression; nothing was sent' };
  for (const [name, out] of Object.entries(spec.outputs ?? {})) {
    const found = requestIndex(out, requests);
    if (typeof found !== 'number') return { message: `output "${name}" ${found.problem}`, hint: `${found.hint}; nothing was sent` };
  }
  return undefined;
}

function statusHint(status: number, baseUrl: string): string | undefined {
  if (status === 401 || status === 403)
    return 'the app refused the session: does an earlier request of this step log in? Cookies are kept across the requests of one step';
  if (status === 404) return `check base_url (${baseUrl}) and the path`;
  if (status >= 500) return 'the app failed on this request; its own log says why';
  return undefined;
}

function passedText(passed: number): string {
  return passed === 0 ? 'No request before it.' : `The ${passed} request(s) before it passed.`;
}

function fail(message: string, ctx: StepContext, results: JsonValue[], hint?: string): StepResult {
  const masked = { ok: false as const, message: ctx.mask(message), outputs: { results } };
  return hint === undefined ? masked : { ...masked, hint: ctx.mask(hint) };
}

async function runHttpSmoke(spec: HttpSmokeSpec, ctx: StepContext): Promise<StepResult> {
  const requests = spec.requests ?? [];
  const problem = planProblems(spec, requests);
  if (problem) return { ok: false, message: ctx.mask(problem.message), hint: ctx.mask(problem.hint) };
  const { CookieJar } = await import('tough-cookie');
  const jar = new CookieJar();
  if (spec.wait_until_up) {
    const down = await waitUntilUp(spec.base_url, spec.wait_until_up, jar, ctx);
    if (down === 'aborted') return stoppedResult(ctx.signal);
    if (down !== undefined) return { ok: false, ...down };
  }
  const results: JsonValue[] = [];
  const responses: HttpResponse[] = [];
  for (const [i, req] of requests.entries()) {
    const where = `${requestLabel(req)}, request ${i + 1} of ${requests.length}`;
    const method = methodOf(req);
    const timeout = req.timeout ?? DEFAULT_REQUEST_TIMEOUT;
    ctx.output(ctx.mask(requestLabel(req)));
    let response: HttpResponse;
    try {
      const { body, headers } = encodeBody(req);
      response = await send(
        urlOf(spec.base_url, req.path),
        {
          method,
          headers,
          ...(body !== undefined && { body }),
          followRedirects: req.follow_redirects ?? false,
          timeoutMs: durationMs(timeout),
          signal: ctx.signal,
        },
        jar,
      );
    } catch (err) {
      if (ctx.signal.aborted) return stoppedResult(ctx.signal);
      return fail(`${where}: no response (${networkError(err, isTimeout(err), durationText(timeout))}). ${passedText(i)}`, ctx, results);
    }
    responses.push(response);
    results.push({ name: req.name ?? null, method, path: ctx.mask(req.path), status: response.status, ms: response.ms });
    const misses = checkResponse(req.expect ?? {}, response);
    if (misses.length > 0) {
      return fail(
        `${where}: ${misses.join('; ')}. Response ${response.status}: ${snippet(response.body, ctx)}. ${passedText(i)}`,
        ctx,
        results,
        statusHint(response.status, spec.base_url),
      );
    }
  }
  const outputs: Record<string, JsonValue> = { results };
  for (const [name, out] of Object.entries(spec.outputs ?? {})) {
    const index = requestIndex(out, requests) as number;
    const got = extractValue(out, responses[index] as HttpResponse);
    if ('problem' in got)
      return fail(`output "${name}": ${got.problem} of ${requestLabel(requests[index] as HttpRequestSpec)}`, ctx, results);
    outputs[name] = typeof got.value === 'string' ? ctx.mask(got.value) : got.value;
  }
  return { ok: true, outputs, note: `${requests.length} request(s) passed` };
}

/** HTTP requests with one cookie session and assertions on status, body, JSON and headers. */
export const httpSmoke = defineStepKind<HttpSmokeSpec>({
  kind: 'http-smoke',
  summary: 'Sends HTTP requests with one cookie session, optionally after waiting for the app to come up, and checks each response.',
  schema: { properties: httpSmokeProperties, required: ['base_url'] },
  outputs: (spec) => ['results', ...Object.keys(spec.outputs ?? {})],
  describe(spec, ctx) {
    const lines: DescribeLine[] = [{ label: 'base_url', text: ctx.mask(spec.base_url) }];
    const wait = spec.wait_until_up;
    if (wait) lines.push({ label: 'wait', text: ctx.mask(`GET ${wait.path} until 2xx, up to ${durationText(waitTimeout(wait))}`) });
    for (const req of spec.requests ?? []) {
      const headers = Object.keys(req.headers ?? {});
      const body = describeBody(req);
      const extra = [body, headers.length > 0 ? `headers ${headers.join(', ')}` : undefined].filter(Boolean).join('; ');
      lines.push({
        label: 'request',
        text: ctx.mask(`${requestLabel(req)} → ${describeExpectation(req.expect)}${extra ? ` (${extra})` : ''}`),
      });
    }
    for (const [name, out] of Object.entries(spec.outputs ?? {})) {
      const from = typeof out.request === 'number' ? `request ${out.request}` : `"${out.request}"`;
      lines.push({
        label: 'output',
        text: ctx.mask(`${name} = ${out.header !== undefined ? `header ${out.header}` : jsonPathOf(out)} of ${from}`),
      });
    }
    return lines;
  },
  run: runHttpSmoke,
});
