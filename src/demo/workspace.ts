import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalogue } from './catalogue.js';
import { freePort } from './embedded-postgres.js';

/** A directory laid out like an Agregator installation on SQLite: catalogue.db, .env, backups/. */
export interface AppWorkspace {
  readonly dir: string;
  readonly port: number;
  readonly appUrl: string;
  readonly envPath: string;
  readonly cataloguePath: string;
  readonly backupsDir: string;
  /** Rows per table of the generated catalogue. */
  readonly tables: Readonly<Record<string, number>>;
}

/**
 * Makes a fresh temp directory with a generated catalogue.db and a .env that points the app at
 * it (no database URL, so catalogue.db in the directory; the given port or a free one; a random FLASK_SECRET_KEY), plus an empty backups/ folder.
 */
export async function createAppWorkspace(
  options: { readonly files?: number; readonly adminPassword?: string; readonly port?: number } = {},
): Promise<AppWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-demo-'));
  const port = options.port ?? (await freePort());
  const cataloguePath = join(dir, 'catalogue.db');
  const { tables } = createCatalogue(cataloguePath, {
    ...(options.files !== undefined && { files: options.files }),
    ...(options.adminPassword !== undefined && { adminPassword: options.adminPassword }),
  });
  const envPath = join(dir, '.env');
  // Like Agregator's own .env: no database URL, so the app uses catalogue.db in its directory.
  writeFileSync(envPath, `# Agregator settings\nFLASK_SECRET_KEY=${randomBytes(16).toString('hex')}\nPORT=${port}\n`);
  const backupsDir = join(dir, 'backups');
  mkdirSync(backupsDir);
  return { dir, port, appUrl: `http://127.0.0.1:${port}`, envPath, cataloguePath, backupsDir, tables };
}

/** The sha256 of a file's bytes, in hex. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
