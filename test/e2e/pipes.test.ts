import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspace, type Workspace } from '../helpers/workspace.js';

const bin = resolve('bin/runbook.js');
const reader = resolve('test/helpers/slow-reader.mjs');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `runbook ARGS | READER` in a real shell; returns runbook's exit status and its stderr. */
function pipeInto(ws: Workspace, args: readonly string[], readerCommand: string): { status: number; stderr: string } {
  const script = `node ${quote(bin)} ${args.map(quote).join(' ')} 2>runbook.err | ${readerCommand}; echo "\${PIPESTATUS[0]}"`;
  const status = Number(
    execFileSync('bash', ['-c', script], { cwd: ws.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } }).trim(),
  );
  return { status, stderr: readFileSync(join(ws.dir, 'runbook.err'), 'utf8') };
}

/** The same command with stdout written straight to a file. */
function toFile(ws: Workspace, args: readonly string[]): { status: number; bytes: Buffer } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: ws.dir,
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, bytes: r.stdout };
}

// Long enough that every command below prints well over a pipe's 64 KiB.
const steps = (tag: string) =>
  Array.from(
    { length: 600 },
    (_, i) =>
      `  - id: note-${i}\n    kind: note\n    title: Tell the operator thing number ${i} of this long procedure, ${tag}\n    message: "Remember item ${i}: ${'keep the backup and check the counts. '.repeat(3)}"\n`,
  ).join('');

describe('output into a pipe (real processes, a real slow reader)', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = workspace();
    ws.write('old.yaml', `version: 1\nname: big\nsteps:\n${steps('old')}`);
    ws.write('new.yaml', `version: 1\nname: big\nsteps:\n${steps('new')}`);
  });

  const commands: [string, string[]][] = [
    ['schema', ['schema']],
    ['plan', ['plan', 'new.yaml']],
    ['explain', ['explain', 'new.yaml']],
    ['diff --format json', ['diff', '--format', 'json', 'old.yaml', 'new.yaml']],
  ];
  it.each(commands)('%s: a slow reader gets every byte a file gets, and the real exit code', (_name, args) => {
    const direct = toFile(ws, args);
    expect(direct.bytes.length).toBeGreaterThan(96 * 1024);
    const piped = pipeInto(ws, args, `node ${quote(reader)} piped.out`);
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(direct.status);
    expect(readFileSync(join(ws.dir, 'piped.out')).equals(direct.bytes)).toBe(true);
  });

  it('exec --json and show --journal: a slow reader gets every journal line', () => {
    const piped = pipeInto(ws, ['exec', '--json', 'new.yaml'], `node ${quote(reader)} exec.out`);
    expect(piped.status).toBe(0);
    const journal = readFileSync(join(ws.lastRunDir(), 'journal.jsonl'));
    expect(journal.length).toBeGreaterThan(96 * 1024);
    expect(readFileSync(join(ws.dir, 'exec.out')).equals(journal)).toBe(true);
    const shown = pipeInto(ws, ['show', 'last', '--journal'], `node ${quote(reader)} show.out`);
    expect(shown.status).toBe(0);
    expect(readFileSync(join(ws.dir, 'show.out')).equals(journal)).toBe(true);
  });

  it.each(commands)('%s | head: ends quietly with 141 (128 + SIGPIPE), as cat does', (_name, args) => {
    const r = pipeInto(ws, args, 'head -c 100 >/dev/null');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
  });

  it('exec --json | head: the run goes to its end and exits with its own code; stderr says the output was cut', () => {
    const r = pipeInto(ws, ['exec', '--json', 'new.yaml'], 'head -c 100 >/dev/null');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^runbook: standard output (is gone \(EPIPE\); the run goes on|was closed before the run ended); its journal and report have everything\n$/,
    );
    expect(ws.lastJournal().at(-1)).toMatchObject({ type: 'run-end', status: 'succeeded', exitCode: 0 });
  });
});
