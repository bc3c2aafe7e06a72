// How commands name a run: an empty id (`runbook rollback "$RUN"` with RUN unset) must not be read
// as a prefix of every run, which would undo the only run of the directory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

const plan = `version: 1
name: made
steps:
  - id: make
    kind: shell
    run: touch made.txt
    rollback:
      - kind: shell
        run: rm made.txt
`;

describe('a run named by an empty id', () => {
  it.each([[''], ['  ']])('is refused by rollback, resume and show (%j), and nothing is undone', async (id) => {
    const ws = workspace();
    expect((await runBin(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir })).code).toBe(0);
    for (const command of ['rollback', 'resume', 'show']) {
      const r = await runBin([command, id], { cwd: ws.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'runbook: no run id given (an empty one)\n  hint: name a run by its id, a unique prefix of it, or "last"; list runs with `runbook runs`\n',
      );
    }
    expect(existsSync(join(ws.dir, 'made.txt'))).toBe(true);
  });
});
