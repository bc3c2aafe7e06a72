import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { catalogueSchema } from './catalogue-schema.js';
import { fillCatalogue, type InsertRow, type Row } from './catalogue-rows.js';
import { seededRandom } from './random.js';

/** How big and which catalogue to generate; the same seed always gives the same rows. */
export interface CatalogueOptions {
  /** Number of rows in `files`; the other tables scale with it. Default 600. */
  readonly files?: number;
  readonly seed?: number;
  /** Password of the `admin` user (every other demo user's is `<username>-demo-pass`). Default `admin-demo-pass`. */
  readonly adminPassword?: string;
}

/** What was written: rows per table. */
export interface CatalogueSummary {
  readonly tables: Record<string, number>;
}

/**
 * Writes a fresh Agregator `catalogue.db` at `path` (replacing any file there, creating its folder) with the
 * schema Flask-SQLAlchemy creates on SQLite and seeded, realistic Russian content.
 */
export function createCatalogue(path: string, options: CatalogueOptions = {}): CatalogueSummary {
  mkdirSync(dirname(path), { recursive: true });
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = new Database(path);
  try {
    for (const statement of catalogueSchema) db.exec(statement);
    const insert = rowInserter(db);
    db.transaction(() =>
      fillCatalogue(insert, seededRandom(options.seed ?? 1), {
        files: options.files ?? 600,
        adminPassword: options.adminPassword ?? 'admin-demo-pass',
      }),
    )();
    return { tables: countRows(db) };
  } finally {
    db.close();
  }
}

/** An insert function that prepares each distinct statement once. */
function rowInserter(db: Database.Database): InsertRow {
  const statements = new Map<string, Database.Statement>();
  return (table: string, row: Row): number => {
    const columns = Object.keys(row);
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return Number(statement.run(...Object.values(row)).lastInsertRowid);
  };
}

function countRows(db: Database.Database): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
  return counts;
}
