import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteBackup } from '../../../src/steps/sqlite-backup.js';
import { checkCopy } from '../../../src/steps/sqlite-backup/verify.js';
import type { JsonValue } from '../../../src/core/json.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { stepContext, type RecordedContext } from '../../helpers/step-context.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A catalogue-like SQLite file: plain tables, an FTS5 index with its shadow tables. */
function makeCatalogue(path: string, options: { readonly wal?: boolean } = {}): void {
  const db = new Database(path);
  if (options.wal === true) db.pragma('journal_mode = wal');
  db.exec(`
    create table files (id integer primary key, path text not null, size integer);
    create table tags (id integer primary key, file_id integer references files(id), name text);
    create table "odd name" (x);
    create virtual table files_fts using fts5(path);
  `);
  const file = db.prepare('insert into files (path, size) values (?, ?)');
  const tag = db.prepare('insert into tags (file_id, name) values (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 3000; i++) {
      file.run(`/library/doc-${i}.pdf`, i * 10);
      if (i % 3 === 0) tag.run(i, `tag-${i % 7}`);
    }
  })();
  db.exec(`insert into files_fts (path) select path from files where id <= 50`);
  db.close();
}

/** A fresh context working in the directory of `source`, with `catalogue` naming it. */
function context(source: string): RecordedContext {
  return stepContext({ workDir: dirname(source), connections: { catalogue: { name: 'catalogue', type: 'sqlite', path: source } } });
}

function undoToken(r: StepResult): JsonValue {
  if (!r.ok || r.undo === undefined) throw new Error(`expected a backup with an undo token, got ${JSON.stringify(r)}`);
  return r.undo;
}

function undo(token: JsonValue, ctx: RecordedContext): Promise<StepResult> {
  if (!sqliteBackup.undo) throw new Error('sqlite-backup has no undo');
  return sqliteBackup.undo(token, ctx);
}

function rowCount(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('sqlite-backup', () => {
  it('copies the file, verifies it, and reports path, size, hash and row counts', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source);
    chmodSync(source, 0o640);
    const c = context(source);
    const r = await sqliteBackup.run({ source: 'catalogue', to: join(ctx.workDir, 'backups/catalogue_before_pg_20250101_120000.db') }, c);
    const path = join(ctx.workDir, 'backups/catalogue_before_pg_20250101_120000.db');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const counts = {
      files: 3000,
      files_fts_config: 1,
      files_fts_content: 50,
      files_fts_data: rowCount(source, 'files_fts_data'),
      files_fts_docsize: 50,
      files_fts_idx: rowCount(source, 'files_fts_idx'),
      'odd name': 0,
      tags: 1000,
    };
    expect(r.outputs).toEqual({
      path,
      bytes: statSync(path).size,
      sha256: sha(path),
      tables: 8,
      rows: Object.values(counts).reduce((a, b) => a + b, 0),
      counts,
    });
    expect(r.note).toBe(`backed up catalogue.db to ${path}: 8 tables, ${r.outputs.rows} rows, ${r.outputs.bytes} bytes, verified`);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(ctx.workDir, 'backups'))).toEqual(['catalogue_before_pg_20250101_120000.db']);
    expect(checkCopy(path, counts)).toEqual([]);
    expect(r.undo).toEqual({ source, backup: path, source_sha256: sha(source), backup_sha256: sha(path), mode: 0o640 });
  });

  it('takes a consistent copy while another connection holds an open write transaction', async () => {
    for (const wal of [false, true]) {
      const ctx = stepContext();
      const source = join(ctx.workDir, 'catalogue.db');
      makeCatalogue(source, { wal });
      const writer = new Database(source);
      writer.exec('begin immediate');
      writer.prepare('insert into files (path, size) values (?, ?)').run('/uncommitted.pdf', 1);
      writer.exec('delete from tags where id <= 10');
      const r = await sqliteBackup.run({ source: 'catalogue', to: 'backups/b.db' }, context(source));
      writer.exec('commit');
      writer.close();
      expect(r).toMatchObject({ ok: true, outputs: { counts: { files: 3000, tags: 1000 } } });
      const backup = join(ctx.workDir, 'backups/b.db');
      expect(readdirSync(join(ctx.workDir, 'backups'))).toEqual(['b.db']);
      expect(checkCopy(backup, undefined)).toEqual([]);
      expect(rowCount(backup, 'files')).toBe(3000);
      expect(rowCount(source, 'files')).toBe(3001);
    }
  });

  it('copies one snapshot even when a WAL writer commits between the copy steps', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source, { wal: true });
    const writer = new Database(source);
    const big = writer.prepare('insert into files (path, size) values (?, ?)');
    // Enough pages that the copy takes several steps, with commits landing in between.
    writer.transaction(() => {
      for (let i = 0; i < 20000; i++) big.run(`/bulk/${i}-${'x'.repeat(200)}`, i);
    })();
    const before = rowCount(source, 'files');
    let commits = 0;
    const c = context(source);
    const r = await sqliteBackup.run(
      { source: 'catalogue', to: 'b.db' },
      {
        ...c,
        progress: () => {
          big.run(`/during/${commits++}`, 0);
        },
      },
    );
    writer.close();
    expect(commits).toBeGreaterThan(1);
    expect(r).toMatchObject({ ok: true, outputs: { counts: { files: before } } });
    expect(rowCount(join(ctx.workDir, 'b.db'), 'files')).toBe(before);
    expect(rowCount(source, 'files')).toBe(before + commits);
  });

  it('refuses an existing destination unless overwrite is true', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source);
    const target = join(ctx.workDir, 'b.db');
    writeFileSync(target, 'old');
    expect(await sqliteBackup.run({ source: 'catalogue', to: 'b.db' }, context(source))).toEqual({
      ok: false,
      message: `backup destination already exists: ${target}`,
      hint: 'put a timestamp in the name ({{now "yyyyMMdd_HHmmss"}}), or set overwrite: true to replace it',
    });
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(await sqliteBackup.run({ source: 'catalogue', to: 'b.db', overwrite: true }, context(source))).toMatchObject({ ok: true });
    expect(rowCount(target, 'files')).toBe(3000);
  });

  it('fails without leaving a file when the destination cannot be written', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source);
    const target = join(ctx.workDir, 'backups', 'b.db');
    mkdirSync(join(target, 'inside'), { recursive: true });
    expect(await sqliteBackup.run({ source: 'catalogue', to: 'backups/b.db', overwrite: true }, context(source))).toEqual({
      ok: false,
      // The temp name is random; everything else is exact.
      message: expect.stringMatching(
        new RegExp(
          `^${escape(`cannot write the backup to ${target}: EISDIR: illegal operation on a directory, rename '${join(ctx.workDir, 'backups')}/.b.db.`)}[0-9a-f]{12}${escape(`.tmp' -> '${target}'`)}$`,
        ),
      ),
      hint: 'check that the destination path is a writable file name in a writable directory',
    });
    expect(readdirSync(join(ctx.workDir, 'backups'))).toEqual(['b.db']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('fails on a missing source, a source that is not SQLite, and a destination that is the source', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    expect(await sqliteBackup.run({ source: 'catalogue', to: 'b.db' }, context(source))).toEqual({
      ok: false,
      message: `SQLite file not found: ${source} (connection "catalogue")`,
      hint: 'check the path of the connection in connections:',
    });
    writeFileSync(source, 'this is not a database, just text that is long enough to have a header of sorts.........');
    expect(await sqliteBackup.run({ source: 'catalogue', to: 'b.db' }, context(source))).toEqual({
      ok: false,
      message: `cannot back up ${source} to ${join(ctx.workDir, 'b.db')}: file is not a database (SQLITE_NOTADB)`,
      hint: `check that ${source} is the app's SQLite database`,
    });
    expect(readdirSync(ctx.workDir).sort()).toEqual(['.step', 'catalogue.db']);
    expect(await sqliteBackup.run({ source: 'catalogue', to: 'catalogue.db', overwrite: true }, context(source))).toEqual({
      ok: false,
      message: `the backup destination ${source} is the source file itself`,
      hint: 'write the backup to another path, e.g. backups/...',
    });
  });

  it('rejects a postgres connection as the source', async () => {
    const ctx = stepContext({ connections: { target: { name: 'target', type: 'postgres', url: 'postgresql://u:pw@db/app' } } });
    expect(await sqliteBackup.run({ source: 'target', to: 'b.db' }, ctx)).toEqual({
      ok: false,
      message: 'connection "target" is a postgres connection; sqlite-backup copies a SQLite file',
      hint: 'name a connection declared with sqlite: in connections:',
    });
  });

  it('verification lists the tables whose counts differ and a failed integrity check', () => {
    const ctx = stepContext();
    const copy = join(ctx.workDir, 'copy.db');
    makeCatalogue(copy);
    expect(
      checkCopy(copy, {
        files: 3001,
        tags: 1000,
        gone: 4,
        'odd name': 0,
        files_fts_config: 1,
        files_fts_content: 50,
        files_fts_data: rowCount(copy, 'files_fts_data'),
        files_fts_docsize: 50,
        files_fts_idx: rowCount(copy, 'files_fts_idx'),
      }),
    ).toEqual(['row counts differ in 2 table(s): files (source 3001, backup 3000), gone (source 4, backup missing)']);
    const bytes = readFileSync(copy);
    // Scribble over the middle of the file: pages of the files table become garbage.
    bytes.fill(0x41, 40_000, 60_000);
    writeFileSync(copy, bytes);
    const problems = checkCopy(copy, undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^integrity_check reported "|^SQLite could not read it: /);
  });

  it('undo leaves an unchanged source alone', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source);
    const token = undoToken(await sqliteBackup.run({ source: 'catalogue', to: 'backups/b.db' }, context(source)));
    const before = statSync(source);
    const c = context(source);
    expect(await undo(token, c)).toEqual({
      ok: true,
      outputs: { path: source },
      note: 'catalogue.db unchanged since the backup; nothing to restore',
    });
    expect(statSync(source).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(source).ino).toBe(before.ino);
    expect(c.warnings).toEqual([]);
  });

  it('undo restores a source changed since the backup, keeps the changed file, and is idempotent', async () => {
    for (const wal of [false, true]) {
      const ctx = stepContext();
      const source = join(ctx.workDir, 'catalogue.db');
      makeCatalogue(source, { wal });
      chmodSync(source, 0o640);
      const r = await sqliteBackup.run({ source: 'catalogue', to: 'backups/b.db' }, context(source));
      const token = undoToken(r);
      const backup = join(ctx.workDir, 'backups/b.db');
      // The app keeps writing; in WAL mode its rows stay in catalogue.db-wal while it is open.
      const app = new Database(source);
      app.prepare('insert into files (path, size) values (?, ?)').run('/after-backup.pdf', 1);
      const c = context(source);
      const done = await undo(token, c);
      app.close();
      // No stale log of the replaced file sits beside the restored one, to be replayed onto it.
      expect(existsSync(`${source}-wal`)).toBe(false);
      const note = `restored catalogue.db from ${backup} (it had changed since the backup)`;
      expect(done).toEqual({ ok: true, outputs: { path: source }, note });
      expect(sha(source)).toBe((token as { backup_sha256: string }).backup_sha256);
      expect(rowCount(source, 'files')).toBe(3000);
      expect(statSync(source).mode & 0o777).toBe(0o640);
      const kept = readdirSync(ctx.workDir).filter((n) => /^catalogue\.db\.replaced-\d{8}_\d{6}$/.test(n));
      expect(kept).toHaveLength(1);
      expect(c.warnings).toEqual([
        note,
        `the catalogue.db it replaced is kept as ${join(ctx.workDir, kept[0] ?? '')}, with rows written after the backup; delete it once they are not needed`,
      ]);
      expect(rowCount(join(ctx.workDir, kept[0] ?? ''), 'files')).toBe(3001);
      expect(readdirSync(ctx.workDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      expect(await undo(token, c)).toEqual({
        ok: true,
        outputs: { path: source },
        note: `catalogue.db already restored from ${backup}; nothing to restore`,
      });
    }
  });

  it('undo restores a deleted source and removes its stale log', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source);
    const token = undoToken(await sqliteBackup.run({ source: 'catalogue', to: 'backups/b.db' }, context(source)));
    rmSync(source);
    writeFileSync(`${source}-journal`, 'stale');
    const c = context(source);
    const note = `restored catalogue.db from ${join(ctx.workDir, 'backups/b.db')} (it had been deleted since the backup)`;
    expect(await undo(token, c)).toEqual({ ok: true, outputs: { path: source }, note });
    expect(c.warnings).toEqual([note]);
    expect(existsSync(`${source}-journal`)).toBe(false);
    expect(rowCount(source, 'files')).toBe(3000);
    expect(checkCopy(source, undefined)).toEqual([]);
  });

  it('undo refuses to restore from a backup that is missing or altered', async () => {
    const ctx = stepContext();
    const source = join(ctx.workDir, 'catalogue.db');
    makeCatalogue(source);
    const token = undoToken(await sqliteBackup.run({ source: 'catalogue', to: 'backups/b.db' }, context(source)));
    const backup = join(ctx.workDir, 'backups/b.db');
    const app = new Database(source);
    app.exec('delete from tags');
    app.close();
    const changed = sha(source);
    writeFileSync(backup, Buffer.concat([readFileSync(backup), Buffer.from('x')]));
    expect(await undo(token, context(source))).toEqual({
      ok: false,
      message: `cannot restore ${source}: the backup ${backup} is not the file that was written (its sha256 differs)`,
      hint: 'restore catalogue.db by hand; it was left as it is',
    });
    rmSync(backup);
    expect(await undo(token, context(source))).toMatchObject({
      ok: false,
      message: `cannot restore ${source}: the backup ${backup} is missing`,
    });
    expect(sha(source)).toBe(changed);
  });

  it('describes the copy and the check', () => {
    const lines = sqliteBackup.describe(
      { source: 'catalogue', to: 'backups/catalogue_before_pg_20250101_120000.db' },
      { connection: () => ({ name: 'catalogue', type: 'sqlite', path: '/srv/app/catalogue.db' }), mask: (t) => t },
    );
    expect(lines).toEqual([
      { label: 'backup', text: '/srv/app/catalogue.db -> backups/catalogue_before_pg_20250101_120000.db' },
      { label: 'verify', text: 'integrity_check and row counts' },
    ]);
    expect(sqliteBackup.outputs({ source: 'catalogue', to: 'b.db' })).toEqual(['path', 'bytes', 'sha256', 'tables', 'rows', 'counts']);
    expect(sqliteBackup.connectionFields).toEqual(['source']);
  });
});
