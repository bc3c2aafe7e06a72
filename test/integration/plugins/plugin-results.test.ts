// A plug-in kind whose run returns something that is not a result: the step fails naming the
// kind and what it returned (not "internal error in runbook"), is journaled as ended, and the
// steps before it are rolled back.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

const kind = (
  returns: string,
) => `export default { kind: 'odd-kind', summary: 'returns ${returns}', schema: { properties: {}, required: [] },
  outputs: () => [], describe: () => [], run: async () => ${returns} };
`;

const plan = `version: 1
name: odd
plugins: [./odd.mjs]
steps:
  - id: mkdir
    kind: shell
    run: mkdir made
    rollback: [{ kind: shell, run: rmdir made }]
  - id: odd
    kind: odd-kind
`;

describe('a plug-in kind whose run returns no result', () => {
  it.each([['17'], ['undefined'], ['({ ok: "yes" })'], ['({ ok: false })']])(
    '(%s) fails its step naming the kind, and the run rolls back',
    async (returns) => {
      const ws = workspace();
      ws.write('odd.mjs', kind(returns));
      const r = await runBin(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✖ odd failed: the odd-kind step kind returned ');
      expect(r.stdout).not.toContain('internal error in runbook');
      expect(existsSync(join(ws.dir, 'made'))).toBe(false);
      expect(ws.lastJournal().find((e) => e.type === 'step-end' && e.step === 'odd')).toMatchObject({ status: 'failed' });
    },
  );

  it('a result without outputs counts as one with none', async () => {
    const ws = workspace();
    ws.write('odd.mjs', kind('({ ok: true })'));
    const r = await runBin(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
