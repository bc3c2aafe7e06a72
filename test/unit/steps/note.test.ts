import { describe, expect, it } from 'vitest';
import { note } from '../../../src/steps/note.js';
import { stepContext } from '../../helpers/step-context.js';

describe('note', () => {
  it('records the message as the step note and shows it as output', async () => {
    const ctx = stepContext();
    const message =
      'Keep the SQLite backup backups/catalogue_before_pg_20250101_120000.db until production on PostgreSQL is confirmed stable';
    expect(await note.run({ message }, ctx)).toEqual({ ok: true, outputs: {}, note: message });
    expect(ctx.lines).toEqual([message]);
    expect(ctx.warnings).toEqual([]);
  });

  it('masks secrets in the note, the output and the description', async () => {
    const ctx = stepContext({ secrets: ['hunter2'] });
    const message = 'Old URL postgresql://app:hunter2@db/agregator is retired';
    expect(await note.run({ message }, ctx)).toEqual({
      ok: true,
      outputs: {},
      note: 'Old URL postgresql://app:****@db/agregator is retired',
    });
    expect(ctx.lines).toEqual(['Old URL postgresql://app:****@db/agregator is retired']);
    expect(note.describe({ message }, { connection: () => undefined, mask: ctx.mask })).toEqual([
      { label: 'note', text: 'Old URL postgresql://app:****@db/agregator is retired' },
    ]);
  });

  it('declares no outputs', () => {
    expect(note.outputs({ message: 'x' })).toEqual([]);
  });
});
