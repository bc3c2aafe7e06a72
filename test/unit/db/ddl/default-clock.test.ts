import { describe, expect, it } from 'vitest';
import { clockDefault } from '../../../../src/db/ddl/default-clock.js';
import { codecForPgType, type ColumnMapping } from '../../../../src/db/ddl/typemap.js';

const col = (pgType: string): ColumnMapping => ({
  name: 'c',
  pgType,
  ...codecForPgType(pgType),
  epoch: null,
  identity: false,
  warning: null,
});

describe("SQLite clock functions of 'now' in a DEFAULT", () => {
  it('gives the text SQLite would store, read as the column type', () => {
    expect(clockDefault("datetime('now')", col('text'))).toBe(`to_char((now() AT TIME ZONE 'utc'), 'YYYY"-"MM"-"DD" "HH24":"MI":"SS')`);
    expect(clockDefault("date('now', 'localtime')", col('date'))).toBe(`(to_char(LOCALTIMESTAMP, 'YYYY"-"MM"-"DD')::date)`);
    expect(clockDefault("datetime('now')", col('timestamptz'))).toBe(
      `(to_char((now() AT TIME ZONE 'utc'), 'YYYY"-"MM"-"DD" "HH24":"MI":"SS')::timestamp AT TIME ZONE 'utc')`,
    );
    expect(clockDefault("strftime('%s', 'now')", col('bigint'))).toBe('(floor(extract(epoch from now()))::bigint)');
    expect(clockDefault('unixepoch()', col('text'))).toBe('((floor(extract(epoch from now()))::bigint)::text)');
    expect(clockDefault("datetime('now', '+1 day')", col('timestamp'))).toBe(
      `(to_char((now() AT TIME ZONE 'utc') + interval '+1 day', 'YYYY"-"MM"-"DD" "HH24":"MI":"SS')::timestamp)`,
    );
  });

  it('leaves what PostgreSQL has no equivalent for to be reported', () => {
    expect(clockDefault("strftime('%W', 'now')", col('text'))).toBeNull();
    expect(clockDefault("datetime('2024-01-01')", col('text'))).toBeNull();
    expect(clockDefault("datetime('now', 'start of month')", col('text'))).toBeNull();
    expect(clockDefault('hex(randomblob(4))', col('text'))).toBeNull();
  });
});
