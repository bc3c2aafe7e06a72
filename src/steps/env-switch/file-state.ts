import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';

/** A file as it is now: its bytes and attributes, or absent. */
export type FileState =
  | {
      readonly exists: true;
      readonly path: string;
      readonly bytes: Buffer;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
    }
  | { readonly exists: false; readonly path: string };

/** The sha256 of some bytes, hex. */
export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a file through symlinks, so the link's target is what gets replaced, not the link. */
export async function readFileState(path: string): Promise<FileState> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, path };
    throw e;
  }
  const [bytes, st] = await Promise.all([readFile(real), stat(real)]);
  return { exists: true, path: real, bytes, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}
