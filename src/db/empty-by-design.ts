/** The words that mark a table made empty on purpose, in its PostgreSQL comment and in reports. */
export const EMPTY_BY_DESIGN = 'created empty by design';

/** The comment an empty stand-in for a SQLite virtual table carries, so counts and later runs can tell it was made empty on purpose. */
export function emptyTableComment(module: string, name: string): string {
  return `SQLite ${module} virtual table ${name}, ${EMPTY_BY_DESIGN} by runbook: the application fills it`;
}
