#!/usr/bin/env node
// Restarts the stand-in of an app directory and waits until it is healthy:
//   node restart.mjs --dir <app dir> [--port N] [--wait SECONDS]
// Exit 0 once GET /health answers 200 from the new process; exit 1 with the reason otherwise.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from './config.mjs';
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

let lastAnswer = 'no answer';
for (let waited = 0; waited < waitMs; waited += 200) {
  await sleep(200);
  if (!isAlive(child.pid)) {
    console.error(`the stand-in exited during start-up; last lines of ${config.logFile}:\n${logTail(config.logFile)}`);
    process.exit(1);
  }
  try {
    const response = await fetch(`http://127.0.0.1:${config.port}/health`, { signal: AbortSignal.timeout(2000) });
    const health = await response.json();
    lastAnswer = `${response.status} ${JSON.stringify(health.database)}`;
    // The pid check makes sure it is the new process answering, not some other one on the port.
    if (response.ok && health.pid === child.pid) {
      console.log(`the stand-in is up on http://127.0.0.1:${config.port} (pid ${child.pid}, ${health.database.dialect}, ${health.database.files} files)`);
      process.exit(0);
    }
  } catch (error) {
    lastAnswer = error.cause?.code ?? error.message;
  }
}
console.error(
  `the stand-in (pid ${child.pid}) did not become healthy within ${waitMs / 1000} s (last /health answer: ${lastAnswer}); ` +
    `it is left running for inspection, stop it with stop.mjs; last lines of ${config.logFile}:\n${logTail(config.logFile)}`,
);
process.exit(1);
