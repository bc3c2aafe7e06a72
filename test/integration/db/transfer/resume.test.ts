import { describe, expect, it } from 'vitest';
import { noEffects, transfer, type TransferOptions } from '../../../../src/db/transfer/transfer.js';
import { transferOptions } from '../../../helpers/transfer-options.js';
import { freshDatabase, query } from '../../../helpers/pg.js';
import { sqliteFile } from '../trap-fixture.js';

const source = `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
INSERT INTO notes (body) VALUES ('a'), ('b'), ('c');`;

const options = (sqlitePath: string, pgUrl: string, mode: TransferOptions['mode']) => transferOptions(sqlitePath, pgUrl, { mode });

/** The state table an interrupted transfer of another SQLite schema would have left, with "notes" pending. */
async function strangerState(url: string, created: boolean): Promise<void> {
  await query(
    url,
    `CREATE TABLE _runbook_transfer (table_name text PRIMARY KEY, status text NOT NULL, rows bigint NOT NULL DEFAULT 0,
       source_rows bigint NOT NULL DEFAULT 0, created boolean NOT NULL, fingerprint text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
  );
  await query(
    url,
    `INSERT INTO _runbook_transfer (table_name, status, created, fingerprint) VALUES ('notes', 'pending', $1, 'feedfacefeedface')`,
    [created],
  );
}

describe('resuming from the state table of a transfer of a different SQLite schema', () => {
  it('is refused in mode create, naming both fingerprints and pointing at the rollback', async () => {
    const url = await freshDatabase('stranger_create');
    await strangerState(url, true);
    const effects = noEffects('public');
    const failure = await transfer(options(sqliteFile(source), url, 'create'), effects).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      failure: {
        message: expect.stringMatching(
          /^schema "public" holds the state of an interrupted transfer of a different SQLite schema \(fingerprint feedfacefeedface, now [0-9a-f]{16}\)\.$/,
        ),
        hint: 'Roll back the earlier run, or drop public._runbook_transfer and the tables it lists.',
      },
    });
    expect(effects.stateTable).toBe(false);
    expect(await query(url, `SELECT count(*)::int AS n FROM _runbook_transfer`)).toEqual([{ n: 1 }]);
  });

  it('is refused in mode data-only, leaving the existing tables to be checked by hand', async () => {
    const url = await freshDatabase('stranger_data_only');
    await query(url, `CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)`);
    await strangerState(url, false);
    const failure = await transfer(options(sqliteFile(source), url, 'data-only'), noEffects('public')).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      failure: {
        message: 'schema "public" holds the state of an interrupted transfer of a different SQLite schema.',
        hint: 'Drop public._runbook_transfer after checking the tables it lists.',
      },
    });
    expect(await query(url, `SELECT count(*)::int AS n FROM notes`)).toEqual([{ n: 0 }]);
  });
});
