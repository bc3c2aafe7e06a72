import pg from 'pg';

/** A new database on a server, and the server's version. */
export interface DemoDatabase {
  readonly url: string;
  readonly serverVersion: string;
}

/** Creates database `name` on the server at `serverUrl` and returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<DemoDatabase> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
    const version = await client.query<{ server_version: string }>('show server_version');
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), serverVersion: version.rows[0]?.server_version ?? 'unknown' };
  } finally {
    await client.end();
  }
}
