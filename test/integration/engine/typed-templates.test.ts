import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { workspace, type Workspace } from '../../helpers/workspace.js';

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ pool: 5, ready: true, name: 'main' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** A workspace with a SQLite file of three rows. */
function withDatabase(): Workspace {
  const ws = workspace();
  const db = new Database(join(ws.dir, 'app.db'));
  db.exec('create table t (x integer); insert into t values (1), (2), (3);');
  db.close();
  return ws;
}

const plan = (rowCount: string) => `version: 1
name: typed
vars:
  pool: { type: integer, default: 5 }
  ready: { type: boolean, default: true }
  status: { type: integer, default: 200 }
  rows: { default: "${rowCount}" }
  none: { type: boolean, default: false }
connections:
  app: { sqlite: app.db }
steps:
  - id: count-rows
    kind: sql-check
    connection: app
    query: select x from t
    expect: { row_count: "{{vars.rows}}" }
  - id: not-empty
    kind: sql-check
    connection: app
    query: select x from t
    expect: { empty: "{{vars.none}}" }
  - id: pool-value
    kind: sql-check
    connection: app
    query: select count(*) + 2 from t
    expect: { value: "{{vars.pool}}" }
  - id: api
    kind: http-smoke
    base_url: http://127.0.0.1:${port}
    requests:
      - path: /state
        expect:
          status: "{{vars.status}}"
          json: { "$.pool": "{{vars.pool}}", "$.ready": "{{vars.ready}}", "$.name": main }
`;

describe('typed templates', () => {
  it('a number, integer or boolean field takes a template, converted when the step starts; expect compares by the type read', async () => {
    const ws = withDatabase();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('3'))], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const starts = ws.lastJournal().filter((e) => e.type === 'step-start');
    expect(starts[0]).toMatchObject({ inputs: { expect: { row_count: 3 } } });
    expect(starts[1]).toMatchObject({ inputs: { expect: { empty: false } } });
    expect(starts[3]).toMatchObject({ inputs: { requests: [{ expect: { status: 200 } }] } });
  });

  it('a value that does not convert fails the step before it starts, naming the field', async () => {
    const ws = withDatabase();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('three'))], { cwd: ws.dir });
    expect(r.code).toBe(1);
    const end = ws.lastJournal().find((e) => e.type === 'step-end');
    expect(end).toMatchObject({
      step: 'count-rows',
      status: 'failed',
      error: 'cannot render the step: field "expect.row_count" must be a whole number, but {{vars.rows}} rendered as "three"',
    });
  });

  it("a converted value is checked against the field's schema (a negative row count)", async () => {
    const ws = withDatabase();
    const r = await runCli(['exec', ws.write('plan.yaml', plan('-1'))], { cwd: ws.dir });
    expect(r.code).toBe(1);
    const end = ws.lastJournal().find((e) => e.type === 'step-end');
    expect(end).toMatchObject({
      step: 'count-rows',
      status: 'failed',
      error: 'cannot render the step: field "expect.row_count": {{vars.rows}} rendered as "-1", which must be >= 0',
    });
  });

  it('validate still refuses a literal of the wrong type', async () => {
    const ws = withDatabase();
    const r = await runCli(['validate', ws.write('plan.yaml', plan('3').replace('row_count: "{{vars.rows}}"', 'row_count: three'))], {
      cwd: ws.dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"row_count" in step "count-rows" has an invalid value "three"');
  });
});
