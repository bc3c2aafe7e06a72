import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './embedded-pg.js';

const standin = resolve('examples/agregator-standin');

/** Runs one of the stand-in's scripts as a real child process; `env` replaces the environment it inherits. */
export function script(
  name: 'restart' | 'stop',
  dir: string,
  options: { readonly args?: readonly string[]; readonly env?: Record<string, string | undefined> } = {},
) {
  return execa(process.execPath, [join(standin, `${name}.mjs`), '--dir', dir, ...(options.args ?? [])], {
    reject: false,
    ...(options.env && { env: options.env, extendEnv: false }),
  });
}

/** What an HTTP call answered; `body` is parsed JSON when it is JSON, else the text. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** An HTTP client of one app that keeps one session cookie, as a browser does. */
export function client(port: number) {
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...headers, ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] ?? '';
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
  };
  return {
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body: unknown) => call('POST', path, body),
    delete: (path: string) => call('DELETE', path),
    login: (username: string, password: string) => call('POST', '/api/auth/login', { username, password }),
    /** Forgets the session cookie. */
    signOut: () => {
      cookie = '';
    },
  };
}

/** A fresh app directory with a free port and the given .env text (a function of the port and the directory). */
export async function appDir(env: (port: number, dir: string) => string): Promise<{ readonly dir: string; readonly port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-standin-'));
  const port = await freePort();
  writeFileSync(join(dir, '.env'), env(port, dir));
  return { dir, port };
}
