import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noEffects, transfer, type TransferReport } from '../../../../src/db/transfer/transfer.js';
import { transferOptions } from '../../../helpers/transfer-options.js';
import { freshDatabase, query } from '../../../helpers/pg.js';
import { startEmbeddedPostgres, type PgServer } from '../../../helpers/embedded-pg.js';
import { fillTraps, sqliteFile, trapSchema } from '../trap-fixture.js';

const options = transferOptions;

/** Loads the trap catalogue into a database and checks every value with PostgreSQL's own types. */
async function checkTraps(url: string): Promise<TransferReport> {
  const path = sqliteFile(trapSchema, fillTraps);
  const report = await transfer(options(path, url), noEffects('public'));
  const users = await query(
    url,
    `SELECT id, "User Name" AS name, is_admin, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS created_at, birthday::text, score, balance::text, prefs::text, encode(avatar, 'hex') AS avatar, big::text, "order", "MixedCase" AS mixed, email FROM users ORDER BY id`,
  );
  expect(users).toEqual([
    {
      id: '1',
      name: 'alice',
      is_admin: true,
      created_at: '2024-03-05 10:11:12.123456',
      birthday: '1990-02-28',
      score: 0.1,
      balance: '12.50',
      prefs: '{"a":[1,2],"b":null}',
      avatar: '000102ff',
      big: '1099511627776',
      order: 'none',
      mixed: 'Tab\there',
      email: 'Alice@Example.com',
    },
    {
      id: '2',
      name: 'bob',
      is_admin: false,
      created_at: '2024-03-05 23:59:59.000000',
      birthday: null,
      score: 3.141592653589793,
      balance: '0.00',
      prefs: '[]',
      avatar: null,
      big: '9007199254740993',
      order: 'none',
      mixed: 'line\nbreak \\ back',
      email: null,
    },
    {
      id: '3',
      name: 'carol ☃ ｷ',
      is_admin: true,
      created_at: '2024-02-29 00:00:00.500000',
      birthday: '2000-01-01',
      score: 1e-300,
      balance: null,
      prefs: null,
      avatar: '',
      big: '-9223372036854775808',
      order: 'none',
      mixed: 'genuine \uFFFD char',
      email: 'c@x',
    },
    {
      id: '7',
      name: 'dave',
      is_admin: false,
      created_at: '2023-12-31 00:00:00.000000',
      birthday: null,
      score: -2.5,
      balance: '99999999.99',
      prefs: '"str"',
      avatar: null,
      big: null,
      order: 'none',
      mixed: null,
      email: null,
    },
  ]);
  return report;
}

describe('transfer of a SQLite file holding every trap', () => {
  let url: string;
  let report: TransferReport;
  beforeAll(async () => {
    url = await freshDatabase('traps');
    report = await checkTraps(url);
  });

  it('maps types by declared name and affinity', async () => {
    const cols = await query(
      url,
      `SELECT column_name AS c, format_type(a.atttypid, a.atttypmod) AS t, NOT a.attnotnull AS nullable
      FROM information_schema.columns i JOIN pg_attribute a ON a.attrelid = 'public.users'::regclass AND a.attname = i.column_name
      WHERE table_name = 'users' ORDER BY ordinal_position`,
    );
    expect(cols.map((r) => `${String(r.c)}:${String(r.t)}:${r.nullable ? 'null' : 'not null'}`)).toEqual([
      'id:bigint:not null',
      'User Name:character varying(64):not null',
      'is_admin:boolean:not null',
      'created_at:timestamp without time zone:null',
      'birthday:date:null',
      'score:double precision:null',
      'balance:numeric(10,2):null',
      'prefs:json:null',
      'avatar:bytea:null',
      'big:bigint:null',
      'order:text:null',
      'MixedCase:text:null',
      'email:text:null',
    ]);
  });

  it('keeps readable index and constraint names', async () => {
    const idx = await query(url, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
    expect(idx.map((r) => r.indexname)).toEqual([
      'calc_pkey',
      'ix_tags_value',
      'ix_users_email',
      'ix_users_lower_name',
      'pair_pkey',
      'tags_pkey',
      'uq_tags_user_key',
      'users_User Name_key',
      'users_pkey',
    ]);
    const cons = await query(
      url,
      `SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('f','c') ORDER BY 1`,
    );
    expect(cons.map((r) => r.conname)).toEqual(['ck_key', 'tags_user_id_fkey']);
  });

  it('gives fresh ids after the load, past AUTOINCREMENT marks', async () => {
    const [u] = await query(url, `INSERT INTO users ("User Name") VALUES ('erin') RETURNING id, is_admin, "order"`);
    expect(u).toEqual({ id: '8', is_admin: false, order: 'none' });
    const [t] = await query(url, `INSERT INTO tags (user_id, key) VALUES (8, 'new') RETURNING id`);
    expect(t).toEqual({ id: '51' });
    const [c] = await query(url, `INSERT INTO calc (a) VALUES (5) RETURNING id, doubled`);
    expect(c).toEqual({ id: '3', doubled: '10' });
  });

  it('still refuses NOT NULL, UNIQUE and FK violations', async () => {
    await expect(query(url, `INSERT INTO users (id) VALUES (100)`)).rejects.toThrow(
      'null value in column "User Name" of relation "users" violates not-null constraint',
    );
    await expect(query(url, `INSERT INTO users ("User Name") VALUES ('alice')`)).rejects.toThrow(
      'duplicate key value violates unique constraint "users_User Name_key"',
    );
    await expect(query(url, `INSERT INTO tags (user_id, key) VALUES (1, 'k0')`)).rejects.toThrow(
      'duplicate key value violates unique constraint "uq_tags_user_key"',
    );
    await expect(query(url, `INSERT INTO tags (user_id, key) VALUES (999, 'x')`)).rejects.toThrow(
      'insert or update on table "tags" violates foreign key constraint "tags_user_id_fkey"',
    );
    await query(url, `DELETE FROM users WHERE id = 2`);
    expect(await query(url, `SELECT count(*)::int AS n FROM tags WHERE user_id = 2`)).toEqual([{ n: 0 }]);
  });

  it('reports virtual tables, their shadow tables, views and triggers instead of copying them', async () => {
    expect(report.skipped.map((s) => `${s.what} ${s.name}`)).toEqual([
      'virtual table docs_fts',
      'shadow table docs_fts_config',
      'shadow table docs_fts_content',
      'shadow table docs_fts_data',
      'shadow table docs_fts_docsize',
      'shadow table docs_fts_idx',
      'view admins',
      'trigger tags_touch',
    ]);
    expect(report.skipped[0]?.note).toBe(
      'fts5 virtual table, not copied as data; it is a full-text index: in PostgreSQL use a tsvector column with a GIN index (to_tsvector / websearch_to_tsquery), or pg_trgm for LIKE searches, filled from the content table',
    );
    expect(report.tables.map((t) => [t.table, t.sourceRows, t.loaded])).toEqual([
      ['users', 4, 4],
      ['tags', 48, 48],
      ['pair', 3, 3],
      ['calc', 2, 2],
    ]);
    const rel = await query(url, `SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'docs_fts%'`);
    expect(rel).toEqual([{ n: 0 }]);
  });
});

describe('a server whose TimeZone is not UTC', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ timeZone: 'America/New_York' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('stores the same timestamps, and CURRENT_TIMESTAMP defaults stay UTC like SQLite', async () => {
    await checkTraps(server.url);
    const [row] = await query(
      server.url,
      `INSERT INTO users ("User Name") VALUES ('tz') RETURNING abs(extract(epoch FROM (created_at - (now() AT TIME ZONE 'utc')))) < 60 AS utc`,
    );
    expect(row).toEqual({ utc: true });
  });
});
