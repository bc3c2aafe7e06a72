import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

/** Three tables with the same rows in two SQLite files, so count-compare counts 3 tables on 2 sides. */
function twoCopies(dir: string): void {
  for (const name of ['a.db', 'b.db']) {
    const db = new Database(join(dir, name));
    for (const t of ['files', 'tags', 'users'])
      db.exec(`create table ${t} (id integer primary key); insert into ${t} (id) values (1), (2);`);
    db.close();
  }
}

const plan = `version: 1
name: plain
connections:
  a: { sqlite: a.db }
  b: { sqlite: b.db }
steps:
  - id: stop-app
    kind: shell
    run: echo stopped
    rollback:
      - kind: shell
        title: Start the app again
        run: echo started
  - id: counts
    kind: count-compare
    source: a
    target: b
  - id: look
    kind: note
    message: looked
  - id: breaks
    kind: shell
    run: exit 4
  - id: never-one
    kind: shell
    run: echo no
  - id: never-two
    kind: note
    message: no
`;

/** The plain lines of `exec` (not a terminal), without their timestamps. */
async function plainRun(): Promise<{ code: number; lines: string[]; report: string }> {
  const ws = workspace();
  twoCopies(ws.dir);
  const r = await runCli(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir });
  const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
  return { code: r.code, lines: r.stdout.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, '')), report };
}

describe('plain output of a run that fails and rolls back', () => {
  it('names each step that never ran', async () => {
    const { code, lines } = await plainRun();
    expect(code).toBe(1);
    expect(lines).toContain('↓ 5/6 never-one not run');
    expect(lines).toContain('↓ 6/6 never-two not run');
    expect(lines.filter((l) => l.includes('not run'))).toHaveLength(2);
  });

  it('counts progress in tables, not in counts of both sides', async () => {
    const { lines } = await plainRun();
    const progress = lines.filter((l) => l.includes('tables counted'));
    expect(progress.length).toBeGreaterThan(0);
    for (const l of progress) expect(l).toMatch(/tables counted [1-3]\/3 tables/);
    expect(progress.at(-1)).toContain('tables counted 3/3 tables');
  });

  it('heads the rollback with the steps that have something to undo and sums up the rest in one line', async () => {
    const { lines } = await plainRun();
    const header = lines.findIndex((l) => l.startsWith('⟲ rollback'));
    expect(lines[header]).toBe('⟲ rollback: step breaks failed — undoing stop-app');
    expect(lines[header + 1]).toBe('         nothing to undo in 2 finished step(s): look, counts');
    expect(lines.filter((l) => l.includes('nothing to undo'))).toHaveLength(1);
  });

  it('sums up the steps with nothing to undo in one line of the report too', async () => {
    const { report } = await plainRun();
    const rollback = report.slice(report.indexOf('## Rollback'));
    expect(rollback).toContain(
      'Nothing to undo (no rollback declared) in 2 finished step(s): `look`, `counts`.\n\n- **stop-app**\n  - done: Start the app again',
    );
    expect(rollback).not.toContain('**look**');
  });

  it("shows a rollback action as its step's undo, so starting the app is not read as the step that stopped it", async () => {
    const { lines } = await plainRun();
    expect(lines).toContain('  ▶ undo stop-app: Start the app again');
    expect(lines.some((l) => /^ {2}✔ undo stop-app: Start the app again \(/.test(l))).toBe(true);
  });

  it('prints the report path once, last', async () => {
    const { lines } = await plainRun();
    expect(lines.filter((l) => l.startsWith('report:'))).toHaveLength(1);
    expect(lines.at(-2)).toMatch(/^report: \S+report\.md$/);
  });
});
