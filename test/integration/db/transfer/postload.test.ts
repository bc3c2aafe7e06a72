import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectPostgres } from '../../../../src/db/connections.js';
import type { DdlStatement } from '../../../../src/db/ddl/schema-ddl.js';
import { Failed } from '../../../../src/core/failure.js';
import { buildAfterLoad } from '../../../../src/db/transfer/postload.js';
import { freshDatabase, query } from '../../../helpers/pg.js';

const key = (table: string, sql: string, what: string, phase: DdlStatement['phase'] = 'keys', optional = false): DdlStatement => ({
  table,
  phase,
  sql,
  optional,
  what,
});
const statements = [
  key('a', 'ALTER TABLE "public"."a" ADD CONSTRAINT "a pk" PRIMARY KEY ("id")', 'primary key a pk'),
  key('a', 'ALTER TABLE "public"."a" ADD CONSTRAINT "a_name_key" UNIQUE ("na""me", "id")', 'unique constraint a_name_key'),
  key('a', 'CREATE INDEX "a_lower" ON "public"."a" (lower("na""me"))', 'index a_lower'),
  key('a', 'CREATE INDEX "a_bad" ON "public"."a" (no_such_column)', 'index a_bad', 'keys', true),
  key('a', 'ALTER TABLE "public"."a" ADD CONSTRAINT "a_check" CHECK (id > 0)', 'check a_check', 'keys', true),
  key('b', 'ALTER TABLE "public"."b" ADD CONSTRAINT "b_pkey" PRIMARY KEY ("id")', 'primary key b_pkey'),
  key(
    'b',
    'ALTER TABLE "public"."b" ADD CONSTRAINT "b_a_fkey" FOREIGN KEY ("a_id") REFERENCES "public"."a" ("id")',
    'foreign key b_a_fkey',
    'fks',
  ),
];
const constraints = `SELECT conname, contype::text, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY conname`;
const expected = [
  { conname: 'a pk', contype: 'p', def: 'PRIMARY KEY (id)' },
  { conname: 'a_check', contype: 'c', def: 'CHECK ((id > 0))' },
  { conname: 'a_name_key', contype: 'u', def: 'UNIQUE ("na""me", id)' },
  { conname: 'b_a_fkey', contype: 'f', def: 'FOREIGN KEY (a_id) REFERENCES a(id)' },
  { conname: 'b_pkey', contype: 'p', def: 'PRIMARY KEY (id)' },
];

describe('keys, indexes and foreign keys after the load', () => {
  let url: string;
  let clients: pg.Client[];
  beforeAll(async () => {
    url = await freshDatabase('postload');
    clients = [await connectPostgres(url), await connectPostgres(url)];
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });
  const tables = async () => {
    await query(url, 'DROP TABLE IF EXISTS b, a');
    await query(url, 'CREATE TABLE a (id int, "na""me" text); CREATE TABLE b (id int, a_id int)');
    await query(
      url,
      `INSERT INTO a SELECT g, 'n' || g FROM generate_series(1, 1000) g; INSERT INTO b SELECT g, g FROM generate_series(1, 10) g`,
    );
  };

  it('builds keys as constraints with their names, warns about optional refusals, and a resumed run adds what is missing', async () => {
    await tables();
    const warnings: string[] = [];
    await buildAfterLoad(clients, statements, (m) => warnings.push(m), false);
    expect(await query(url, constraints)).toEqual(expected);
    expect(warnings).toEqual([
      'index a_bad on "a" was not created: PostgreSQL said "column "no_such_column" does not exist" (statement: CREATE INDEX "a_bad" ON "public"."a" (no_such_column))',
    ]);
    // Interrupted between building an index and attaching it: the resumed run attaches it.
    await query(
      url,
      'ALTER TABLE a DROP CONSTRAINT "a_name_key"; CREATE UNIQUE INDEX "a_name_key" ON a ("na""me", id); ALTER TABLE b DROP CONSTRAINT b_a_fkey',
    );
    await buildAfterLoad(clients, statements, () => {}, true);
    expect(await query(url, constraints)).toEqual(expected);
  });

  it('names the key and the rows when the data breaks it', async () => {
    await tables();
    await query(url, `INSERT INTO a VALUES (5, 'dup')`);
    const err = await buildAfterLoad(clients, statements.slice(0, 1), () => {}, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Failed);
    expect((err as Failed).message).toBe('building primary key a pk on "a" failed: could not create unique index "a pk".');
    expect((err as Failed).failure.hint).toBe('The statement was: ALTER TABLE "public"."a" ADD CONSTRAINT "a pk" PRIMARY KEY ("id")');
    await query(url, `DELETE FROM a WHERE "na""me" = 'dup'; INSERT INTO a VALUES (NULL, 'null id')`);
    const nulls = await buildAfterLoad(clients, statements.slice(0, 1), () => {}, false).catch((e: unknown) => e);
    expect((nulls as Failed).message).toBe('building primary key a pk on "a" failed: column "id" of relation "a" contains null values.');
  });
});
