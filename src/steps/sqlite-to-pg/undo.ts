import { connectPostgres, quoteIdent as q } from '../../db/connections.js';
import { qualified } from '../../db/ddl.js';
import { STATE_TABLE } from '../../db/transfer-state.js';
import type { TransferEffects } from '../../db/transfer.js';
import type { JsonValue, StepContext, StepResult } from '../kind.js';

/** The undo token: what the transfer made, by name (no URL, no secret). */
export interface TransferUndo {
  readonly target: string;
  readonly schema: string;
  readonly schema_created: boolean;
  readonly tables_created: readonly string[];
  readonly tables_filled: readonly string[];
  readonly state_table: boolean;
}

/** The token for what a transfer did, or undefined when it left nothing behind. */
export function undoToken(target: string, e: TransferEffects): TransferUndo | undefined {
  if (!e.schemaCreated && e.tablesCreated.length === 0 && e.tablesFilled.length === 0 && !e.stateTable) return undefined;
  return { target, schema: e.schema, schema_created: e.schemaCreated, tables_created: [...new Set(e.tablesCreated)], tables_filled: [...new Set(e.tablesFilled)].sort(), state_table: e.stateTable };
}

/** Drops exactly the tables (and schema) the transfer created and empties the tables it filled. */
export async function undoTransfer(token: JsonValue, ctx: StepContext): Promise<StepResult> {
  const t = token as unknown as TransferUndo;
  const conn = ctx.connection(t.target);
  if (conn.type !== 'postgres') return { ok: false, message: `connection "${t.target}" is not a PostgreSQL connection; cannot undo the transfer.` };
  const client = await connectPostgres(conn.url);
  try {
    await client.query('BEGIN');
    const drop = [...t.tables_created, ...(t.state_table ? [STATE_TABLE] : [])].map((n) => qualified(t.schema, n));
    // No CASCADE: anything else that came to depend on these tables stops the undo instead of vanishing.
    if (drop.length > 0) await client.query(`DROP TABLE IF EXISTS ${drop.join(', ')}`);
    if (t.tables_filled.length > 0) await client.query(`TRUNCATE ${t.tables_filled.map((n) => qualified(t.schema, n)).join(', ')}`);
    if (t.schema_created) await client.query(`DROP SCHEMA IF EXISTS ${q(t.schema)}`);
    await client.query('COMMIT');
    return { ok: true, outputs: { dropped: drop, emptied: [...t.tables_filled] }, note: `dropped ${drop.length} table(s), emptied ${t.tables_filled.length}` };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    return {
      ok: false,
      message: ctx.mask(`undoing the transfer into schema "${t.schema}" failed: ${(e as Error).message}.`),
      hint: 'Another object may depend on the tables (a view, a foreign key from another table); drop it first, then roll back again.',
    };
  } finally {
    await client.end();
  }
}
