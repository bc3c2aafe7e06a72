import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, type CliResult } from '../helpers/cli.js';
import { workspace } from '../helpers/workspace.js';

/** The one paragraph of an unexpected error: no stack trace, and a log file that has it. */
function expectOneParagraph(r: CliResult, message: RegExp): string {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(2);
  const log = /the full trace is in (\S+)/.exec(r.stderr)?.[1];
  expect(log).toBeDefined();
  expect(existsSync(log!)).toBe(true);
  const trace = readFileSync(log!, 'utf8');
  rmSync(log!);
  expect(trace).toMatch(/\n\s+at /);
  return trace;
}

describe('an error runbook did not expect (real process)', () => {
  it('says what failed in one paragraph, names the log with the trace, and exits 1', async () => {
    const ws = workspace();
    // A file where the run directories belong: listing runs fails in a way no command checks for.
    mkdirSync(join(ws.dir, '.runbook'));
    writeFileSync(join(ws.dir, '.runbook', 'runs'), '');
    const r = await runBin(['runs'], { cwd: ws.dir });
    expectOneParagraph(
      r,
      /^runbook: internal error in `runbook runs`: ENOTDIR: not a directory, scandir '.*runs'\n {2}hint: runbook did not expect this; the full trace is in /,
    );
  });

  it('a checkout that was never built says to build it, without a stack trace', async () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'bin'));
    copyFileSync('bin/runbook.js', join(ws.dir, 'bin', 'runbook.js'));
    const r = await runBin(['schema'], { cwd: ws.dir, bin: join(ws.dir, 'bin', 'runbook.js') });
    expectOneParagraph(
      r,
      /^runbook: cannot load its compiled code: Cannot find module .*\n {2}hint: in a checkout, run `npm ci` \(or `npm run build`\) first; the full trace is in /,
    );
  });
});

describe('a current directory that was deleted (real process)', () => {
  it('says so in one paragraph with a way out, without a stack trace, and exits 2', async () => {
    const ws = workspace();
    const gone = join(ws.dir, 'gone');
    mkdirSync(gone);
    // The shell enters the directory and removes it, so runbook starts in a directory that no longer exists.
    const r = await new Promise<CliResult>((done) => {
      execFile(
        '/bin/sh',
        [
          '-c',
          `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${resolve('bin/runbook.js')}" validate "${resolve('plans/sqlite-to-pg.yaml')}"`,
        ],
        (error, stdout, stderr) => {
          done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'runbook: the current directory no longer exists (it was deleted or moved away)\n  hint: cd to a directory that exists and run the command again\n',
    });
  });
});
