import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { exitCodes, type CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

const require = createRequire(import.meta.url);

/** What runbook runs on, for a bug report or a CI log. */
export interface Versions {
  readonly runbook: string;
  readonly node: string;
  /** The PostgreSQL client: the `pg` package. */
  readonly pg: string;
  readonly sqlite: string;
  readonly betterSqlite3: string;
}

/** This runbook's version, from its package.json (three levels above src/cli/commands and dist/cli/commands). */
export function runbookVersion(): string {
  return (require('../../../package.json') as { version: string }).version;
}

/** The versions of runbook and of what it talks to databases with. */
export function versions(): Versions {
  const db = new Database(':memory:');
  try {
    return {
      runbook: runbookVersion(),
      node: process.versions.node,
      pg: (require('pg/package.json') as { version: string }).version,
      sqlite: (db.prepare('select sqlite_version() as v').get() as { v: string }).v,
      betterSqlite3: (require('better-sqlite3/package.json') as { version: string }).version,
    };
  } finally {
    db.close();
  }
}

/** `runbook version`: runbook's version and those of Node, the PostgreSQL client and SQLite. */
export function registerVersion(program: Command, io: CliIO, finish: Finish): void {
  program.version(runbookVersion(), '-V, --version', 'print the runbook version');
  program
    .command('version')
    .description('print the versions of runbook, Node, the PostgreSQL client (pg) and SQLite')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  runbook version --json\n')
    .action((opts: { json?: boolean }) => {
      const v = versions();
      io.stdout.write(
        opts.json
          ? `${JSON.stringify(v, null, 2)}\n`
          : `runbook ${v.runbook}\nnode ${v.node}\npg (PostgreSQL client) ${v.pg}\nsqlite ${v.sqlite} (better-sqlite3 ${v.betterSqlite3})\n`,
      );
      finish(exitCodes.ok);
    });
}
