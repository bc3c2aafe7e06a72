import { copyFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { JsonValue } from '../../core/json.js';
import type { StepContext, StepResult } from '../kind.js';
import { syncDirectory } from '../env-switch/atomic-write.js';
import { moveWithSidecars, removeSidecars, removeWithSidecars, settleFile, sha256File, tempFile } from './files.js';
import { parseUndoToken, type SqliteBackupUndo } from './undo-token.js';
import { checkCopy } from './verify.js';
import { settleWal } from './wal.js';

/** `20250131_235959`, local time, for the name the replaced file is kept under. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Why the source needs no restore, or undefined when it does (changed, deleted, or its log could not be folded in). */
async function unchangedNote(t: SqliteBackupUndo, exists: boolean): Promise<string | undefined> {
  if (!exists || !(await settleWal(t.source))) return undefined;
  const sha = await sha256File(t.source);
  const name = basename(t.source);
  if (sha === t.source_sha256) return `${name} unchanged since the backup; nothing to restore`;
  // A rollback run again after a restore finds the backup's own bytes.
  if (sha === t.backup_sha256) return `${name} already restored from ${t.backup}; nothing to restore`;
  return undefined;
}

/**
 * Puts the backup's bytes in place of the source: a verified temp copy in the source's
 * directory, the changed file moved aside with its log, stale sidecars removed, then a rename.
 * Returns where the replaced file is kept, if there was one.
 */
async function replaceSource(t: SqliteBackupUndo, exists: boolean, temp: string): Promise<string | undefined> {
  await copyFile(t.backup, temp);
  await settleFile(temp, t.mode);
  const problems =
    (await sha256File(temp)) === t.backup_sha256 ? checkCopy(temp, undefined) : ["the copy does not have the backup's sha256"];
  await removeSidecars(temp);
  if (problems.length > 0) throw new RestoreRefused(`the copy of ${t.backup} failed verification: ${problems.join('; ')}`);
  const kept = exists ? `${t.source}.replaced-${stamp(new Date())}` : undefined;
  if (kept !== undefined) await moveWithSidecars(t.source, kept);
  else await removeSidecars(t.source);
  await moveWithSidecars(temp, t.source);
  await syncDirectory(dirname(t.source));
  return kept;
}

class RestoreRefused extends Error {}

/** sqlite-backup's undo: restores the source from the backup when it changed (or vanished) since the backup. */
export async function restoreFromBackup(rawToken: JsonValue, ctx: StepContext): Promise<StepResult> {
  const t = parseUndoToken(rawToken);
  const name = basename(t.source);
  const outputs = { path: t.source };
  const exists = (await stat(t.source).catch(() => undefined)) !== undefined;
  const unchanged = await unchangedNote(t, exists);
  if (unchanged !== undefined) return { ok: true, outputs, note: unchanged };

  const backupSha = await sha256File(t.backup).catch(() => undefined);
  if (backupSha !== t.backup_sha256) {
    const what = backupSha === undefined ? 'missing' : 'not the file that was written (its sha256 differs)';
    return {
      ok: false,
      message: `cannot restore ${t.source}: the backup ${t.backup} is ${what}`,
      hint: `restore ${name} by hand; it was left as it is`,
    };
  }
  const { path: temp, forget } = tempFile(dirname(t.source), name, 'restore.tmp', ctx);
  let kept: string | undefined;
  try {
    kept = await replaceSource(t, exists, temp);
    forget();
  } catch (e) {
    await removeWithSidecars(temp);
    forget();
    const err = e as NodeJS.ErrnoException;
    if (!(e instanceof RestoreRefused) && typeof err.code !== 'string') throw e;
    return {
      ok: false,
      message: `cannot restore ${t.source} from ${t.backup}: ${err.message}`,
      hint: `restore ${name} by hand from the backup; check that its directory is writable`,
    };
  }
  const note = `restored ${name} from ${t.backup} (it had ${exists ? 'changed' : 'been deleted'} since the backup)`;
  ctx.warn(note);
  if (kept !== undefined)
    ctx.warn(`the ${name} it replaced is kept as ${kept}, with rows written after the backup; delete it once they are not needed`);
  return { ok: true, outputs, note };
}
