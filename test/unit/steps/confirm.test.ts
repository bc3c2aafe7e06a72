import { describe, expect, it } from 'vitest';
import { confirm } from '../../../src/steps/confirm.js';
import { stepContext } from '../../helpers/step-context.js';

describe('confirm', () => {
  it('passes at once with --yes, without asking', async () => {
    const asked: string[] = [];
    const ctx = stepContext({ assumeYes: true, ask: async (q) => (asked.push(q), false) });
    expect(await confirm.run({ message: 'Writes are stopped?' }, ctx)).toEqual({ ok: true, outputs: { confirmed: true, by: 'yes-flag' } });
    expect(asked).toEqual([]);
  });

  it('asks on a terminal and passes on yes', async () => {
    const asked: string[] = [];
    const ctx = stepContext({ ask: async (q) => (asked.push(q), true) });
    expect(await confirm.run({ message: 'Writes are stopped?' }, ctx)).toEqual({ ok: true, outputs: { confirmed: true, by: 'operator' } });
    expect(asked).toEqual(['Writes are stopped?']);
  });

  it('fails when the operator answers no', async () => {
    const ctx = stepContext({ ask: async () => false });
    expect(await confirm.run({ message: 'Writes are stopped?' }, ctx)).toEqual({
      ok: false,
      message: 'the operator answered no to: Writes are stopped?',
      outputs: { confirmed: false, by: 'operator' },
    });
  });

  it('fails at once without a terminal and without --yes, saying how to get past the gate', async () => {
    expect(await confirm.run({ message: 'Writes are stopped?' }, stepContext())).toEqual({
      ok: false,
      message: 'needs a human to confirm "Writes are stopped?", but there is no terminal to ask on',
      hint: 'run on a terminal, or pass --yes to confirm every gate in advance',
    });
  });

  it('stops waiting for an answer when the signal fires', async () => {
    const abort = new AbortController();
    const ctx = stepContext({ signal: abort.signal, ask: () => new Promise<boolean>(() => {}) });
    const answer = confirm.run({ message: 'Go on?' }, ctx);
    abort.abort('timeout');
    expect(await answer).toEqual({ ok: false, message: 'stopped after the timeout' });
  });

  it('masks secrets in what it says, asks and describes', async () => {
    const asked: string[] = [];
    const onTerminal = stepContext({ secrets: ['s3cret'], ask: async (q) => (asked.push(q), false) });
    expect(await confirm.run({ message: 'Switch to postgres://u:s3cret@h/db?' }, onTerminal)).toMatchObject({
      message: 'the operator answered no to: Switch to postgres://u:****@h/db?',
    });
    expect(asked).toEqual(['Switch to postgres://u:****@h/db?']);
    const ctx = stepContext({ secrets: ['s3cret'] });
    expect(await confirm.run({ message: 'Switch to postgres://u:s3cret@h/db?' }, ctx)).toMatchObject({
      message: 'needs a human to confirm "Switch to postgres://u:****@h/db?", but there is no terminal to ask on',
    });
    expect(confirm.describe({ message: 'Switch to postgres://u:s3cret@h/db?' }, { connection: () => undefined, mask: ctx.mask })).toEqual([
      { label: 'ask', text: 'Switch to postgres://u:****@h/db?' },
    ]);
    expect(confirm.outputs({ message: 'x' })).toEqual(['confirmed', 'by']);
  });
});
