import type pg from 'pg';

// SQLSTATE class 08 (connection exception) and the server going away: 57P01 admin_shutdown
// (fast shutdown, pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now.
const lostStates = /^(08[0-9A-Z]{3}|57P0[123])$/;

// What the socket layer says when the other end is gone, in plain words.
const socketCodes: Readonly<Record<string, string>> = {
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the server closed the connection',
  ECONNREFUSED: 'connection refused',
  ECONNABORTED: 'the connection was aborted',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  EHOSTDOWN: 'the host is down',
  ENOTCONN: 'the socket is not connected',
};

// Errors pg reported through a client's 'error' event: it only does that when the connection died.
const diedWith = new WeakSet<object>();
// Per client, the most telling error its connection died with (a server message beats a socket code).
const lostClients = new WeakMap<pg.Client, unknown>();

function codeOf(err: unknown): string | undefined {
  if (err instanceof AggregateError && typeof (err as { code?: unknown }).code !== 'string') return codeOf(err.errors[0]);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const isServerState = (err: unknown) => lostStates.test(codeOf(err) ?? '');

/**
 * Gives a client the 'error' listener every pg client needs (without one a dropped connection
 * is an unhandled 'error' event that ends the process) and remembers why its connection died.
 */
export function watchConnection(client: pg.Client): void {
  client.on('error', (err: unknown) => {
    if (typeof err === 'object' && err !== null) diedWith.add(err);
    const before = lostClients.get(client);
    if (before === undefined || (!isServerState(before) && isServerState(err))) lostClients.set(client, err);
  });
}

/** Why the connection is gone, in words, when `err` says so by its SQLSTATE, its socket code or its origin; else undefined. */
export function connectionLossOf(err: unknown): string | undefined {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined && lostStates.test(code)) return `${message}; SQLSTATE ${code}`;
  if (code !== undefined && socketCodes[code] !== undefined) return `${socketCodes[code]}, ${code}`;
  if (typeof err === 'object' && err !== null && diedWith.has(err)) return 'the server closed the connection';
  return undefined;
}

/**
 * Why the connection is gone when `err` means a lost connection, or when any of `clients` has lost
 * its own (a statement sent on a dead client fails with a plain "not queryable"); else undefined.
 */
export function lostConnection(err: unknown, clients: readonly pg.Client[] = []): string | undefined {
  const own = connectionLossOf(err);
  if (own !== undefined && isServerState(err)) return own;
  for (const c of clients) {
    const died = lostClients.get(c);
    if (died !== undefined && (own === undefined || isServerState(died))) return connectionLossOf(died) ?? own;
  }
  return own;
}

/** The operator's sentence for a lost connection: the cause and what was going on. */
export function lostMessage(cause: string, during: string, connection?: string): string {
  return `lost the connection to PostgreSQL${connection ? ` "${connection}"` : ''} (${cause}) ${during}`;
}

/** What to do about a lost connection. */
export const LOST_HINT =
  'PostgreSQL was stopped or restarted, or something ended this session (pg_terminate_backend, a failover, a network cut); its log says which. Statements in flight were not committed.';

/** Whether the client's connection has died (it can run nothing more). */
export function hasLostConnection(client: pg.Client): boolean {
  return lostClients.has(client);
}
