// Engine overhead per step: a plan of 200 `shell` steps running /bin/true (journal, run directory
// and progress output on, as a user runs it) against a bash loop running /bin/true 200 times.
// Run: npm run build && node bench/exec-overhead.mjs   (target: under 3.5x the bash loop)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.env.ROUNDS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-exec-'));
const plan = join(dir, 'true-200.yaml');
const steps = Array.from(
  { length: 200 },
  (_, i) => `  - id: step-${i + 1}\n    kind: shell\n    title: Step ${i + 1}\n    run: [/bin/true]`,
);
writeFileSync(plan, `version: 1\nname: true-200\nsteps:\n${steps.join('\n')}\n`);
const bin = fileURLToPath(new URL('../bin/runbook.js', import.meta.url));

const time = (file, args, options = {}) => {
  const t0 = process.hrtime.bigint();
  execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spawner = join(dir, 'spawn-200.mjs');
writeFileSync(
  spawner,
  "import { spawn } from 'node:child_process';\nfor (let i = 0; i < 200; i++) await new Promise((r) => spawn('/bin/true', [], { stdio: ['ignore', 'pipe', 'pipe'] }).on('exit', r));\n",
);
const loop = [];
const bare = [];
const runbook = [];
for (let i = 0; i < rounds; i++) {
  loop.push(time('bash', ['-c', 'for i in $(seq 200); do /bin/true; done']));
  bare.push(time(process.execPath, [spawner]));
  runbook.push(time(process.execPath, [bin, 'exec', plan], { cwd: dir, env: { ...process.env, CI: '1' } }));
  rmSync(join(dir, '.runbook'), { recursive: true, force: true });
}
const l = median(loop);
const b = median(bare);
const r = median(runbook);
console.log(`bash loop, 200 x /bin/true:          ${l.toFixed(0)} ms (median of ${rounds})`);
console.log(`bare Node script spawning 200:       ${b.toFixed(0)} ms (${(b / l).toFixed(2)}x the loop: the floor for any Node runner)`);
console.log(
  `runbook exec, 200 shell steps:       ${r.toFixed(0)} ms (journal written per event and synced in the background before each step; plain progress)`,
);
console.log(`ratio: ${(r / l).toFixed(2)}x the bash loop (target < 3.5x); ${((r - l) / 200).toFixed(2)} ms engine overhead per step`);
