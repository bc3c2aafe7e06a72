import { describe, expect, it } from 'vitest';
import type { SqliteTable } from '../../../../src/db/introspect/sqlite-schema.js';
import type { LoadJob } from '../../../../src/db/transfer/load.js';
import { noEffects } from '../../../../src/db/transfer/options.js';
import { adoptState, checkStateFingerprint, checkUnchangedRows, resumedOutcomes } from '../../../../src/db/transfer/resume.js';
import type { TableState, TransferState } from '../../../../src/db/transfer/state.js';

const table = (name: string): SqliteTable => ({
  name,
  columns: [],
  primaryKey: [],
  primaryKeyName: null,
  rowidAlias: null,
  autoincrement: false,
  withoutRowid: false,
  checks: [],
  foreignKeys: [],
  indexes: [],
  sql: '',
});
const job = (name: string, sourceRows: number): LoadJob => ({
  table: table(name),
  columns: [],
  sourceRows,
  excluded: 0,
  exclude: null,
  truncate: false,
});
const state = (...tables: TableState[]): TransferState => ({ fingerprint: 'aaaa', tables: new Map(tables.map((t) => [t.table, t])) });
const words = { showFingerprints: true, hint: (schema: string) => `look at ${schema}` };

describe('resuming an interrupted transfer', () => {
  const interrupted = state(
    { table: 'files', status: 'complete', rows: 9, sourceRows: 10, created: true },
    { table: 'tags', status: 'pending', rows: 0, sourceRows: 0, created: false },
  );

  it('keeps the outcome of each table the interrupted run finished, and only those', () => {
    const outcomes = resumedOutcomes([job('files', 10), job('tags', 5)], interrupted);
    expect([...outcomes.values()]).toEqual([{ table: 'files', sourceRows: 10, loaded: 9, rejected: 1, resumed: true }]);
    expect(resumedOutcomes([job('files', 10)], null).size).toBe(0);
  });

  it('refuses a finished table whose row count changed in SQLite since, and ignores pending ones', () => {
    expect(() => checkUnchangedRows([job('files', 10), job('tags', 7)], interrupted)).not.toThrow();
    expect(() => checkUnchangedRows([job('files', 11)], interrupted)).toThrow(
      'table "files" changed in SQLite since the interrupted run (10 rows then, 11 now).',
    );
  });

  it('records the state table and the tables the interrupted run created, so undo drops them', () => {
    const effects = noEffects('public');
    adoptState(effects, interrupted);
    expect(effects).toMatchObject({ stateTable: true, tablesCreated: ['files'] });
    const fresh = noEffects('public');
    adoptState(fresh, null);
    expect(fresh).toMatchObject({ stateTable: false, tablesCreated: [] });
  });

  it('refuses state of another fingerprint, in the words the mode gives, and accepts its own or none', () => {
    expect(() => checkStateFingerprint(interrupted, 'aaaa', 'public', words)).not.toThrow();
    expect(() => checkStateFingerprint(null, 'bbbb', 'public', words)).not.toThrow();
    expect(() => checkStateFingerprint(interrupted, 'bbbb', 'public', words)).toThrow(
      'schema "public" holds the state of an interrupted transfer of a different SQLite schema (fingerprint aaaa, now bbbb).',
    );
    expect(() => checkStateFingerprint(interrupted, 'bbbb', 'app', { ...words, showFingerprints: false })).toThrow(
      /^schema "app" holds the state of an interrupted transfer of a different SQLite schema\.$/,
    );
  });
});
