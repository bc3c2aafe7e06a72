import { redactUrl } from '../../db/connections.js';
import type { ConnectionSpec } from '../../core/connection.js';
import type { DescribeContext } from '../kind.js';

/** `target (postgres postgresql://u:****@host/db)` or `source (sqlite catalogue.db)`, for dry runs. */
export function connectionLabel(name: string, ctx: DescribeContext): string {
  const conn: ConnectionSpec | undefined = ctx.connection(name);
  if (conn === undefined) return `${name} (known when the run reaches this step)`;
  const where = conn.type === 'postgres' ? `postgres ${redactUrl(conn.url)}` : `sqlite ${conn.path}`;
  return `${name} (${ctx.mask(where)})`;
}
