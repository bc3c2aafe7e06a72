import { describe, expect, it } from 'vitest';
import type { DdlStatement } from '../../../../src/db/ddl/schema-ddl.js';
import { uniqueKeyColumns } from '../../../../src/db/transfer/postload.js';

const key = (sql: string): DdlStatement => ({ table: 't', phase: 'keys', sql, optional: false, what: 'key' });

describe('the columns a foreign key can point at', () => {
  it('are those of primary keys, unique constraints and unique indexes on plain columns', () => {
    expect(uniqueKeyColumns(key('ALTER TABLE "public"."files" ADD CONSTRAINT "files_pkey" PRIMARY KEY ("id")'))).toEqual(['id']);
    expect(uniqueKeyColumns(key('ALTER TABLE "public"."a" ADD CONSTRAINT "a_key" UNIQUE ("na""me", "Id")'))).toEqual(['na"me', 'Id']);
    expect(uniqueKeyColumns(key('CREATE UNIQUE INDEX "ix" ON "public"."t" ("a", "b")'))).toEqual(['a', 'b']);
    expect(uniqueKeyColumns(key('CREATE UNIQUE INDEX "ix" ON "public"."t" (lower("a"))'))).toBeNull();
    expect(uniqueKeyColumns(key('CREATE UNIQUE INDEX "ix" ON "public"."t" ("a") WHERE "b" IS NOT NULL'))).toBeNull();
    expect(uniqueKeyColumns(key('CREATE UNIQUE INDEX "ix" ON "public"."t" ("a" COLLATE "C")'))).toBeNull();
    expect(uniqueKeyColumns(key('CREATE INDEX "ix" ON "public"."t" ("a")'))).toBeNull();
  });
});
