#!/usr/bin/env node
// A stand-in for the Agregator web app: its settings, access gate, start-up writes and the JSON
// API that the SQLite -> PostgreSQL runbook uses, in plain Node. Start: node server.mjs --dir <app dir>
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { sessionCookies } from './auth.mjs';
import { loadConfigOrExit, redactUrl, sqlitePath } from './config.mjs';
import { openDatabase } from './database.mjs';
import { gate } from './gate.mjs';
import { findRoute, sessionUser } from './routes.mjs';
import { backgroundJobs, startupWrites } from './startup.mjs';

const config = loadConfigOrExit();
const log = (line) => {
  const entry = `${new Date().toISOString()} ${line}\n`;
  appendFileSync(config.logFile, entry);
  if (process.stdout.isTTY) process.stdout.write(entry);
};

let db;
try {
  db = openDatabase(config.databaseUrl, config.dir);
  await startupWrites(db, config, log);
} catch (error) {
  log(`cannot open the database ${redactUrl(config.databaseUrl)}: ${error.message}`);
  process.exit(1);
}
const sessions = sessionCookies(config.secretKey);
const startJobs = backgroundJobs(db, log);
const context = {
  db,
  sessions,
  log,
  databaseUrl: redactUrl(config.databaseUrl),
  databasePath: db.dialect === 'sqlite' ? sqlitePath(config.databaseUrl, config.dir) : null,
  uploadFolder: join(config.dir, 'sample_library'),
};

const server = createServer(async (req, res) => {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  let reply;
  try {
    // _load_current_user: a session whose user cannot be read counts as none.
    const user = await sessionUser(db, sessions.userId(req.headers.cookie)).catch(() => undefined);
    reply = gate(method, url.pathname, req.headers, user !== undefined);
    if (!reply) {
      await startJobs();
      const route = findRoute(method, url.pathname);
      const body = method === 'POST' || method === 'PUT' ? await readJson(req) : undefined;
      if (!route) reply = { status: 404, body: { error: `no route ${method} ${url.pathname}` } };
      else if (body === invalidJson) reply = { status: 400, body: { error: 'request body must be JSON' } };
      else reply = await route.handler({ ...context, user, body, params: url.searchParams, id: route.id });
    }
  } catch (error) {
    log(`error in ${method} ${url.pathname}: ${error.message}`);
    reply = { status: 500, body: { error: 'database error', detail: error.message } };
  }
  const headers = {};
  if (reply.cookie) headers['set-cookie'] = reply.cookie;
  if (reply.location) headers.location = reply.location;
  if (reply.html !== undefined) res.writeHead(reply.status, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(reply.html);
  else if (reply.body === undefined) res.writeHead(reply.status, headers).end();
  else res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply.body));
  log(`${method} ${url.pathname} ${reply.status} ${Date.now() - started}ms`);
});

const invalidJson = Symbol('invalid JSON');
async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8'); // joined first: a Cyrillic letter may span two chunks
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return invalidJson;
  }
}

server.on('error', (error) => {
  log(`cannot listen on 127.0.0.1:${config.port}: ${error.message}`);
  process.exit(1);
});
server.listen(config.port, '127.0.0.1', () => {
  writeFileSync(config.pidFile, `${process.pid}\n`);
  log(`listening on http://127.0.0.1:${config.port} (pid ${process.pid}, ${db.dialect}: ${redactUrl(config.databaseUrl)})`);
});

async function shutdown(signal) {
  log(`${signal}: shutting down`);
  server.close();
  server.closeAllConnections();
  await db.close().catch(() => {});
  // Remove the pid file only if it is still ours (a newer instance may have replaced it).
  try {
    if (readFileSync(config.pidFile, 'utf8').trim() === String(process.pid)) rmSync(config.pidFile);
  } catch {
    // Another instance took the pid file over, or it is gone already.
  }
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
