import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dirs = ['plans', 'plans/examples', 'test/fixtures/plans/ok', 'test/fixtures/review/diff'];
const plans = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(d, f)),
);
const work = mkdtempSync(join(tmpdir(), 'runbook-fmt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('runbook fmt', () => {
  it.each(plans)('formats %s without changing what it means', async (file) => {
    const copy = join(work, file);
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(file, copy);
    // The fragments a plan includes sit next to it.
    if (existsSync(join(dirname(file), 'fragments')))
      cpSync(join(dirname(file), 'fragments'), join(dirname(copy), 'fragments'), { recursive: true });
    const r = await runCli(['fmt', copy]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const diff = await runCli(['diff', file, copy]);
    expect(diff.stdout).toBe(`${file} and ${copy} mean the same\n`);
    expect(diff.code).toBe(0);
    const again = await runCli(['fmt', '--check', copy]);
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it("passes the README's own CI line on the shipped plans", async () => {
    const line = readFileSync('README.md', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('runbook fmt --check '));
    const command = line!.replace(/\s+#.*$/, '');
    expect(command).toBe('runbook fmt --check plans/*.yaml plans/examples/*.yaml');
    // The line runs as a user's shell runs it: globs expanded by sh, `runbook` found on PATH.
    const bin = mkdtempSync(join(work, 'bin-'));
    symlinkSync(resolve('bin/runbook.js'), join(bin, 'runbook'));
    const r = await new Promise<{ code: number; out: string }>((done) =>
      execFile('sh', ['-c', command], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
      ),
    );
    expect(r).toEqual({ code: 0, out: '' });
  });

  it('with --check changes nothing and exits 1 listing the plans that would change', async () => {
    const messy = join(work, 'messy.yaml');
    const tidy = join(work, 'tidy.yaml');
    copyFileSync('test/fixtures/review/fmt/messy.yaml', messy);
    copyFileSync('test/fixtures/review/fmt/messy.formatted.yaml', tidy);
    const r = await runCli(['fmt', '--check', messy, tidy]);
    expect(r).toEqual({ code: 1, stdout: `would reformat ${messy}\n`, stderr: '' });
    expect(readFileSync(messy, 'utf8')).toBe(readFileSync('test/fixtures/review/fmt/messy.yaml', 'utf8'));
  });

  it('rewrites the plans that are not in canonical style', async () => {
    const messy = join(work, 'rewrite.yaml');
    copyFileSync('test/fixtures/review/fmt/messy.yaml', messy);
    const r = await runCli(['fmt', messy]);
    expect(r).toEqual({ code: 0, stdout: `formatted ${messy}\n`, stderr: '' });
    expect(readFileSync(messy, 'utf8')).toBe(readFileSync('test/fixtures/review/fmt/messy.formatted.yaml', 'utf8'));
  });

  it('exits 2 on a file it cannot read or parse, and leaves it alone', async () => {
    const dir = mkdtempSync(join(work, 'unreadable-'));
    const broken = join(dir, 'broken.yaml');
    const missing = join(dir, 'missing.yaml');
    writeFileSync(broken, 'steps: [a\n');
    const r = await runCli(['fmt', broken, missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${broken}: not valid YAML (line 2, column 1): Flow sequence in block collection must be sufficiently indented and end with a ]\n  hint: run \`runbook validate ${broken}\` to see what is wrong\n` +
        `${missing}: cannot read plan: no such file\n`,
    );
    expect(readFileSync(broken, 'utf8')).toBe('steps: [a\n');
    // Nothing written beside it: no missing.yaml made, no temporary file left.
    expect(readdirSync(dir)).toEqual(['broken.yaml']);
  });
});
