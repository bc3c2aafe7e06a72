#!/usr/bin/env node
// Restarts the stand-in of an app directory and waits until the new process answers:
//   node restart.mjs --dir <app dir> [--port N] [--wait SECONDS]
// The new process inherits this one's environment, as a restart command's child does: a
// DATABASE_URL exported here beats the one in .env. Exit 0 once the new process answers the public
// GET /api/login-backgrounds; exit 1 with the reason otherwise.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit, redactUrl } from './config.mjs';
import { isAlive, logTail, stopInstance } from './instance.mjs';

const config = loadConfigOrExit();
const waitMs = config.waitSeconds * 1000;

const previous = await stopInstance(config.pidFile);
if (previous.stopped) console.log(`stopped the stand-in (pid ${previous.pid})`);

const log = openSync(config.logFile, 'a');
const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url)), '--dir', config.dir, ...config.portArgs], {
  cwd: config.dir,
  detached: true,
  stdio: ['ignore', log, log],
});
child.unref();

const pidInFile = () => {
  try {
    return Number(readFileSync(config.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
};

let lastAnswer = 'no answer';
for (let waited = 0; waited < waitMs; waited += 200) {
  await sleep(200);
  if (!isAlive(child.pid)) {
    console.error(`the stand-in exited during start-up; last lines of ${config.logFile}:\n${logTail(config.logFile)}`);
    process.exit(1);
  }
  try {
    const response = await fetch(`http://127.0.0.1:${config.port}/api/login-backgrounds`, { signal: AbortSignal.timeout(2000) });
    lastAnswer = `${response.status}`;
    // The pid file makes sure it is the new process answering, not some other one on the port.
    if (response.ok && pidInFile() === child.pid) {
      const database = config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : `postgresql: ${redactUrl(config.databaseUrl)}`;
      console.log(`the stand-in is up on http://127.0.0.1:${config.port} (pid ${child.pid}, ${database})`);
      process.exit(0);
    }
  } catch (error) {
    lastAnswer = error.cause?.code ?? error.message;
  }
}
console.error(
  `the stand-in (pid ${child.pid}) did not answer within ${waitMs / 1000} s (last answer: ${lastAnswer}); ` +
    `it is left running for inspection, stop it with stop.mjs; last lines of ${config.logFile}:\n${logTail(config.logFile)}`,
);
process.exit(1);
