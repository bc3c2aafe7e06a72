import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../core/shell-quote.js';

/** The repository root (this file is src/demo/standin.ts, or dist/demo/standin.js once built). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const standinDir = join(repoRoot, 'examples', 'agregator-standin');

/** The shell command that (re)starts the stand-in of an app directory: the plan's restart_cmd. */
export function restartCommand(appDir: string): string {
  return scriptCommand('restart', appDir);
}

/** The shell command that stops the stand-in of an app directory: the plan's stop_cmd. */
export function stopCommand(appDir: string): string {
  return scriptCommand('stop', appDir);
}

function scriptCommand(name: 'restart' | 'stop', appDir: string): string {
  return [process.execPath, join(standinDir, `${name}.mjs`), '--dir', appDir].map(shellQuote).join(' ');
}

/** What one of the stand-in's scripts said and how it exited. */
export interface ScriptResult {
  readonly ok: boolean;
  readonly output: string;
}

async function script(name: 'restart' | 'stop', appDir: string): Promise<ScriptResult> {
  const result = await execa(process.execPath, [join(standinDir, `${name}.mjs`), '--dir', appDir], {
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  return { ok: result.exitCode === 0, output: (result.all ?? '').trim() };
}

/** Starts (or restarts) the stand-in on whatever its .env says, and waits until it is healthy. */
export function restartStandin(appDir: string): Promise<ScriptResult> {
  return script('restart', appDir);
}

/** Stops the stand-in of an app directory; succeeds when none runs. */
export function stopStandin(appDir: string): Promise<ScriptResult> {
  return script('stop', appDir);
}

/** Which database the app serves from, as its admin overview says. */
export type AppDatabase =
  { readonly ok: true; readonly dialect: string; readonly files: number } | { readonly ok: false; readonly error: string };

/**
 * Asks the app at `appUrl` which database it serves from, the way the plan does: log in as admin,
 * then GET /api/admin/status/overview ($.database.dialect). Never throws.
 */
export async function appDatabase(appUrl: string, adminPassword: string): Promise<AppDatabase> {
  try {
    const login = await fetch(`${appUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: adminPassword }),
      signal: AbortSignal.timeout(5000),
    });
    if (!login.ok) return { ok: false, error: `login: HTTP ${login.status} ${await login.text()}` };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const response = await fetch(`${appUrl}/api/admin/status/overview`, { headers: { cookie }, signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { database?: { status?: string; dialect?: string; counts?: { files?: number } } };
    if (!response.ok || body.database?.status !== 'ok')
      return { ok: false, error: `overview: HTTP ${response.status} ${JSON.stringify(body.database ?? body)}` };
    return { ok: true, dialect: String(body.database.dialect), files: Number(body.database.counts?.files) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
