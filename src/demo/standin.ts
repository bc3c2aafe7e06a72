import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../template/shell-quote.js';

/** The repository root (this file is src/demo/standin.ts, or dist/demo/standin.js once built). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const standinDir = join(repoRoot, 'examples', 'agregator-standin');

/** The shell command that (re)starts the stand-in of an app directory: the plan's restart_cmd. */
export function restartCommand(appDir: string): string {
  return [process.execPath, join(standinDir, 'restart.mjs'), '--dir', appDir].map(shellQuote).join(' ');
}

/** What one of the stand-in's scripts said and how it exited. */
export interface ScriptResult {
  readonly ok: boolean;
  readonly output: string;
}

async function script(name: 'restart' | 'stop', appDir: string): Promise<ScriptResult> {
  const result = await execa(process.execPath, [join(standinDir, `${name}.mjs`), '--dir', appDir], { reject: false, all: true, stdin: 'ignore' });
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

/** The app's answer to GET /health: which database it serves from. */
export type Health = { readonly ok: true; readonly dialect: string; readonly files: number } | { readonly ok: false; readonly error: string };

/** Asks the app at `appUrl` which database it serves from; never throws. */
export async function appHealth(appUrl: string): Promise<Health> {
  try {
    const response = await fetch(`${appUrl}/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { database?: { ok?: boolean; dialect?: string; files?: number } };
    if (!response.ok || body.database?.ok !== true) return { ok: false, error: `HTTP ${response.status} ${JSON.stringify(body.database ?? body)}` };
    return { ok: true, dialect: String(body.database.dialect), files: Number(body.database.files) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
