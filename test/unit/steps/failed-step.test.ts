import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Failed, type Failure } from '../../../src/core/failure.js';
import { cancelledFailure } from '../../../src/db/failure.js';
import { failedStep } from '../../../src/steps/failed-step.js';

const ctx = { mask: (text: string) => text.split('s3cret').join('****') };
const work = { work: 'the transfer from "src" to "db"', hint: 'look at s3cret' };

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('failedStep', () => {
  it('turns a failure value into a failed result, message and hint masked', () => {
    const failure: Failure = { ok: false, kind: 'connect', message: 'cannot connect with s3cret', hint: 'the password s3cret' };
    expect(failedStep(failure, ctx)).toEqual({ ok: false, message: 'cannot connect with ****', hint: 'the password ****' });
  });

  it('reports a thrown Failed by its value, and leaves out a hint it does not have', () => {
    expect(failedStep(new Failed('cancelled', 'the transfer was stopped while copying "s3cret"'), ctx, work)).toEqual({
      ok: false,
      message: 'the transfer was stopped while copying "****"',
    });
  });

  it("says which work stopped around a bare sentence, with the URL's password hidden and the work's hint", () => {
    const bare = new Failed('file', 'postgresql://u:pw@h/db refused s3cret', undefined, { bare: true });
    expect(failedStep(bare, ctx, work)).toEqual({
      ok: false,
      message: 'the transfer from "src" to "db" stopped: postgresql://u:****@h/db refused ****',
      hint: 'look at ****',
    });
    expect(failedStep(bare, ctx)).toEqual({ ok: false, message: 'postgresql://u:pw@h/db refused ****' });
  });

  it('reports what SQLite raised in its own words, told by what it is', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'runbook-failed-step-')), 'text.db');
    writeFileSync(path, 'not a database, only text long enough to look like a header of one..........');
    const db = new Database(path, { readonly: true });
    const raised = thrown(() => db.prepare('SELECT 1'));
    db.close();
    expect(failedStep(raised, ctx, work)).toEqual({
      ok: false,
      message: 'the transfer from "src" to "db" stopped: file is not a database',
      hint: 'look at ****',
    });
  });

  it('reads a cancelled statement like every other stopped step', () => {
    const controller = new AbortController();
    controller.abort('timeout');
    expect(failedStep(cancelledFailure(controller.signal), ctx)).toEqual({
      ok: false,
      message: 'stopped after the timeout',
      hint: 'the running statement was cancelled',
    });
  });

  it('throws anything else again: it is a bug, not a failure to report', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(thrown(() => failedStep(bug, ctx, work))).toBe(bug);
    expect(thrown(() => failedStep('a string', ctx))).toBe('a string');
  });
});
