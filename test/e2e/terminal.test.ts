import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspace } from '../helpers/workspace.js';

const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.log('util-linux `script` is not installed: the terminal (listr2) output is not tested');

/** Runs the binary under a pseudo-terminal (util-linux `script`) and returns the screen text without escape codes. */
function onTerminal(cwd: string, args: string, input = ''): string {
  const bin = join(process.cwd(), 'bin/runbook.js');
  const env = { ...process.env };
  delete env.CI;
  delete env.NO_COLOR;
  let raw = '';
  try {
    raw = execFileSync('script', ['-qec', `stty cols 120 rows 50; ${process.execPath} ${bin} ${args}`, '/dev/null'], {
      cwd,
      env,
      encoding: 'utf8',
      input,
    });
  } catch (e) {
    raw = (e as { stdout: string }).stdout;
  }

  return raw
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

describe.skipIf(!hasScript)('on a terminal', () => {
  it('draws the task list: steps, a skipped step with its reason, the failure, and rollback as its own group', () => {
    const ws = workspace();
    ws.write(
      'plan.yaml',
      `version: 1
name: tty
steps:
  - id: one
    kind: shell
    title: First step
    run: echo working
    rollback:
      - kind: shell
        title: undo first
        run: echo undone
  - id: skip-me
    kind: shell
    when: "false"
    run: echo no
  - id: two
    kind: shell
    title: Second step fails
    run: echo boom >&2; exit 3
  - id: three
    kind: shell
    run: echo never
`,
    );
    const screen = onTerminal(ws.dir, 'exec plan.yaml');
    expect(screen).toContain('✔ 1/4 First step');
    expect(screen).toContain('↓ skip-me skipped: condition is false: false');
    expect(screen).toContain('✖ two: command exited with code 3, expected 0');
    expect(screen).toContain('↓ 4/4 three not run');
    expect(screen).toContain('✔ Rolling back: step two failed');
    expect(screen).toContain('✔ undo one');
    expect(screen).toMatch(/run failed rolled back in \S+ \(exit 1\)\nreport: /);
  });

  it('asks a confirm gate on the terminal and goes on when the operator says yes', () => {
    const ws = workspace();
    ws.write(
      'plan.yaml',
      `version: 1\nname: ask\nsteps:\n  - id: gate\n    kind: confirm\n    message: Stop writes now?\n  - id: after\n    kind: shell\n    run: echo went on\n`,
    );
    const screen = onTerminal(ws.dir, 'exec plan.yaml', 'y\r');
    expect(screen).toContain('Stop writes now? [y/N] y');
    expect(screen).toContain('✔ gate');
    expect(screen).toMatch(/run succeeded in \S+ \(exit 0\)/);
  });
});
