import { describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connectPostgres } from '../../../src/db/connections.js';
import { connectFailure } from '../../../src/db/failure.js';
import type { ConnectionSpec } from '../../../src/core/connection.js';

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('connectFailure on real connects', () => {
  it('says the connection timed out when the server takes the socket and never answers', async () => {
    // A listener that accepts and stays silent: pg waits for the startup reply until its connect timeout.
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const conn: ConnectionSpec = { name: 'target', type: 'postgres', url: `postgresql://u:pw-secret@127.0.0.1:${port}/db` };
      const err = await failureOf(connectPostgres(conn.url));
      expect(connectFailure(conn, err)).toEqual({
        ok: false,
        kind: 'connect',
        message: `cannot connect to "target" (postgresql://u:****@127.0.0.1:${port}/db): the connection timed out`,
        hint: `check that 127.0.0.1:${port} is reachable from this machine`,
      });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((done) => server.close(done));
    }
  }, 30_000);

  it('keeps the cause in words when a connect fails without a timeout or a known code', async () => {
    // The server closes every connection at once.
    const server = createServer((s) => s.destroy());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const conn: ConnectionSpec = { name: 'target', type: 'postgres', url: `postgresql://u@127.0.0.1:${port}/db` };
      const failure = connectFailure(conn, await failureOf(connectPostgres(conn.url)));
      expect(failure).toEqual({
        ok: false,
        kind: 'connect',
        message: `cannot connect to "target" (postgresql://u@127.0.0.1:${port}/db): Connection terminated unexpectedly`,
        hint: 'check the connection URL',
      });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
