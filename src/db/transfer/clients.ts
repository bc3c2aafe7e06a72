import type pg from 'pg';
import { connectPostgres } from '../connections.js';
import { hasLostConnection } from '../lost-connection.js';
import { cancelStatement } from '../session.js';

/** Opens `n` connections side by side, runs `body` with them and closes them; one lost connection cancels what the others run. */
export async function withClients<T>(url: string, n: number, body: (clients: pg.Client[]) => Promise<T>): Promise<T> {
  const clients: pg.Client[] = [];
  const cancels: Promise<void>[] = [];
  try {
    // Side by side: each connection waits on a server process to start and on authentication.
    const settled = await Promise.allSettled(Array.from({ length: n }, () => connectPostgres(url)));
    for (const r of settled) if (r.status === 'fulfilled') clients.push(r.value);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // One lost connection fails the transfer: what the others run (an index build, a statement
    // waiting for a lock) is cancelled rather than waited for.
    for (const c of clients) {
      c.once('error', () => {
        for (const other of clients) if (other !== c && !hasLostConnection(other)) cancels.push(cancelStatement(url, other));
      });
    }
    return await body(clients);
  } finally {
    await Promise.all(cancels);
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}
