import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { introspectSqlite } from '../../../../src/db/introspect/sqlite-schema.js';
import { findOrphans, orphanCondition } from '../../../../src/db/transfer/orphans.js';

// Each foreign key takes a different counting path: one binary column (NOT IN), NOCASE columns
// with an index on the child (distinct keys looked up), two columns with and without an index.
const schema = `
  PRAGMA foreign_keys = OFF;
  CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT COLLATE NOCASE UNIQUE, a INTEGER, b TEXT, UNIQUE (a, b));
  CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES parent(id),
    parent_code TEXT REFERENCES parent(code),
    parent_name TEXT COLLATE NOCASE REFERENCES parent(name),
    pa INTEGER, pb TEXT, qa INTEGER, qb TEXT,
    FOREIGN KEY (pa, pb) REFERENCES parent(a, b),
    FOREIGN KEY (qa, qb) REFERENCES parent(a, b)
  );
  CREATE INDEX ix_child_name ON child (parent_name);
  CREATE INDEX ix_child_pair ON child (pa, pb);
  INSERT INTO parent VALUES (1, 'a', 'Ann', 1, 'x'), (2, NULL, 'Bob', 2, 'y'), (3, 'c', NULL, 3, NULL);
  INSERT INTO child VALUES
    (1, 1, 'a', 'ann', 1, 'x', 1, 'x'),
    (2, '1', 'A', 'ANN', 2, 'x', 2, 'x'),
    (3, 1.0, NULL, 'bob', NULL, 'z', 9, NULL),
    (4, 9, 'zz', 'carl', 3, NULL, 3, 'y'),
    (5, 'x', '1', NULL, 2, 'y', 2, 'y'),
    (6, NULL, 'c', 'Carl', 9, 'q', 1, 'X');
`;

describe('orphan counts', () => {
  it('match the rows their condition selects, whichever way each foreign key is counted', () => {
    const db = new Database(':memory:');
    db.exec(schema);
    const tables = introspectSqlite(db).tables;
    const child = tables.find((t) => t.name === 'child');
    if (!child) throw new Error('no child table');
    const found = new Map(findOrphans(db, tables).map((o) => [o.foreignKey.columns.join(','), o.count]));
    const expected = new Map(
      child.foreignKeys.map((fk) => [
        fk.columns.join(','),
        (db.prepare(`SELECT count(*) AS n FROM child WHERE ${orphanCondition('child', fk, 'parent')}`).get() as { n: number }).n,
      ]),
    );
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries([...expected].filter(([, n]) => n > 0)));
    // Text '1' and real 1.0 find integer 1; a NULL in parent.code must not hide 'zz' and 'A'.
    expect(Object.fromEntries(found)).toEqual({ parent_id: 2, parent_code: 3, parent_name: 2, 'pa,pb': 2, 'qa,qb': 3 });
    db.close();
  });
});
