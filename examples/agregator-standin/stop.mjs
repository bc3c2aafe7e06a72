#!/usr/bin/env node
// Stops the stand-in of an app directory: node stop.mjs --dir <app dir>. Succeeds when none runs.
import { loadConfigOrExit } from './config.mjs';
import { stopInstance } from './instance.mjs';

const config = loadConfigOrExit();
const result = await stopInstance(config.pidFile);
console.log(
  result.stopped ? `stopped the stand-in (pid ${result.pid})` : `the stand-in was not running (no live process in ${config.pidFile})`,
);
