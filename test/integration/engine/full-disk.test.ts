import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../../helpers/cli.js';
import { canMountSmallDisk, mountSmallDisk, unmountSmallDisk } from '../../helpers/small-disk.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

const original = '# the app reads this\nDATABASE_URL=sqlite:///catalogue.db\nFLASK_SECRET_KEY=kept\n';

const mounted: string[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) unmountSmallDisk(dir);
});

/** The workspace's .runbook on a small disk of its own, so only the run directory fills up. */
function smallRunDisk(ws: Workspace): string {
  const dir = join(ws.dir, '.runbook');
  mkdirSync(dir);
  if (!mountSmallDisk(dir, '512k')) throw new Error(`cannot mount a small disk on ${dir}`);
  mounted.push(dir);
  return dir;
}

// A real full filesystem needs `mount`, which needs root (or CAP_SYS_ADMIN); elsewhere the test is skipped, saying why.
const canMount = canMountSmallDisk();

describe('the run directory disk fills up right after the switch (real tmpfs, really full)', () => {
  it.skipIf(!canMount)(
    'fails the running step, restores .env, says on stderr what was not recorded, and the torn journal still reads back [needs mount: root]',
    async () => {
      const ws = workspace();
      smallRunDisk(ws);
      writeFileSync(join(ws.dir, '.env'), original);
      // Quick steps after the fill: the journal fails within the first few of them, once its last page is full.
      const quick = Array.from({ length: 30 }, (_, i) => `  - id: check-${i + 1}\n    kind: shell\n    run: "true"\n`).join('');
      const plan = ws.write(
        'plan.yaml',
        `version: 1
name: full-disk
steps:
  - id: switch
    kind: env-switch
    file: .env
    set: { DATABASE_URL: "postgresql://app@127.0.0.1:5432/app" }
  - id: fill-disk
    kind: shell
    run: cat /dev/zero > .runbook/filler 2>/dev/null; true
${quick}  - id: the-end
    kind: shell
    run: touch reached-the-end
`,
      );
      const r = await runBin(['exec', plan], { cwd: ws.dir });
      expect(existsSync(join(ws.dir, 'reached-the-end'))).toBe(false);
      expect(readFileSync(join(ws.dir, '.env'), 'utf8')).toBe(original);
      expect(r.code).toBe(1);
      const journal = join(ws.lastRunDir(), 'journal.jsonl');
      expect(r.stderr).toContain(`runbook: cannot write the journal ${journal}: ENOSPC: no space left on device`);
      expect(r.stderr).toContain(`runbook: cannot write the report ${join(ws.lastRunDir(), 'report.md')}: ENOSPC`);
      expect(r.stderr).toMatch(/runbook: \d+ of \d+ events are missing from the journal/);
      expect(r.stderr).toContain('runbook: the rollback completed: every finished step was undone (exit 1)');
      expect(r.stderr).not.toMatch(/cannot \w+ .*\.env/);
      // Plain output still shows the whole run, rollback included.
      expect(r.stdout).toContain('✔ undo switch: restore the file byte-for-byte');
      expect(r.stdout).toContain('run failed rolled back');

      // The journal ends early (maybe mid-line) and still reads back, as does the report made from it.
      const events = ws.lastJournal();
      expect(events[0]?.type).toBe('run-start');
      expect(events.some((e) => e.type === 'step-end' && e.step === 'switch' && e.status === 'succeeded')).toBe(true);
      const show = await runBin(['show', 'last'], { cwd: ws.dir });
      expect(show.code).toBe(0);
      expect(show.stdout).toContain('# full-disk: its end is NOT in the journal — check by hand');
      expect(show.stdout).toContain('| 1 | switch | env-switch | succeeded |');
      const runs = await runBin(['runs'], { cwd: ws.dir });
      expect(runs.stdout).toMatch(/ crashed (at|after|during) .*\n  next: /);
    },
  );
});
