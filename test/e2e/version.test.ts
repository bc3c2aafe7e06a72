import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';

const packageVersion = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;

describe('runbook --version and runbook version', () => {
  it('--version and -V print the version of package.json (real process)', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runBin([flag]);
      expect(r).toEqual({ code: 0, stdout: `${packageVersion('package.json')}\n`, stderr: '' });
    }
  });

  it('version --json names runbook, Node, the PostgreSQL client and SQLite as they are', async () => {
    const r = await runCli(['version', '--json']);
    expect(r.code).toBe(0);
    const db = new Database(':memory:');
    const sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
    db.close();
    expect(JSON.parse(r.stdout)).toEqual({
      runbook: packageVersion('package.json'),
      node: process.versions.node,
      pg: packageVersion('node_modules/pg/package.json'),
      sqlite,
      betterSqlite3: packageVersion('node_modules/better-sqlite3/package.json'),
    });
  });

  it('version prints one line each', async () => {
    const r = await runCli(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^runbook \d+\.\d+\.\d+\nnode \d+\.\d+\.\d+\npg \(PostgreSQL client\) \d+\.\d+\.\d+\nsqlite 3\.\d+\.\d+ \(better-sqlite3 \d+\.\d+\.\d+\)\n$/,
    );
  });
});
