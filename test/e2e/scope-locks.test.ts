// Two operators start the default plan on the same app and database from different directories:
// the plan's lock scopes (the app's directory, an advisory lock on the target database) let exactly
// one run, and the other names the holder.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoAdminPassword, execArgs, secretEnv } from '../../src/demo/plan-args.js';
import type { RunEvent } from '../../src/engine/events.js';
import { readJournal } from '../../src/run/journal.js';
import { listRuns } from '../../src/run/list-runs.js';
import { runCli, startBin } from '../helpers/cli.js';
import { expectMigrated, installPerTest } from '../helpers/default-plan.js';

const install = installPerTest();

describe('two runs of the default plan on the same app and database, from two directories', () => {
  it('exactly one runs; the other is refused naming the holder, by the app directory or by the database', async () => {
    const inst = await install('scope_locks');
    const env = secretEnv(inst.databaseUrl, demoAdminPassword);
    const first = startBin(execArgs(inst.app), { cwd: inst.app.dir, env });
    // The first run holds its locks from its start; its backup step shows it is well under way.
    for (;;) {
      const run = listRuns(inst.app.dir)[0];
      if (run && readJournal(join(run.dir, 'journal.jsonl')).some((e: RunEvent) => e.type === 'step-start' && e.step === 'backup')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const holder = listRuns(inst.app.dir)[0]!.id;

    const elsewhere = mkdtempSync(join(tmpdir(), 'runbook-operator-'));
    const second = await runCli(execArgs(inst.app), { cwd: elsewhere, env });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(
        `^runbook: another run is in progress in ${inst.app.dir}: run ${holder} \\(pid ${first.child.pid} on host [^,]+, started [0-9T:.Z-]+\\)\\n`,
      ),
    );
    expect(listRuns(elsewhere)).toEqual([]);
    expect(existsSync(join(elsewhere, '.runbook', 'lock'))).toBe(false);

    // Another app directory, the same database: the advisory lock refuses it.
    const otherApp = mkdtempSync(join(tmpdir(), 'runbook-other-app-'));
    const third = await runCli([...execArgs(inst.app), '--var', `app_dir=${otherApp}`], { cwd: otherApp, env });
    expect(third.code).toBe(2);
    expect(third.stderr).toContain(
      `runbook: the database of connection "target" is locked by another run: runbook ${holder} pid ${first.child.pid}`,
    );

    expect(await first.exited).toBe(0);
    await expectMigrated(inst.app, inst.databaseUrl);
  });
});
