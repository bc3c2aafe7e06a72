import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectPostgres } from '../../../src/db/connections.js';
import { hasLostConnection, lostConnection } from '../../../src/db/lost-connection.js';
import { freePort } from '../../helpers/embedded-pg.js';
import { freshDatabase, query, waitForRow } from '../../helpers/pg.js';

/** Waits until the backend `pid` shows in pg_stat_activity in `state`. */
const waitForBackend = (url: string, pid: number, state: string) =>
  waitForRow(url, 'select 1 as seen from pg_stat_activity where pid = $1 and state = $2', [pid, state]);

const pidOf = (client: pg.Client) => (client as unknown as { processID: number }).processID;

/** The error `work` failed with (it must fail). */
async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (e) {
    return e;
  }
  throw new Error('expected the work to fail');
}

describe('a PostgreSQL connection that is lost', () => {
  it("fails a statement in flight with a value naming the server's reason (pg_terminate_backend)", async () => {
    const url = await freshDatabase('lost_inflight');
    const client = await connectPostgres(url);
    try {
      const running = failure(client.query('select pg_sleep(60)'));
      const ended = new Promise((r) => client.once('end', r));
      await waitForBackend(url, pidOf(client), 'active');
      await query(url, 'select pg_terminate_backend($1)', [pidOf(client)]);
      const err = await running;
      expect(lostConnection(err)).toBe('terminating connection due to administrator command; SQLSTATE 57P01');
      // The server's reason beats the bare "connection terminated" the client says when the socket closes after it.
      await ended;
      expect(hasLostConnection(client)).toBe(true);
      expect(lostConnection(err, [client])).toBe('terminating connection due to administrator command; SQLSTATE 57P01');
    } finally {
      await client.end().catch(() => {});
    }
  });

  it('does not end the process when an idle client loses its server, and the next statement says why', async () => {
    const url = await freshDatabase('lost_idle');
    const client = await connectPostgres(url);
    try {
      await waitForBackend(url, pidOf(client), 'idle');
      const ended = new Promise((r) => client.once('end', r));
      await query(url, 'select pg_terminate_backend($1)', [pidOf(client)]);
      // Without the client's 'error' listener this is an unhandled 'error' event: the test process dies here.
      await ended;
      const err = await failure(client.query('select 1'));
      expect(lostConnection(err)).toBeUndefined();
      expect(lostConnection(err, [client])).toBe('terminating connection due to administrator command; SQLSTATE 57P01');
    } finally {
      await client.end().catch(() => {});
    }
  });

  it('says "connection refused" when the server is not there to reconnect to', async () => {
    const url = new URL(await freshDatabase('lost_refused'));
    url.port = String(await freePort());
    expect(lostConnection(await failure(connectPostgres(url.toString())))).toBe('connection refused, ECONNREFUSED');
  });

  it('does not take a statement PostgreSQL refused for a lost connection, on the same live client', async () => {
    const url = await freshDatabase('lost_refusal');
    const client = await connectPostgres(url);
    try {
      await client.query('create table t (id int primary key)');
      await client.query('insert into t values (1)');
      for (const sql of ['insert into t values (1)', "select 'abc'::int", 'select * from nope', 'selec 1']) {
        expect(lostConnection(await failure(client.query(sql)), [client])).toBeUndefined();
      }
      expect(hasLostConnection(client)).toBe(false);
      expect((await client.query('select count(*)::int as n from t')).rows).toEqual([{ n: 1 }]);
    } finally {
      await client.end();
    }
  });
});
