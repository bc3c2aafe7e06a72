import { connectPostgres } from '../../db/connections.js';
import { readState } from '../../db/transfer/state.js';
import type { JsonValue } from '../../core/json.js';
import type { StepContext } from '../kind.js';
import type { TransferUndo } from './undo.js';

/**
 * The undo token of a transfer whose run died while it ran, read from the state table it keeps in
 * the target schema: the tables it created (dropped at rollback), those it filled (emptied) and the
 * state table itself. Undefined when it left no state (it had not created anything yet).
 */
export async function crashUndoToken(target: string, schema: string, ctx: StepContext): Promise<JsonValue | undefined> {
  const conn = ctx.connection(target);
  if (conn.type !== 'postgres') return undefined;
  const client = await connectPostgres(conn.url);
  try {
    const state = await readState(client, schema);
    if (!state) return undefined;
    const tables = [...state.tables.values()];
    const token: TransferUndo = {
      target,
      schema,
      schema_created: false,
      tables_created: tables.filter((t) => t.created).map((t) => t.table),
      tables_filled: tables
        .filter((t) => !t.created)
        .map((t) => t.table)
        .sort(),
      state_table: true,
    };
    return token as unknown as JsonValue;
  } finally {
    await client.end().catch(() => {});
  }
}
