import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';

const golden = 'test/fixtures/review/explain/rotate-logs.md';

describe('runbook explain', () => {
  it('explains plans/examples/rotate-logs.yaml as the golden document', async () => {
    const r = await runCli(['explain', '--format', 'markdown', 'plans/examples/rotate-logs.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expectGolden(r.stdout, golden);
  });

  it('prints the same document for a terminal without markdown marks', async () => {
    const r = await runCli(['explain', 'plans/examples/rotate-logs.yaml']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 1)).toEqual(["Archive the app's logs and start a fresh log directory"]);
    expect(lines).toContain('2. Move the current logs into the archive');
    expect(lines).toContain('    mkdir -p logs-archive');
    expect(r.stdout).not.toContain('```');
  });

  it('never prints a secret: secret defaults and URL passwords are masked', async () => {
    const r = await runCli(['explain', '--format', 'markdown', 'test/fixtures/review/diff/shell-changed.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/tok-12345|s3cret-pw/);
    expect(r.stdout).toContain('| `api_token` | `****` | secret, masked in all output |');
    expect(r.stdout).toContain('- `target`: PostgreSQL `postgresql://app:****@db/app`');
    expect(r.stdout).toContain("```sh\napp-ctl drain --token '****'\n```");
  });

  it('describes gates, checks and built-in undo in words', async () => {
    const r = await runCli(['explain', '--format', 'markdown', 'test/fixtures/review/diff/base.yaml']);
    expect(r.stdout).toContain(
      '## 2. stop-writes\n\n*Step `stop-writes` · a gate: the run waits for the operator*\n\nAsks the operator:\n\n> Writes to the app are stopped?\n',
    );
    expect(r.stdout).toContain('*Step `check-target` · a check (sql-check): it changes nothing*');
    expect(r.stdout).toContain(
      '**If it fails:** the run stops and undoes step 3 (restore the file byte-for-byte from the copy kept at the switch (remove it if the switch created it)).',
    );
  });

  it('exits 2 on an invalid plan with its diagnostics, and on an unknown format', async () => {
    const bad = 'test/fixtures/plans/err/unknown-kind.yaml';
    const r = await runCli(['explain', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe((await runCli(['validate', bad])).stderr);
    expect(await runCli(['explain', '--format', 'html', bad])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'runbook explain: unknown format "html"; expected text or markdown\n',
    });
  });

  it('keeps the golden file readable: sections, commands, undo and failure advice', () => {
    const text = readFileSync(golden, 'utf8');
    expect(text.match(/^## \d+\. /gm)).toHaveLength(4);
    expect(text).toContain('**To undo it**');
    expect(text).toContain('**If it fails:**');
  });
});
