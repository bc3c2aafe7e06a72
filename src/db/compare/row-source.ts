/** What a content comparison reads from one side: the shape of a table and its rows in batches. */

/** A column to compare, with its PostgreSQL type name (pg_type.typname) when the side is PostgreSQL. */
export interface ColumnInfo {
  readonly name: string;
  readonly pgType: string | null;
}

/** A table's columns in order and its primary key (empty when it has none). */
export interface TableShape {
  readonly columns: readonly ColumnInfo[];
  readonly key: readonly string[];
}

/** Rows as arrays, in the order of the columns asked for. */
export type RowBatch = readonly (readonly unknown[])[];

/** Reads a query's rows a batch at a time; never holds more than a batch or two. */
export interface RowReader {
  /** The next batch, or null at the end. */
  next(): Promise<RowBatch | null>;
  close(): Promise<void>;
}

/** A key column and how its values sort: integers by value, text by UTF-8 bytes. */
export interface KeyOrder {
  readonly name: string;
  readonly text: boolean;
}

/** Reads tables of one open connection (inside the session's snapshot). */
export interface RowSource {
  readonly dialect: 'sqlite' | 'postgres';
  shape(table: string): Promise<TableShape>;
  /** Rows of `columns`, in key order when `order` is given (else in any order), matching `where`. */
  read(table: string, columns: readonly string[], order: readonly KeyOrder[] | null, where?: string): RowReader;
}

/** Rows per batch a reader returns. */
export const BATCH_ROWS = 2000;
