/** Where to look when the SQLite file or the server stopped a transfer or an alignment in the driver's own words. */
export const FILE_OR_SERVER_HINT =
  'Check that the SQLite file is readable and that PostgreSQL is reachable with the URL of the target connection.';
