import { expect, it } from 'vitest';
import { freshDatabase, query } from '../helpers/pg.js';

it('gives each caller its own empty database on the shared server', async () => {
  const a = await freshDatabase('a');
  const b = await freshDatabase('b');
  expect(a).not.toBe(b);
  await query(a, 'create table t (x int)');
  expect(await query(b, "select count(*)::int as n from information_schema.tables where table_name = 't'")).toEqual([{ n: 0 }]);
});
