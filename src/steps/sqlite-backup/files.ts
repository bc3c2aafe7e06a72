import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepContext } from '../kind.js';

/** Files SQLite keeps beside a database: the write-ahead log, its index, and a rollback journal. */
const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** The sha256 of a file, hex, read as a stream so a large database is not held in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Flushes a file's bytes to disk and gives it the permission bits asked for. */
export async function settleFile(path: string, mode: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes the files SQLite may have left beside a database; a stale log must never be replayed onto another file. */
export async function removeSidecars(path: string): Promise<void> {
  await Promise.all(SIDECARS.map((s) => rm(`${path}${s}`, { force: true })));
}

/** Removes a database file and its sidecars, e.g. a temp copy that failed. */
export async function removeWithSidecars(path: string): Promise<void> {
  await rm(path, { force: true });
  await removeSidecars(path);
}

/**
 * Moves a database to a new name together with its log and journal (renamed the way SQLite
 * names them), so opening it at the new name still sees every committed row.
 */
export async function moveWithSidecars(from: string, to: string): Promise<void> {
  await rename(from, to);
  for (const s of ['-wal', '-journal'] as const) {
    await rename(`${from}${s}`, `${to}${s}`).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
  await rm(`${from}-shm`, { force: true });
}

/**
 * A hidden temp file beside `name` in `dir`, named after the run (`.catalogue.db.<run-id>-<12 hex>.restore.tmp`)
 * and noted in the run's trail before it exists, so after a crash the next run removes it. Call
 * `forget` once it is renamed or removed.
 */
export function tempFile(
  dir: string,
  name: string,
  suffix: string,
  ctx: StepContext,
): { readonly path: string; readonly forget: () => void } {
  const tail = randomBytes(6).toString('hex');
  const path = join(dir, `.${name}.${ctx.trail ? `${ctx.trail.runId}-${tail}` : tail}.${suffix}`);
  return { path, forget: ctx.trail?.tempFile(path) ?? (() => {}) };
}
