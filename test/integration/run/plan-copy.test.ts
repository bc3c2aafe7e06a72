import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { readAll, workspace } from '../../helpers/workspace.js';

const plan = `version: 1
name: inline-secrets
vars:
  token: { secret: true, default: "Inline-Default-S3cret" }
  api_key:
    secret: true
    description: overridden on the command line; its written default must still not be copied
    default: |
      Block-Default-K3y
  region: { default: eu-north }
steps:
  - id: use
    kind: shell
    run: test -n "{{vars.token}}" && echo {{vars.region}}
`;

describe('the plan kept in the run directory', () => {
  it('has every secret default masked where it is written, and plan.sha256 still hashes the plan file', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan);
    const r = await runCli(['exec', file, '--var', 'api_key=From-The-Command-Line'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    const everything = readAll(ws.runFiles());
    for (const secret of ['Inline-Default-S3cret', 'Block-Default-K3y', 'From-The-Command-Line']) expect(everything).not.toContain(secret);
    const copy = readFileSync(join(ws.lastRunDir(), 'plan.yaml'), 'utf8');
    expect(parse(copy)).toMatchObject({
      vars: { token: { secret: true, default: '****' }, api_key: { default: '****' }, region: { default: 'eu-north' } },
    });
    const sha = createHash('sha256').update(plan).digest('hex');
    expect(readFileSync(join(ws.lastRunDir(), 'plan.sha256'), 'utf8')).toBe(`${sha}  ${file}\n`);
  });
});
