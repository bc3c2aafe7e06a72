import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type PgServer } from './embedded-pg.js';

/** The PostgreSQL 15 server binaries and client tools of the machine (the Debian/Ubuntu packages). */
export const systemPgBin = '/usr/lib/postgresql/15/bin';

/** Why a system PostgreSQL cannot be started from `bin` here, or undefined when it can. */
export function whySystemPgMissing(bin = systemPgBin): string | undefined {
  const missing = ['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_restore'].filter((tool) => !existsSync(join(bin, tool)));
  return missing.length > 0 ? `${bin} has no ${missing.join(', ')}: install PostgreSQL 15 (postgresql-15) to run this test` : undefined;
}

/** Runs a server binary; as root it runs as the `postgres` OS user, since initdb and postgres refuse root. */
async function asServerUser(file: string, args: readonly string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const result = await execa(asRoot ? 'runuser' : file, asRoot ? ['-u', 'postgres', '--', file, ...args] : args, {
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${result.exitCode}:\n${result.all}`);
}

/**
 * Starts a throwaway PostgreSQL from the machine's own binaries in `bin`: a fresh cluster in a
 * new temp dir, listening on a free loopback port only, with a password. `stop()` stops the
 * server and removes the dir; a server that fails to start is stopped and removed too.
 */
export async function startSystemPostgres(bin = systemPgBin): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-syspg-'));
  // The server user must reach its data dir and socket inside this dir.
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0)
    chownSync(dir, Number((await execa('id', ['-u', 'postgres'])).stdout), Number((await execa('id', ['-g', 'postgres'])).stdout));
  const data = join(dir, 'data');
  const port = await freePort();
  const password = 'runbook-system-pg-pw';
  const stop = async () => {
    if (existsSync(join(data, 'postmaster.pid')))
      await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, password, { mode: 0o644 });
    await asServerUser(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ]);
    rmSync(passwordFile);
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`;
    await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start']);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`, port, password, stop };
}
