import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSmoke } from '../../../src/steps/http-smoke.js';
import type { HttpSmokeSpec } from '../../../src/steps/http-smoke/spec.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { freePort } from '../../helpers/embedded-pg.js';
import { stepContext } from '../../helpers/step-context.js';

function failure(r: StepResult): { message: string; hint?: string } {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return { message: r.message, ...(r.hint === undefined ? {} : { hint: r.hint }) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A small app shaped like Agregator: health, a JSON login that sets a session cookie, pages that need it. */
async function app(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const session = /(?:^|; )session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const route = `${req.method} ${req.url}`;
  if (route === 'GET /health') return json(res, 200, { status: 'ok', database: 'postgresql' });
  if (route === 'POST /api/auth/login') {
    const { username, password } = JSON.parse(body) as { username: string; password: string };
    if (username !== 'admin' || password !== 's3cret') return json(res, 401, { error: 'bad credentials' });
    return json(
      res,
      200,
      { ok: true, user: { name: 'admin', roles: ['admin', 'editor'] } },
      { 'set-cookie': 'session=abc123; Path=/; HttpOnly' },
    );
  }
  if (route === 'POST /login-form') {
    const form = new URLSearchParams(body);
    if (form.get('password') !== 's3cret') return json(res, 401, { error: 'bad credentials' });
    res.writeHead(302, { location: '/home', 'set-cookie': 'session=form1; Path=/' });
    return void res.end();
  }
  if (route === 'GET /home') {
    res.writeHead(session ? 200 : 401, { 'content-type': 'text/html' });
    return void res.end(session ? '<h1>Welcome admin</h1>' : 'login first');
  }
  if (route === 'GET /api/auth/me') return session ? json(res, 200, { user: 'admin' }) : json(res, 401, { error: 'login required' });
  if (route === 'POST /api/auth/logout') return json(res, 200, { ok: true }, { 'set-cookie': 'session=; Max-Age=0; Path=/' });
  if (route === 'GET /api/files') return json(res, 200, { files: [{ name: 'a.pdf' }, { name: 'b.pdf' }], total: 2 });
  if (route === 'GET /boom') {
    res.writeHead(500, { 'content-type': 'text/plain' });
    return void res.end(`Traceback (most recent call last):\n  File "app.py", line 3\n    connect(password="s3cret")\n${'x'.repeat(300)}`);
  }
  if (route === 'GET /slow') return; // never answers
  json(res, 404, { error: 'not found' });
}

async function listen(port = 0): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => void app(req, res));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

describe('http-smoke', () => {
  let server: Server;
  let base: string;
  const ctx = () => stepContext({ secrets: ['s3cret'] });
  const login = { name: 'login', method: 'POST', path: '/api/auth/login', json: { username: 'admin', password: 's3cret' } } as const;

  beforeAll(async () => {
    ({ server, base } = await listen());
  });
  afterAll(async () => close(server));

  it('logs in, keeps the session cookie, checks JSON paths and headers, and extracts outputs', async () => {
    const spec: HttpSmokeSpec = {
      base_url: base,
      wait_until_up: { path: '/health', timeout: '5s' },
      requests: [
        {
          ...login,
          expect: {
            status: 200,
            json: {
              '$.user.name': 'admin',
              '$.user.roles[*]': ['admin', 'editor'],
              '$.ok': { exists: true },
              '$.error': { exists: false },
            },
          },
        },
        {
          name: 'me',
          path: '/api/auth/me',
          expect: { json: { '$.user': { matches: '^adm' } }, headers: { 'content-type': { matches: 'json' } } },
        },
        {
          path: '/api/files',
          expect: { status: [200, 304], body_contains: ['a.pdf', 'b.pdf'], body_not_contains: 'Traceback', json: { '$.total': 2 } },
        },
      ],
      outputs: { user: { request: 'login', json: '$.user.name' }, type: { request: 3, header: 'content-type' } },
    };
    const r = await httpSmoke.run(spec, ctx());
    expect(r).toEqual({
      ok: true,
      outputs: {
        results: [
          { name: 'login', method: 'POST', path: '/api/auth/login', status: 200, ms: expect.any(Number) },
          { name: 'me', method: 'GET', path: '/api/auth/me', status: 200, ms: expect.any(Number) },
          { name: null, method: 'GET', path: '/api/files', status: 200, ms: expect.any(Number) },
        ],
        user: 'admin',
        type: 'application/json',
      },
      note: '3 request(s) passed',
    });
  });

  it('fails a request that needs the session when nobody logged in, naming it and showing the body', async () => {
    const r = await httpSmoke.run({ base_url: base, requests: [{ name: 'me', path: '/api/auth/me', expect: { status: 200 } }] }, ctx());
    expect(failure(r)).toEqual({
      message:
        'GET /api/auth/me ("me"), request 1 of 1: expected status 200, got 401. Response 401: {"error":"login required"}. No request before it.',
      hint: 'the app refused the session: does an earlier request of this step log in? Cookies are kept across the requests of one step',
    });
    expect(!r.ok && r.outputs).toEqual({
      results: [{ name: 'me', method: 'GET', path: '/api/auth/me', status: 401, ms: expect.any(Number) }],
    });
  });

  it('stops at the first failing request, saying how many passed and every missed check', async () => {
    const r = await httpSmoke.run(
      {
        base_url: base,
        requests: [
          login,
          {
            path: '/api/files',
            expect: {
              body_contains: ['a.pdf', 'report.pdf'],
              json: { '$.total': '3', '$.files[0].name': { matches: '^z' }, '$.nope': { exists: true } },
            },
          },
          { path: '/api/auth/me' },
        ],
      },
      ctx(),
    );
    expect(failure(r).message).toBe(
      'GET /api/files, request 2 of 3: expected the body to contain "report.pdf"; expected $.total = "3", got 2; expected $.files[0].name to match /^z/, got "a.pdf"; expected $.nope to exist. ' +
        'Response 200: {"files":[{"name":"a.pdf"},{"name":"b.pdf"}],"total":2}. The 1 request(s) before it passed.',
    );
  });

  it('forgets a cookie the app deletes with Max-Age=0', async () => {
    const r = await httpSmoke.run(
      {
        base_url: base,
        requests: [
          login,
          { path: '/api/auth/me' },
          { method: 'POST', path: '/api/auth/logout' },
          { path: '/api/auth/me', expect: { status: 401 } },
        ],
      },
      ctx(),
    );
    expect(r.ok).toBe(true);
  });

  it('does not follow redirects unless told, keeping cookies set on the redirect', async () => {
    const form = { method: 'POST', path: '/login-form', form: { user: 'admin', password: 's3cret' } } as const;
    const manual = await httpSmoke.run(
      {
        base_url: base,
        requests: [
          { ...form, expect: { status: 302, headers: { location: '/home' } } },
          { path: '/home', expect: { body_contains: 'Welcome' } },
        ],
      },
      ctx(),
    );
    expect(manual.ok).toBe(true);
    const followed = await httpSmoke.run(
      { base_url: base, requests: [{ ...form, follow_redirects: true, expect: { status: 200, body_contains: 'Welcome admin' } }] },
      ctx(),
    );
    expect(followed.ok).toBe(true);
  });

  it('masks secrets in the response body it quotes and cuts it at 200 characters', async () => {
    const r = failure(await httpSmoke.run({ base_url: base, requests: [{ path: '/boom' }] }, ctx()));
    const shown = `Traceback (most recent call last): File "app.py", line 3 connect(password="****") ${'x'.repeat(300)}`.slice(0, 200);
    expect(r).toEqual({
      message: `GET /boom, request 1 of 1: expected status 2xx, got 500. Response 500: ${shown}…. No request before it.`,
      hint: 'the app failed on this request; its own log says why',
    });
  });

  it('gives up on a request after its timeout, and stops when the step is aborted', async () => {
    expect(failure(await httpSmoke.run({ base_url: base, requests: [{ path: '/slow', timeout: '200ms' }] }, ctx()))).toEqual({
      message: 'GET /slow, request 1 of 1: no response (timed out after 200ms). No request before it.',
    });
    const controller = new AbortController();
    const running = httpSmoke.run({ base_url: base, requests: [{ path: '/slow' }] }, stepContext({ signal: controller.signal }));
    setTimeout(() => controller.abort('interrupted'), 50);
    expect(failure(await running)).toEqual({ message: 'stopped: interrupted' });
  });

  it('reports a refused connection on a request', async () => {
    const port = await freePort();
    expect(failure(await httpSmoke.run({ base_url: `http://127.0.0.1:${port}`, requests: [login] }, ctx())).message).toBe(
      'POST /api/auth/login ("login"), request 1 of 1: no response (connection refused). No request before it.',
    );
  });

  it('waits for an app that starts listening later', async () => {
    const port = await freePort();
    // The app starts when the step says its first try was refused: never before, whatever the machine's speed.
    const lines: string[] = [];
    let starting: Promise<{ server: Server }> | undefined;
    const c = stepContext({
      secrets: ['s3cret'],
      output: (line) => {
        lines.push(line);
        starting ??= listen(port);
      },
    });
    const r = await httpSmoke.run(
      {
        base_url: `http://127.0.0.1:${port}`,
        wait_until_up: { path: '/health', timeout: '30s', interval: '100ms' },
        requests: [{ path: '/health', expect: { json: { '$.database': 'postgresql' } } }],
      },
      c,
    );
    if (starting) await close((await starting).server);
    expect(r.ok).toBe(true);
    expect(lines[0]).toBe('/health not up yet (try 1): connection refused');
  });

  it('fails after the deadline when nothing ever listens', async () => {
    const port = await freePort();
    const r = await httpSmoke.run(
      { base_url: `http://127.0.0.1:${port}`, wait_until_up: { path: '/health', timeout: '1s' }, requests: [login] },
      ctx(),
    );
    expect(failure(r)).toEqual({
      message: `app at http://127.0.0.1:${port} did not answer /health with 2xx within 1s; last error: connection refused`,
      hint: 'is the app started? Its log says why it is not answering',
    });
  });

  it('quotes the last unhealthy answer when the app is up but never healthy', async () => {
    const sick = createServer((_req, res) => json(res, 503, { database: 'down' }));
    await new Promise<void>((r) => sick.listen(0, '127.0.0.1', r));
    const port = (sick.address() as { port: number }).port;
    const c = ctx();
    const r = await httpSmoke.run({ base_url: `http://127.0.0.1:${port}/`, wait_until_up: { path: '/health', timeout: '600ms' } }, c);
    await close(sick);
    expect(failure(r).message).toBe(
      `app at http://127.0.0.1:${port}/ did not answer /health with 2xx within 600ms; last error: status 503: {"database":"down"}`,
    );
    expect(c.lines[0]).toBe('/health not up yet (try 1): status 503: {"database":"down"}');
  });

  it('stops waiting at the first 500 and quotes the first lines of its body, masked', async () => {
    const c = ctx();
    const r = await httpSmoke.run({ base_url: base, wait_until_up: { path: '/boom', timeout: '10m' }, requests: [login] }, c);
    expect(failure(r)).toEqual({
      message:
        `app at ${base} answered /boom with status 500 while waiting for it to come up; only a failed connection or 503 is waited out. The body begins:\n` +
        `  Traceback (most recent call last):\n    File "app.py", line 3\n      connect(password="****")\n  ${'x'.repeat(200)}…`,
      hint: 'the app is up but failing; its own log says why',
    });
    expect(c.lines).toEqual([]);
  });

  it('waits out 503 answers and stops at the first other one', async () => {
    let tries = 0;
    const starting = createServer((_req, res) => {
      tries++;
      if (tries <= 2) return json(res, 503, { status: 'starting' });
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such page\n\nat all\n');
    });
    await new Promise<void>((r) => starting.listen(0, '127.0.0.1', r));
    const port = (starting.address() as { port: number }).port;
    const c = ctx();
    const r = await httpSmoke.run(
      { base_url: `http://127.0.0.1:${port}`, wait_until_up: { path: '/healthz', timeout: '10m', interval: '50ms' } },
      c,
    );
    await close(starting);
    expect(failure(r)).toEqual({
      message: `app at http://127.0.0.1:${port} answered /healthz with status 404 while waiting for it to come up; only a failed connection or 503 is waited out. The body begins:\n  no such page\n  at all`,
      hint: 'the app is up but has no /healthz: check base_url and wait_until_up.path',
    });
    expect(c.lines).toEqual([
      '/healthz not up yet (try 1): status 503: {"status":"starting"}',
      '/healthz not up yet (try 2): status 503: {"status":"starting"}',
    ]);
  });

  it('rejects an output that names no request before sending anything', async () => {
    const r = await httpSmoke.run({ base_url: base, requests: [login], outputs: { user: { request: 'logn', json: '$.user' } } }, ctx());
    expect(failure(r)).toEqual({
      message: 'output "user" reads request "logn", but no request has that name',
      hint: 'did you mean "login"?; nothing was sent',
    });
  });

  it('describes one line per request with bodies and secrets masked', () => {
    const spec: HttpSmokeSpec = {
      base_url: 'http://127.0.0.1:5050',
      wait_until_up: { path: '/health', timeout: 60 },
      requests: [
        { ...login, json: { username: 'admin', password: 'typed-inline' }, expect: { status: 200 } },
        {
          path: '/api/search?q=s3cret',
          headers: { Authorization: 'Bearer s3cret' },
          expect: { body_contains: 'results', json: { '$.total': { matches: '\\d+' } } },
        },
      ],
      outputs: { user: { request: 'login', json: '$.user.name' } },
    };
    expect(httpSmoke.describe(spec, { connection: () => undefined, mask: (t) => t.split('s3cret').join('****') })).toEqual([
      { label: 'base_url', text: 'http://127.0.0.1:5050' },
      { label: 'wait', text: 'GET /health until 2xx, up to 60s' },
      { label: 'request', text: 'POST /api/auth/login ("login") → 200 (json {"username":"admin","password":"****"})' },
      { label: 'request', text: 'GET /api/search?q=**** → 2xx, body contains "results", $.total ~ /\\d+/ (headers Authorization)' },
      { label: 'output', text: 'user = $.user.name of "login"' },
    ]);
  });
});
