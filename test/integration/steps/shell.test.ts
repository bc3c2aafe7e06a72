import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shell } from '../../../src/steps/shell.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { stepContext } from '../../helpers/step-context.js';

const mask = (t: string) => t.split('s3cret').join('****');

function failure(r: StepResult): { message: string; hint?: string } {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return { message: r.message, ...(r.hint === undefined ? {} : { hint: r.hint }) };
}

/** A process is gone when signalling it fails, or when only its unreaped zombie is left. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

async function waitForFile(path: string): Promise<string> {
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') await new Promise((r) => setTimeout(r, 20));
  return readFileSync(path, 'utf8').trim();
}

describe('shell', () => {
  it('runs a shell string and takes outputs by regex, JSON path and line', async () => {
    const ctx = stepContext();
    const r = await shell.run(
      {
        run: `echo 'version 14.2 ready'; echo '{"db":{"tables":23,"names":["a","b"]}}' > /dev/null; echo done`,
        outputs: {
          major: { regex: 'version (\\d+)\\.(\\d+)' },
          minor: { regex: 'version (\\d+)\\.(\\d+)', group: 2 },
          whole: { regex: '^\\w+ \\S+' },
          last: { stdout_line: 'last' },
        },
      },
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      outputs: { stdout: 'version 14.2 ready\ndone', exit_code: 0, major: '14', minor: '2', whole: 'version 14.2', last: 'done' },
    });
    expect(ctx.lines).toEqual(['version 14.2 ready', 'done']);
  });

  it('reads JSON outputs with a JSON path, one match as a value and several as a list', async () => {
    const r = await shell.run(
      {
        run: ['printf', '%s', '{"db":{"tables":23,"names":["a","b"]}}'],
        outputs: { tables: { json: '$.db.tables' }, names: { json: '$.db.names[*]' } },
      },
      stepContext(),
    );
    expect(r.ok && r.outputs).toMatchObject({ tables: 23, names: ['a', 'b'] });
  });

  it('fails naming the output when its regex does not match, or stdout is not JSON', async () => {
    const ctx = stepContext();
    const r = await shell.run({ run: 'echo hello', outputs: { version: { regex: 'v(\\d+)' } } }, ctx);
    expect(failure(r)).toEqual({
      message: 'output "version": the regex /v(\\d+)/ did not match stdout',
      hint: `the command's whole output is in ${join(ctx.stepDir, 'stdout.log')}`,
    });
    const j = await shell.run({ run: 'echo hello', outputs: { n: { json: '$.n' } } }, ctx);
    expect(failure(j).message).toBe(
      `output "n": stdout is not JSON (Unexpected token 'h', "hello" is not valid JSON), so the path $.n cannot be read`,
    );
    const none = await shell.run({ run: 'echo {}', outputs: { n: { json: '$.n' } } }, ctx);
    expect(failure(none).message).toBe('output "n": the path $.n found nothing in the JSON on stdout');
  });

  it('says when a line rule finds no line, and when a rule only saw the first MiB of stdout', async () => {
    const ctx = stepContext();
    expect(failure(await shell.run({ run: 'true', outputs: { l: { stdout_line: 'first' } } }, ctx)).message).toBe(
      'output "l": stdout has no non-empty line',
    );
    expect(failure(await shell.run({ run: 'seq 1 300000', outputs: { n: { regex: '^none$' } } }, ctx)).message).toBe(
      'output "n": the regex /^none$/ did not match stdout (only the first 1 MiB of stdout is searched)',
    );
  });

  it('checks output rules before running the command', async () => {
    const ctx = stepContext();
    const marker = join(ctx.workDir, 'ran');
    const r = await shell.run({ run: ['touch', marker], outputs: { a: { regex: '(' }, b: { regex: 'x(y)', group: 2 } } }, ctx);
    expect(failure(r)).toEqual({
      message:
        'output "a": the regex /(/ is not valid: Invalid regular expression: /(/m: Unterminated group; output "b": asks for group 2, but the regex /x(y)/ has 1 group',
      hint: 'fix the outputs of the step; the command was not run',
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a non-zero exit with the last lines of stderr and where the rest is', async () => {
    const ctx = stepContext();
    const r = await shell.run({ run: 'for i in 1 2 3 4 5 6 7; do echo "err $i" >&2; done; echo partial; exit 3' }, ctx);
    expect(r).toEqual({
      ok: false,
      message: 'command exited with code 3, expected 0; last lines of stderr:\n  err 3\n  err 4\n  err 5\n  err 6\n  err 7',
      hint: `the whole error output is in ${join(ctx.stepDir, 'stderr.log')}`,
      outputs: { stdout: 'partial', exit_code: 3 },
    });
    expect(readFileSync(join(ctx.stepDir, 'stderr.log'), 'utf8')).toBe('err 1\nerr 2\nerr 3\nerr 4\nerr 5\nerr 6\nerr 7\n');
  });

  it('says when a failing command wrote nothing to stderr, and explains exit code 127', async () => {
    const ctx = stepContext();
    expect(failure(await shell.run({ run: 'exit 1', expect_exit: [0, 2] }, ctx)).message).toBe(
      'command exited with code 1, expected one of 0, 2; it wrote nothing to stderr',
    );
    const r = failure(await shell.run({ run: 'no-such-program-xyz 2>/dev/null' }, ctx));
    expect(r).toEqual({
      message: 'command exited with code 127, expected 0; it wrote nothing to stderr',
      hint: `exit code 127 means the shell could not find a command; the whole error output is in ${join(ctx.stepDir, 'stderr.log')}`,
    });
  });

  it('accepts the exit codes listed in expect_exit', async () => {
    const r = await shell.run({ run: 'exit 3', expect_exit: [0, 3] }, stepContext());
    expect(r).toEqual({ ok: true, outputs: { stdout: '', exit_code: 3 } });
  });

  it('says which program is missing in the argv form', async () => {
    const ctx = stepContext({ env: { PATH: '/usr/bin:/bin' } });
    expect(failure(await shell.run({ run: ['no-such-program-xyz', '--help'] }, ctx))).toEqual({
      message: 'command not found: no-such-program-xyz',
      hint: 'install it or give its full path; the PATH searched was /usr/bin:/bin',
    });
  });

  it('says when a program is not executable, and when the command was killed by a signal', async () => {
    const ctx = stepContext();
    const script = join(ctx.workDir, 'script.sh');
    writeFileSync(script, 'echo hi\n', { mode: 0o644 });
    expect(failure(await shell.run({ run: [script] }, ctx))).toEqual({
      message: `command is not executable: ${script}`,
      hint: `check its permissions (chmod +x ${script})`,
    });
    expect(failure(await shell.run({ run: 'echo bye >&2; kill -9 $$' }, ctx)).message).toBe(
      'command was killed by SIGKILL, expected 0; last lines of stderr:\n  bye',
    );
  });

  it('says when the working directory is missing', async () => {
    const ctx = stepContext();
    expect(failure(await shell.run({ run: 'true', cwd: 'nope' }, ctx))).toEqual({
      message: `working directory not found: ${join(ctx.workDir, 'nope')}`,
      hint: "check the step's cwd; relative paths start at the directory runbook was started in",
    });
  });

  it('runs in cwd relative to the work dir with extra env on top of the run env', async () => {
    const ctx = stepContext({ env: { PATH: process.env.PATH, FROM_RUN: 'run' } });
    mkdirSync(join(ctx.workDir, 'app'));
    const r = await shell.run({ run: 'echo "$(pwd) $FROM_RUN $EXTRA"', cwd: 'app', env: { EXTRA: 'a b' } }, ctx);
    expect(r.ok && r.outputs.stdout).toBe(`${join(ctx.workDir, 'app')} run a b`);
  });

  it("removes the unset_env variables from the command's environment, those of the run and of env alike", async () => {
    const ctx = stepContext({ env: { PATH: process.env.PATH, DATABASE_URL: 'postgresql://leak', KEEP: 'kept' } });
    const script = 'echo "${DATABASE_URL-unset} ${SQLALCHEMY_DATABASE_URI-unset} $KEEP"';
    const r = await shell.run(
      { run: script, env: { SQLALCHEMY_DATABASE_URI: 'postgresql://leak' }, unset_env: ['DATABASE_URL', 'SQLALCHEMY_DATABASE_URI'] },
      ctx,
    );
    expect(r.ok && r.outputs.stdout).toBe('unset unset kept');
    expect(shell.describe({ run: 'x', unset_env: ['DATABASE_URL'] }, { connection: () => undefined, mask })).toContainEqual({
      label: 'unset_env',
      text: 'DATABASE_URL',
    });
  });

  it('passes an argv element as one argument, never through a shell', async () => {
    const target = `/tmp/pwned-${randomBytes(6).toString('hex')}`;
    const r = await shell.run({ run: ['echo', `x; touch ${target}`] }, stepContext());
    expect(r.ok && r.outputs.stdout).toBe(`x; touch ${target}`);
    expect(existsSync(target)).toBe(false);
  });

  it('masks secrets in the log files and live lines, which are private to the user', async () => {
    const ctx = stepContext({ secrets: ['s3cret'] });
    const r = await shell.run({ run: 'echo "url=postgres://u:s3cret@h/db"; echo "pw s3cret" >&2' }, ctx);
    expect(r.ok).toBe(true);
    const out = join(ctx.stepDir, 'stdout.log');
    const err = join(ctx.stepDir, 'stderr.log');
    expect(readFileSync(out, 'utf8')).toBe('url=postgres://u:****@h/db\n');
    expect(readFileSync(err, 'utf8')).toBe('pw ****\n');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(err).mode & 0o777).toBe(0o600);
    expect(ctx.lines.join('\n')).not.toContain('s3cret');
  });

  it('caps the stdout output and warns, while stdout.log keeps every line', async () => {
    const ctx = stepContext();
    const r = await shell.run({ run: 'seq 1 20000' }, ctx);
    const stdout = r.ok ? String(r.outputs.stdout) : '';
    expect(Buffer.byteLength(stdout)).toBeLessThanOrEqual(64 * 1024);
    expect(stdout.startsWith('1\n2\n3\n')).toBe(true);
    const log = join(ctx.stepDir, 'stdout.log');
    expect(ctx.warnings).toEqual([`stdout has 108894 bytes; the stdout output keeps the first 64 KiB, the whole of it is in ${log}`]);
    expect(readFileSync(log, 'utf8').split('\n').length).toBe(20001);
  });

  it('splits CRLF lines, keeps a last line without newline, and cuts an endless line into pieces', async () => {
    const ctx = stepContext();
    const r = await shell.run({ run: "printf 'a\\r\\nb\\n'; head -c 70000 /dev/zero | tr '\\0' x; printf '\\n\\303\\251nd'" }, ctx);
    expect(r.ok).toBe(true);
    expect(ctx.lines.map((l) => l.length)).toEqual([1, 1, 65536, 70000 - 65536, 3]);
    expect(ctx.lines[4]).toBe('énd');
  });

  for (const [reason, message] of [
    ['timeout', 'stopped after the timeout'],
    ['interrupted', 'stopped: interrupted'],
  ] as const) {
    it(`kills the whole process group when the signal fires (${reason})`, async () => {
      const abort = new AbortController();
      const ctx = stepContext({ signal: abort.signal });
      const pidFile = join(ctx.workDir, 'grandchild.pid');
      const running = shell.run({ run: `sleep 30 & echo $! > ${pidFile}; wait` }, ctx);
      const grandchild = Number(await waitForFile(pidFile));
      expect(processGone(grandchild)).toBe(false);
      abort.abort(reason);
      expect(await running).toEqual({
        ok: false,
        message,
        hint: `the command and its child processes were stopped; its output so far is in ${join(ctx.stepDir, 'stdout.log')} and ${join(ctx.stepDir, 'stderr.log')}`,
      });
      expect(processGone(grandchild)).toBe(true);
    });
  }

  it('kills a group that ignores SIGTERM with SIGKILL after the grace', async () => {
    const abort = new AbortController();
    const ctx = stepContext({ signal: abort.signal });
    const pidFile = join(ctx.workDir, 'pid');
    // Both shells ignore SIGTERM, so only the SIGKILL after the grace stops them.
    const running = shell.run({ run: `trap '' TERM; sh -c 'trap "" TERM; sleep 30' & echo $! > ${pidFile}; wait` }, ctx);
    const grandchild = Number(await waitForFile(pidFile));
    abort.abort('timeout');
    expect(failure(await running).message).toBe('stopped after the timeout');
    expect(processGone(grandchild)).toBe(true);
  });

  it('does not start when the signal has already fired', async () => {
    const abort = new AbortController();
    abort.abort('interrupted');
    const ctx = stepContext({ signal: abort.signal });
    const marker = join(ctx.workDir, 'ran');
    expect(failure(await shell.run({ run: ['touch', marker] }, ctx)).message).toBe('stopped: interrupted');
    expect(existsSync(marker)).toBe(false);
  });

  it('describes the command, cwd, masked env, expected codes and outputs', () => {
    const dctx = { connection: () => undefined, mask };
    expect(
      shell.describe(
        {
          run: ['psql', 'postgres://u:s3cret@h/db', '-c', 'select 1'],
          cwd: 'app',
          env: { PGPASSWORD: 's3cret' },
          expect_exit: [0, 1],
          outputs: { v: { regex: 'v(\\d)' } },
        },
        dctx,
      ),
    ).toEqual([
      { label: 'run', text: "psql postgres://u:****@h/db -c 'select 1'" },
      { label: 'cwd', text: 'app' },
      { label: 'env', text: 'PGPASSWORD=****' },
      { label: 'expect_exit', text: '0, 1' },
      { label: 'outputs', text: 'v (regex /v(\\d)/)' },
    ]);
    expect(shell.describe({ run: 'echo hi' }, dctx)).toEqual([{ label: 'run', text: 'echo hi' }]);
    expect(shell.outputs({ run: 'x', outputs: { v: { json: '$.v' } } })).toEqual(['stdout', 'exit_code', 'v']);
  });
});
