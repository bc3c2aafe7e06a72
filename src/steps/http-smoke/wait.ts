import { setTimeout as sleep } from 'node:timers/promises';
import type { CookieJar } from 'tough-cookie';
import type { StepContext } from '../kind.js';
import { isTimeout, networkError, send } from './send.js';
import { durationMs, durationText, urlOf, type DurationValue, type WaitSpec } from './spec.js';
import { firstLines, snippet } from './snippet.js';

/** The first pause between tries; it doubles up to `interval`. */
const FIRST_DELAY_MS = 250;
const DEFAULT_TIMEOUT = '60s';
const DEFAULT_INTERVAL = '2s';
const MIN_TRY_MS = 250;

/** How long the wait lasts at most: the plan's timeout, else the default. */
export const waitTimeout = (wait: Pick<WaitSpec, 'timeout'>): DurationValue => wait.timeout ?? DEFAULT_TIMEOUT;

/** Why waiting for the app ended without it coming up. */
export interface NotUp {
  readonly message: string;
  readonly hint: string;
}

/** Only "still starting" answers are waited out: any other status means the app is up and answering wrong. */
const STILL_STARTING = 503;

/**
 * Polls `path` until it answers 2xx. A failed connection or a 503 means "not up yet"; any other
 * answer (a 500, a 404) ends the wait at once, quoting the body's first lines, so a broken app
 * does not burn the whole timeout. Returns why it is not up, 'aborted' when the step was
 * stopped, else undefined.
 */
export async function waitUntilUp(
  baseUrl: string,
  wait: WaitSpec,
  jar: CookieJar,
  ctx: StepContext,
): Promise<NotUp | 'aborted' | undefined> {
  const timeout = waitTimeout(wait);
  const deadline = performance.now() + durationMs(timeout);
  const maxDelay = durationMs(wait.interval ?? DEFAULT_INTERVAL);
  const url = urlOf(baseUrl, wait.path);
  let delay = FIRST_DELAY_MS;
  let last = 'no answer yet';
  for (let attempt = 1; ; attempt++) {
    // A late try still gets a moment, so a refused connection is told apart from no answer.
    const tryMs = Math.max(deadline - performance.now(), MIN_TRY_MS);
    try {
      const r = await send(url, { method: 'GET', headers: {}, followRedirects: true, timeoutMs: tryMs, signal: ctx.signal }, jar);
      if (r.status >= 200 && r.status <= 299) return undefined;
      if (r.status !== STILL_STARTING) return answeredWrong(baseUrl, wait.path, r.status, r.body, ctx);
      last = `status ${r.status}: ${snippet(r.body, ctx)}`;
    } catch (err) {
      if (ctx.signal.aborted) return 'aborted';
      last = networkError(err, isTimeout(err), `${Math.round(tryMs)}ms`);
    }
    ctx.output(ctx.mask(`${wait.path} not up yet (try ${attempt}): ${last}`));
    const pause = Math.min(delay, deadline - performance.now());
    if (pause <= 0) break;
    try {
      await sleep(pause, undefined, { signal: ctx.signal });
    } catch {
      return 'aborted';
    }
    delay = Math.min(delay * 2, maxDelay);
  }
  return {
    message: ctx.mask(`app at ${baseUrl} did not answer ${wait.path} with 2xx within ${durationText(timeout)}; last error: ${last}`),
    hint: 'is the app started? Its log says why it is not answering',
  };
}

function answeredWrong(baseUrl: string, path: string, status: number, body: string, ctx: StepContext): NotUp {
  const lines = firstLines(body, ctx).map((l) => `  ${l}`);
  return {
    message: ctx.mask(
      `app at ${baseUrl} answered ${path} with status ${status} while waiting for it to come up; only a failed connection or 503 is waited out. The body begins:\n${lines.join('\n')}`,
    ),
    hint:
      status === 404
        ? `the app is up but has no ${path}: check base_url and wait_until_up.path`
        : 'the app is up but failing; its own log says why',
  };
}
