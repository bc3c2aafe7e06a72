import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { countCompare } from '../../../src/steps/count-compare.js';
import type { JsonValue } from '../../../src/core/json.js';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import { freshDatabase, query } from '../../helpers/pg.js';
import { stepContext } from '../../helpers/step-context.js';

const file = join(import.meta.dirname, '../../fixtures/sqlite-corpus/long-tables.db');
const parent = 'a_table_name_that_goes_on_and_on_past_the_sixty_three__507605e6';
const child = 'a_table_name_that_goes_on_and_on_past_the_sixty_three__89a16058';

describe('table names over 63 bytes that PostgreSQL would cut to the same name', () => {
  it('become two tables with a foreign key between them, count-compare finds them, and the undo drops both', async () => {
    const url = await freshDatabase('long_table_names');
    await query(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET TimeZone = 'Asia/Kathmandu'`);
    const ctx = stepContext({
      connections: { src: { name: 'src', type: 'sqlite', path: file }, db: { name: 'db', type: 'postgres', url } },
    });
    const r = await sqliteToPg.run({ source: 'src', target: 'db' }, ctx);
    expect(r.ok ? 'ok' : r.message).toBe('ok');
    if (!r.ok) return;
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).toEqual(
      [{ table_name: parent }, { table_name: child }].sort((a, b) => (a.table_name < b.table_name ? -1 : 1)),
    );
    expect(await query(url, `SELECT count(*)::int AS n FROM "${child}"`)).toEqual([{ n: 3 }]);
    const [fk] = await query<{ ref: string }>(
      url,
      `SELECT confrelid::regclass::text AS ref FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass`,
      [`"${child}"`],
    );
    expect(fk?.ref).toBe(parent);
    await expect(query(url, `INSERT INTO "${child}" (parent_id) VALUES (9)`)).rejects.toThrow('violates foreign key constraint');
    await expect(query(url, `INSERT INTO "${parent}" (name) VALUES ('one')`)).rejects.toThrow('duplicate key value');

    const checked = await countCompare.run({ source: 'src', target: 'db', verify: 'checksums' }, ctx);
    expect(checked.ok ? 'same' : checked.message).toBe('same');
    const long = 'a_table_name_that_goes_on_and_on_past_the_sixty_three_bytes_pg__parent';
    expect(ctx.warnings).toContain(`table "${long}" is named "${parent}" in PostgreSQL: the name is longer than its 63 bytes`);
    expect(ctx.warnings).toContain(`table "${long}" was counted as "${parent}" on the target (no table of that exact name there)`);

    const undone = await sqliteToPg.undo!(r.undo as JsonValue, ctx);
    expect(undone.ok).toBe(true);
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
  });

  it('an interrupted transfer resumes into the same two tables, and the undo of the resumed run drops them', async () => {
    const url = await freshDatabase('long_table_names_resume');
    const controller = new AbortController();
    const progress = () => controller.abort();
    const first = await sqliteToPg.run(
      { source: 'src', target: 'db', parallel: 1 },
      stepContext({
        signal: controller.signal,
        progress,
        connections: { src: { name: 'src', type: 'sqlite', path: file }, db: { name: 'db', type: 'postgres', url } },
      }),
    );
    expect(first.ok ? 'ok' : first.message).toMatch(/^the transfer was stopped/);
    expect(await query(url, `SELECT count(*)::int AS n FROM _runbook_transfer`)).toEqual([{ n: 2 }]);
    const ctx = stepContext({
      connections: { src: { name: 'src', type: 'sqlite', path: file }, db: { name: 'db', type: 'postgres', url } },
    });
    const second = await sqliteToPg.run({ source: 'src', target: 'db' }, ctx);
    expect(second.ok ? second.outputs.counts : second.message).toEqual({
      a_table_name_that_goes_on_and_on_past_the_sixty_three_bytes_pg__parent: 2,
      a_table_name_that_goes_on_and_on_past_the_sixty_three_bytes_pg__child_: 3,
    });
    expect(await query(url, `SELECT (SELECT count(*)::int FROM "${parent}") AS p, (SELECT count(*)::int FROM "${child}") AS c`)).toEqual([
      { p: 2, c: 3 },
    ]);
    if (!second.ok) return;
    expect((await sqliteToPg.undo!(second.undo as JsonValue, ctx)).ok).toBe(true);
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
  });
});
