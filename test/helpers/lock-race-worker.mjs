// One of two processes racing for a workspace lock (test/integration/run/lock.test.ts).
// Takes and releases the lock until a deadline; inside, it creates a marker file exclusively:
// finding the marker there means the other process is inside too, i.e. the lock broke.
import { closeSync, existsSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [lockModule, dir, ms] = process.argv.slice(2);
const { acquireLock } = await import(lockModule);
while (!existsSync(join(dir, 'go'))) await new Promise((r) => setTimeout(r, 5));
const deadline = Date.now() + Number(ms);
const counts = { acquisitions: 0, breaks: 0, refusals: 0, wrongStates: 0 };
const inside = join(dir, 'inside');
for (let i = 0; Date.now() < deadline; i++) {
  const lock = acquireLock(dir, `race-${process.pid}-${i}`);
  if (!lock.ok) {
    counts.refusals++;
    // The other process is alive: any other verdict would let a caller take a live lock.
    if (lock.state !== undefined && lock.state !== 'running') counts.wrongStates++;
    continue;
  }
  counts.acquisitions++;
  try {
    closeSync(openSync(inside, 'wx'));
    // A little work inside, as a real holder does, so an intruder has a moment to show up.
    readdirSync(dir);
    rmSync(inside);
  } catch {
    counts.breaks++;
  }
  lock.release();
}
process.stdout.write(JSON.stringify(counts));
