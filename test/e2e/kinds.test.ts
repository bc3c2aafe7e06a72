import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validatePlanText } from '../../src/plan/validate.js';
import { exampleConnections, kindExample } from '../../src/review/kind-example.js';
import { createStepKindRegistry } from '../../src/steps/index.js';
import { note } from '../../src/steps/note.js';
import { runCli } from '../helpers/cli.js';

const builtIn = createStepKindRegistry();
const allStepKinds = () => builtIn.all();

const regenerate = 'npm run build && node bin/runbook.js kinds --format markdown > docs/step-kinds.md';

describe('runbook kinds', () => {
  it('lists every registered kind with what it does', async () => {
    const r = await runCli(['kinds']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const k of allStepKinds())
      expect(r.stdout).toMatch(new RegExp(`^${k.kind} +${k.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('shows one kind: its fields with types, required ones and defaults, whether it undoes itself, and an example', async () => {
    const r = await runCli(['kinds', 'http-smoke']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^http-smoke: Sends HTTP requests/);
    expect(lines).toContain('It does not undo itself: give the step a `rollback:` list.');
    expect(lines).toContain('  base_url: string, required');
    expect(lines).toContain('    wait_until_up.timeout: duration (seconds, or 500ms, 30s, 5m, 1h), default 60s');
    expect(lines).toContain('      requests[].expect.status: integer or list of integer, default any 2xx');
    expect(lines).toContain('    requests[].method: one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, default GET');
    expect(r.stdout).toContain(
      'Example:\n  - id: example-http-smoke\n    kind: http-smoke\n    base_url: http://127.0.0.1:5050\n    requests:\n',
    );
    const env = await runCli(['kinds', 'env-switch']);
    expect(env.stdout).toContain('It undoes itself at rollback: restore the file byte-for-byte');
    expect(env.stdout).toContain('  create: boolean, default false\n');
  });

  it('refuses an unknown kind with the nearest name and the list, exit 2', async () => {
    expect(await runCli(['kinds', 'http-smok'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `runbook kinds: unknown step kind "http-smok"; did you mean "http-smoke"?\n  hint: the kinds are ${allStepKinds()
        .map((k) => k.kind)
        .join(', ')}\n`,
    });
    expect((await runCli(['kinds', '--format', 'html'])).code).toBe(2);
  });

  it('shows terminal escapes in an unknown name or format escaped, never writing them to the terminal', async () => {
    const hostile = '\u001b[2J\u001b]0;owned\u0007x';
    for (const args of [
      ['kinds', hostile],
      ['kinds', '--format', hostile],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
      expect(r.stderr).toContain('"\\u001b[2J\\u001b]0;owned\\u0007x"');
    }
  });

  it.each(allStepKinds().map((k) => k.kind))('gives %s an example that is a valid step', (name) => {
    const kind = allStepKinds().find((k) => k.kind === name)!;
    const plan = `${stringify({ version: 1, name: 'example', connections: exampleConnections })}steps:\n${kindExample(kind)}`;
    expect(validatePlanText('example.yaml', plan, builtIn).diagnostics).toEqual([]);
  });

  it('keeps docs/step-kinds.md as the kinds generate it', async () => {
    const r = await runCli(['kinds', '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(readFileSync('docs/step-kinds.md', 'utf8'), `docs/step-kinds.md is stale; regenerate it with: ${regenerate}`).toBe(r.stdout);
  });

  it('covers a kind registered later (a plug-in) without any change to the reference', async () => {
    const kinds = createStepKindRegistry();
    kinds.register({
      ...note,
      kind: 'flush-cache',
      summary: 'Empties the app cache.',
      schema: {
        properties: {
          url: { type: 'string', description: 'Cache endpoint, e.g. http://127.0.0.1:9000/flush' },
          ttl: { type: 'integer', minimum: 0, default: 60, description: 'Seconds.' },
        },
        required: ['url'],
      },
    } as typeof note);
    expect((await runCli(['kinds'], { kinds })).stdout).toMatch(/^flush-cache +Empties the app cache\.$/m);
    const r = await runCli(['kinds', 'flush-cache'], { kinds });
    expect(r.stdout).toContain('  url: string, required\n');
    expect(r.stdout).toContain('  ttl: integer, default 60\n');
    expect(r.stdout).toContain('Example:\n  - id: example-flush-cache\n    kind: flush-cache\n    url: http://127.0.0.1:9000/flush\n');
    expect((await runCli(['kinds', '--format', 'markdown'], { kinds })).stdout).toContain('## flush-cache');
    expect((await runCli(['kinds'])).stdout).not.toContain('flush-cache');
  });
});
