import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The mode and owner a replaced file keeps. */
export interface FileAttributes {
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** Flushes a directory so a rename in it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a file so readers see either the old or the new bytes, never a mix: a temp file in
 * the same directory, fsync, rename over the target, fsync the directory. The temp file is
 * removed when anything fails.
 */
export async function writeFileAtomic(path: string, data: Buffer, attributes: FileAttributes): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(attributes.mode);
      if (attributes.uid !== undefined && attributes.gid !== undefined) {
        // Keeps the app user's ownership when run as root; elsewhere chown is not permitted and not needed.
        await handle.chown(attributes.uid, attributes.gid).catch(() => {});
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}
