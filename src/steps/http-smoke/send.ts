import type { CookieJar } from 'tough-cookie';

/** What came back from one request. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly ms: number;
}

/** How to send: the body already encoded, and where to stop. */
export interface SendOptions {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly followRedirects: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

const MAX_REDIRECTS = 10;

/** True when fetch gave up because of its own deadline (the AbortSignal.timeout reason). */
export function isTimeout(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'TimeoutError';
}

/** The cause of a failed fetch in plain words (`connection refused`, `timed out after 30s`). */
export function networkError(err: unknown, timedOut: boolean, timeoutText: string): string {
  if (timedOut) return `timed out after ${timeoutText}`;
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ECONNRESET: 'connection reset by the server',
    UND_ERR_SOCKET: 'the server closed the connection',
  };
  if (code !== undefined && words[code] !== undefined) return words[code];
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Sends one request with the session's cookies and stores the cookies it sets. Redirects are
 * followed here, not by fetch, so cookies set on a redirect (a login's 302) reach the jar.
 */
export async function send(url: string, options: SendOptions, jar: CookieJar): Promise<HttpResponse> {
  const started = performance.now();
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(Math.max(1, Math.ceil(options.timeoutMs)))]);
  let method = options.method;
  let body = options.body;
  let current = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'runbook http-smoke' };
    for (const [k, v] of Object.entries(options.headers)) headers[k.toLowerCase()] = v;
    const cookie = [headers.cookie, await jar.getCookieString(current)].filter((c) => c).join('; ');
    if (cookie) headers.cookie = cookie;
    if (body === undefined) delete headers['content-type'];
    const response = await fetch(current, { method, headers, ...(body !== undefined && { body }), redirect: 'manual', signal });
    for (const set of response.headers.getSetCookie()) await jar.setCookie(set, current, { ignoreError: true });
    const location = response.headers.get('location');
    if (!options.followRedirects || location === null || response.status < 300 || response.status > 399 || hop >= MAX_REDIRECTS) {
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text, ms: Math.round(performance.now() - started) };
    }
    await response.body?.cancel();
    // 303, and 301/302 after a POST, turn into a GET without a body, as browsers do.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    current = new URL(location, current).toString();
  }
}
