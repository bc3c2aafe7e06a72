import Database from 'better-sqlite3';

/** How a SQLite file's rows differ from a backup's, table by table (only tables with a difference are listed). */
export interface RowsSinceBackup {
  /** Rows of the backup that the file no longer has. */
  readonly lost: Readonly<Record<string, number>>;
  /** Rows the file has that the backup does not. */
  readonly added: Readonly<Record<string, number>>;
}

/**
 * Compares every ordinary table of `backupPath` with the same table of `path`, row by row. Full-text
 * tables and their storage are left out: the app rebuilds them at every start.
 */
export function rowsSinceBackup(path: string, backupPath: string): RowsSinceBackup {
  const db = new Database(path, { readonly: true });
  try {
    db.prepare('ATTACH DATABASE ? AS backup').run(backupPath);
    const virtual = db
      .prepare("SELECT name FROM backup.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
      .pluck()
      .all() as string[];
    const tables = (
      db
        .prepare("SELECT name FROM backup.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .pluck()
        .all() as string[]
    ).filter((t) => !virtual.some((v) => t === v || t.startsWith(`${v}_`)));
    const lost: Record<string, number> = {};
    const added: Record<string, number> = {};
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    for (const t of tables) {
      const gone = count(`SELECT count(*) FROM (SELECT * FROM backup."${t}" EXCEPT SELECT * FROM main."${t}")`);
      const fresh = count(`SELECT count(*) FROM (SELECT * FROM main."${t}" EXCEPT SELECT * FROM backup."${t}")`);
      if (gone > 0) lost[t] = gone;
      if (fresh > 0) added[t] = fresh;
    }
    return { lost, added };
  } finally {
    db.close();
  }
}
