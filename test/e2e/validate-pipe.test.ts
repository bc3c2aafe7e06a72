import { execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { workspace } from '../helpers/workspace.js';

/** A named pipe (mkfifo) in a fresh workspace. */
function fifo(): string {
  const path = join(workspace().dir, 'plan.yaml');
  execFileSync('mkfifo', [path]);
  return path;
}

describe('a plan that is a named pipe (real process, real FIFO)', () => {
  it('with nothing writing to it: says so and exits 2, instead of waiting forever where no signal stops it', async () => {
    const path = fifo();
    const r = await runBin(['validate', path]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `${path}: error RB100 cannot read plan: it is a named pipe and nothing is writing to it [file-unreadable]\n  hint: start the program that writes the plan into the pipe first, or give a file\n`,
    });
  });

  it('with a writer already waiting: reads the plan from it', async () => {
    const path = fifo();
    // The writer blocks in open() until a reader comes, as a generator feeding the pipe does.
    const writer = spawn('/bin/sh', ['-c', `cat "${resolve('plans/sqlite-to-pg.yaml')}" > "${path}"`]);
    const r = await runBin(['validate', path]);
    writer.kill();
    expect(r).toEqual({ code: 0, stdout: `${path}: valid\n`, stderr: '' });
  });

  it('with an invalid plan written into it: prints the findings and exits 2 without opening the pipe again', async () => {
    const path = fifo();
    const writer = spawn('/bin/sh', ['-c', `printf 'version: 1\\nname: x\\nsteps: 3\\n' > "${path}"`]);
    const r = await runBin(['validate', path]);
    writer.kill();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:3:8: error RB203`);
  });

  it('exec refuses a pipe before reading it, instead of waiting forever to read it a second time', async () => {
    const path = fifo();
    const r = await runBin(['exec', '-y', path], { cwd: workspace().dir });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `${path}: cannot run a plan from a pipe: a run keeps a copy and the checksum of the plan it ran, and a pipe can be read only once\n  hint: save the plan to a file and run that; \`runbook validate\` and \`runbook plan\` read pipes\n`,
    });
  });
});
