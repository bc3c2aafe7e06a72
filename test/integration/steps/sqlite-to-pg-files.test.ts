import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { stepContext } from '../../helpers/step-context.js';

// Nothing listens on port 1: connecting is refused at once.
const refusedUrl = 'postgresql://postgres:runbook-test-pw@127.0.0.1:1/x';
const HINT = 'Check that the SQLite file is readable and that PostgreSQL is reachable with the URL of the target connection.';

function context(sqlitePath: string) {
  return stepContext({
    connections: { src: { name: 'src', type: 'sqlite', path: sqlitePath }, db: { name: 'db', type: 'postgres', url: refusedUrl } },
    secrets: ['runbook-test-pw'],
  });
}

/** A context whose SQLite path is a file `make` writes in the work dir. */
function withFile(make: (path: string) => void) {
  const ctx = context('catalogue.db');
  make(join(ctx.workDir, 'catalogue.db'));
  return ctx;
}

const notADatabase = (path: string) => writeFileSync(path, 'this is not a database, just text that is long enough to have a header.......');
const aDatabase = (path: string) => new Database(path).exec('CREATE TABLE t (id INTEGER PRIMARY KEY)').close();

const failure = (r: StepResult) => (r.ok ? undefined : { message: r.message, hint: r.hint });

describe('sqlite-to-pg when the SQLite file or the server is not usable', () => {
  it('a missing SQLite file: run and dry run say where they looked', async () => {
    const ctx = context('missing.db');
    const full = join(ctx.workDir, 'missing.db');
    const looked = `SQLite file "missing.db" does not exist (looked at ${full})`;
    // The run names the file by the absolute path it resolved.
    const resolved = `SQLite file "${full}" does not exist (looked at ${full})`;
    expect(failure(await sqliteToPg.run({ source: 'src', target: 'db' }, ctx))).toEqual({
      message: `the transfer from "src" to "db" stopped: ${resolved}`,
      hint: HINT,
    });
    expect(failure(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, ctx))).toEqual({
      message: `aligning "db" with "src" stopped: ${resolved}`,
      hint: HINT,
    });
    expect(await sqliteToPg.inspect!({ source: 'src', target: 'db' }, ctx)).toEqual([{ label: 'error', text: looked }]);
  });

  it('a file that is not a database: the transfer and the alignment stop saying so', async () => {
    const ctx = withFile(notADatabase);
    expect(failure(await sqliteToPg.run({ source: 'src', target: 'db' }, ctx))).toEqual({
      message: 'the transfer from "src" to "db" stopped: file is not a database',
      hint: HINT,
    });
    expect(failure(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, ctx))).toEqual({
      message: 'aligning "db" with "src" stopped: file is not a database',
      hint: HINT,
    });
  });

  it('a path SQLite cannot open (a directory): the transfer stops saying so', async () => {
    const ctx = withFile((path) => mkdirSync(path));
    expect(failure(await sqliteToPg.run({ source: 'src', target: 'db' }, ctx))).toEqual({
      message: 'the transfer from "src" to "db" stopped: disk I/O error',
      hint: HINT,
    });
  });

  it('a SQLite file another connection holds locked: the transfer stops saying so', async () => {
    const ctx = withFile(aDatabase);
    const holder = new Database(join(ctx.workDir, 'catalogue.db'));
    try {
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec('BEGIN EXCLUSIVE');
      expect(failure(await sqliteToPg.run({ source: 'src', target: 'db' }, ctx))).toEqual({
        message: 'the transfer from "src" to "db" stopped: database is locked',
        hint: HINT,
      });
    } finally {
      holder.close();
    }
  });

  it('a refused connection: the transfer stops with the masked cause', async () => {
    const ctx = withFile(aDatabase);
    expect(failure(await sqliteToPg.run({ source: 'src', target: 'db' }, ctx))).toEqual({
      message: 'the transfer from "src" to "db" stopped: connect ECONNREFUSED 127.0.0.1:1',
      hint: HINT,
    });
  });
});
