import { existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { defineStepKind, type StepContext, type StepResult } from './kind.js';
import type { JsonValue } from '../core/json.js';
import { stoppedResult } from './process/stopped.js';
import { syncDirectory } from './env-switch/atomic-write.js';
import { removeSidecars, removeWithSidecars, settleFile, sha256File, tempFile } from './sqlite-backup/files.js';
import { settleWal } from './sqlite-backup/wal.js';
import { restoreFromBackup } from './sqlite-backup/restore.js';
import { BackupStopped, backupSnapshot } from './sqlite-backup/snapshot.js';
import type { SqliteBackupUndo } from './sqlite-backup/undo-token.js';
import { checkCopy, isSqliteError } from './sqlite-backup/verify.js';
import { properties, resolveSqliteBackupSpec, type SqliteBackupSpec } from './sqlite-backup/schema.js';

/** The source's absolute path and mode, or the failure when it is not a SQLite file that exists. */
async function sourceFile(spec: SqliteBackupSpec, ctx: StepContext): Promise<{ path: string; mode: number } | StepResult> {
  const conn = ctx.connection(spec.source);
  if (conn.type !== 'sqlite') {
    return {
      ok: false,
      message: `connection "${spec.source}" is a ${conn.type} connection; sqlite-backup copies a SQLite file`,
      hint: 'name a connection declared with sqlite: in connections:',
    };
  }
  const path = resolve(ctx.workDir, conn.path);
  const st = await stat(path).catch(() => undefined);
  if (st === undefined || !st.isFile()) {
    return {
      ok: false,
      message: `SQLite file not found: ${path} (connection "${spec.source}")`,
      hint: 'check the path of the connection in connections:',
    };
  }
  return { path, mode: st.mode & 0o7777 };
}

function failureOf(e: unknown, source: string, target: string, ctx: StepContext): StepResult {
  if (e instanceof BackupStopped) return stoppedResult(ctx.signal, `nothing was written under ${target}`);
  if (isSqliteError(e)) {
    const hint =
      e.code === 'SQLITE_BUSY'
        ? 'another connection kept the database locked; stop writes to the app and run the step again'
        : e.code === 'SQLITE_NOTADB'
          ? `check that ${source} is the app's SQLite database`
          : 'check that the source is readable and the destination directory writable';
    return { ok: false, message: `cannot back up ${source} to ${target}: ${e.message} (${e.code})`, hint };
  }
  const err = e as NodeJS.ErrnoException;
  if (typeof err.code !== 'string') throw e;
  return {
    ok: false,
    message: `cannot write the backup to ${target}: ${err.message}`,
    hint: 'check that the destination path is a writable file name in a writable directory',
  };
}

async function runBackup(given: SqliteBackupSpec, ctx: StepContext): Promise<StepResult> {
  const spec = resolveSqliteBackupSpec(given);
  const src = await sourceFile(spec, ctx);
  if ('ok' in src) return src;
  const target = resolve(ctx.workDir, spec.to);
  if (target === src.path)
    return {
      ok: false,
      message: `the backup destination ${target} is the source file itself`,
      hint: 'write the backup to another path, e.g. backups/...',
    };
  if (existsSync(target) && !spec.overwrite) {
    return {
      ok: false,
      message: `backup destination already exists: ${target}`,
      hint: 'put a timestamp in the name ({{now "yyyyMMdd_HHmmss"}}), or set overwrite: true to replace it',
    };
  }
  const dir = dirname(target);
  // A temp name in the same directory: the final name only ever holds a verified copy.
  const { path: temp, forget } = tempFile(dir, basename(target), 'tmp', ctx);
  let counts: Readonly<Record<string, number>>;
  try {
    await mkdir(dir, { recursive: true });
    counts = await backupSnapshot(src.path, temp, { signal: ctx.signal, progress: (p) => ctx.progress(p) });
    await settleFile(temp, src.mode);
    const problems = checkCopy(temp, counts);
    await removeSidecars(temp);
    if (problems.length > 0) {
      await removeWithSidecars(temp);
      return {
        ok: false,
        message: `the backup of ${src.path} failed verification: ${problems.join('; ')}`,
        hint: `the copy was deleted; nothing was written under ${target}`,
      };
    }
    await rename(temp, target);
    await syncDirectory(dir);
  } catch (e) {
    await removeWithSidecars(temp);
    return failureOf(e, src.path, target, ctx);
  } finally {
    forget();
  }
  const [bytes, sha256] = await Promise.all([stat(target).then((s) => s.size), sha256File(target)]);
  await settleWal(src.path);
  const undo: SqliteBackupUndo = {
    source: src.path,
    backup: target,
    source_sha256: await sha256File(src.path),
    backup_sha256: sha256,
    mode: src.mode,
  };
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  const tables = Object.keys(counts).length;
  return {
    ok: true,
    outputs: { path: target, bytes, sha256, tables, rows, counts },
    undo: undo as unknown as JsonValue,
    note: `backed up ${basename(src.path)} to ${target}: ${tables} tables, ${rows} rows, ${bytes} bytes, verified`,
  };
}

/** Copies a SQLite file with SQLite's online backup API, verifies the copy, and restores the file at rollback if it changed. */
export const sqliteBackup = defineStepKind<SqliteBackupSpec>({
  kind: 'sqlite-backup',
  summary:
    "Backs up a SQLite file with SQLite's online backup API (consistent even while the app writes), verifies the copy, and restores the file at rollback if it changed since.",
  schema: { properties, required: ['source', 'to'] },
  connectionFields: ['source'],
  outputs: () => ['path', 'bytes', 'sha256', 'tables', 'rows', 'counts'],
  describe(spec, ctx) {
    const conn = ctx.connection(spec.source);
    const from = conn?.type === 'sqlite' ? conn.path : `${spec.source} (known when the run reaches this step)`;
    return [
      { label: 'backup', text: ctx.mask(`${from} -> ${spec.to}`) },
      { label: 'verify', text: 'integrity_check and row counts' },
    ];
  },
  run: runBackup,
  undo: restoreFromBackup,
  undoSummary: 'restore the SQLite file from this backup if it changed since (the changed file is kept beside it)',
});
