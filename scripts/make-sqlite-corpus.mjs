#!/usr/bin/env node
// Builds test/fixtures/sqlite-corpus/<case>.db from <case>.sql: one small SQLite file per quirk
// of real applications' files, each next to <case>.expect.json, what the transfer must make of it.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../test/fixtures/sqlite-corpus/', import.meta.url).pathname;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.sql'))
  .sort()) {
  const path = join(dir, file.replace(/\.sql$/, '.db'));
  rmSync(path, { force: true });
  const db = new Database(path);
  db.exec(readFileSync(join(dir, file), 'utf8'));
  const check = db.pragma('integrity_check', { simple: true });
  db.close();
  if (check !== 'ok') throw new Error(`${file}: integrity_check says ${check}`);
  process.stdout.write(`${path}\n`);
}
