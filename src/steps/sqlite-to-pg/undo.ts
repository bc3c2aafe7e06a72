import { connectPostgres, quoteIdent as q } from '../../db/connections.js';
import { qualified } from '../../db/ddl/schema-ddl.js';
import { connectFailure } from '../../db/failure.js';
import { LOST_HINT, lostConnection, lostMessage } from '../../db/lost-connection.js';
import { STATE_TABLE } from '../../db/transfer/state.js';
import type { TransferEffects } from '../../db/transfer/transfer.js';
import type { JsonValue } from '../../core/json.js';
import type { StepContext, StepResult } from '../kind.js';

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
  return {
    target,
    schema: e.schema,
    schema_created: e.schemaCreated,
    tables_created: [...new Set(e.tablesCreated)],
    tables_filled: [...new Set(e.tablesFilled)].sort(),
    state_table: e.stateTable,
  };
}

/** The statements that undo the transfer, in order: what to run by hand when the undo cannot. */
function undoStatements(t: TransferUndo): { readonly drop: readonly string[]; readonly sql: readonly string[] } {
  const drop = [...t.tables_created, ...(t.state_table ? [STATE_TABLE] : [])].map((n) => qualified(t.schema, n));
  return {
    drop,
    sql: [
      // No CASCADE: anything else that came to depend on these tables stops the undo instead of vanishing.
      ...(drop.length > 0 ? [`DROP TABLE IF EXISTS ${drop.join(', ')}`] : []),
      ...(t.tables_filled.length > 0 ? [`TRUNCATE ${t.tables_filled.map((n) => qualified(t.schema, n)).join(', ')}`] : []),
      ...(t.schema_created ? [`DROP SCHEMA IF EXISTS ${q(t.schema)}`] : []),
    ],
  };
}

/** Drops exactly the tables (and schema) the transfer created and empties the tables it filled. */
export async function undoTransfer(token: JsonValue, ctx: StepContext): Promise<StepResult> {
  const t = token as unknown as TransferUndo;
  const conn = ctx.connection(t.target);
  if (conn.type !== 'postgres')
    return { ok: false, message: `connection "${t.target}" is not a PostgreSQL connection; cannot undo the transfer.` };
  const { drop, sql } = undoStatements(t);
  // Without the server the undo cannot run: the operator gets the statements to run once it is back.
  const byHand = `once PostgreSQL is back, undo the transfer by hand: ${sql.map((x) => `${x};`).join(' ')}`;
  let client: Awaited<ReturnType<typeof connectPostgres>>;
  try {
    client = await connectPostgres(conn.url);
  } catch (e) {
    const failure = connectFailure(conn, e);
    return {
      ok: false,
      message: ctx.mask(`cannot undo the transfer into schema "${t.schema}": ${failure.message}; ${byHand}`),
      ...(failure.hint ? { hint: ctx.mask(failure.hint) } : {}),
    };
  }
  try {
    await client.query('BEGIN');
    for (const statement of sql) await client.query(statement);
    await client.query('COMMIT');
    return {
      ok: true,
      outputs: { dropped: drop, emptied: [...t.tables_filled] },
      note: `dropped ${drop.length} table(s), emptied ${t.tables_filled.length}`,
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    const lost = lostConnection(e, [client]);
    if (lost !== undefined)
      return {
        ok: false,
        message: ctx.mask(`${lostMessage(lost, `while undoing the transfer into schema "${t.schema}"`, t.target)}; ${byHand}`),
        hint: LOST_HINT,
      };
    return {
      ok: false,
      message: ctx.mask(`undoing the transfer into schema "${t.schema}" failed: ${(e as Error).message}.`),
      hint: 'Another object may depend on the tables (a view, a foreign key from another table); drop it first, then roll back again.',
    };
  } finally {
    await client.end().catch(() => {});
  }
}
