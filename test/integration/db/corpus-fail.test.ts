import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import { freshDatabase, query } from '../../helpers/pg.js';
import { stepContext } from '../../helpers/step-context.js';

const dir = join(import.meta.dirname, '../../fixtures/sqlite-corpus');
/** A cast rule as the corpus expectations write it. */
type Cast = { column: string; to: string; epoch?: 'seconds' | 'milliseconds' };
/** The files holding a value (or key) PostgreSQL refuses: under fail they stop; every other file loads. */
const refusing = ['booleans', 'datetimes', 'keys', 'nocase-unique', 'pg-refuses', 'widen'];
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.db'))
  .map((f) => f.replace(/\.db$/, ''))
  .sort();

describe('the SQLite corpus under on_bad_value: fail', () => {
  for (const name of cases) {
    it(`${name}: succeeds, or stops naming table, row and column with a hint and leaves no table behind`, async () => {
      const url = await freshDatabase(`corpus_fail_${name.replace(/-/g, '_')}`);
      await query(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET TimeZone = 'Asia/Kathmandu'`);
      const ctx = stepContext({
        connections: { src: { name: 'src', type: 'sqlite', path: join(dir, `${name}.db`) }, db: { name: 'db', type: 'postgres', url } },
      });
      const { options } = JSON.parse(readFileSync(join(dir, `${name}.expect.json`), 'utf8')) as { options?: { cast?: Cast[] } };
      const r = await sqliteToPg.run({ source: 'src', target: 'db', on_bad_value: 'fail', on_orphans: 'fail', cast: options?.cast }, ctx);
      if (r.ok) {
        expect(refusing).not.toContain(name);
        return;
      }
      expect(refusing).toContain(name);
      expect(r.message).toMatch(/table "[^"]+"/);
      expect(r.message).toMatch(/row(id)? -?\d+|key \(/);
      expect(r.message).toMatch(/columns? "[^"]+"/);
      expect(r.hint ?? '').toMatch(/on_bad_value: reject/);
      expect(r.undo).toBeUndefined();
      expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
    });
  }
});

describe('a value PostgreSQL refuses during COPY under on_bad_value: fail', () => {
  it("names the table, the rowid and the column with PostgreSQL's reason, and drops the tables the step made", async () => {
    const url = await freshDatabase('corpus_fail_copy_refusal');
    const ctx = stepContext({
      connections: { src: { name: 'src', type: 'sqlite', path: join(dir, 'pg-refuses.db') }, db: { name: 'db', type: 'postgres', url } },
    });
    const r = await sqliteToPg.run(
      { source: 'src', target: 'db', on_bad_value: 'fail', cast: [{ column: 'counters.small', to: 'integer' }] },
      ctx,
    );
    expect(r).toMatchObject({
      ok: false,
      message:
        'table "counters", rowid 2, column "small" (integer): PostgreSQL refused the value: value "3000000000" is out of range for type integer.',
      hint: 'Fix the value in SQLite, add a cast rule that takes it (a wider type, or text), or set on_bad_value: reject to write such rows to a reject file.',
    });
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
  });
});
