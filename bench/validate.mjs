// How much `runbook validate` adds to Node's own start-up, on a 200-step plan.
// Run: npm run build && node bench/validate.mjs   (prints medians and the difference; target < 150 ms)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.env.ROUNDS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
const plan = join(dir, 'plan-200.yaml');
const steps = [];
for (let i = 1; i <= 200; i++) {
  const kind = i % 4;
  if (kind === 0)
    steps.push(
      `  - id: check-${i}\n    kind: sql-check\n    title: Check ${i}\n    connection: db\n    query: select count(*) from t${i}\n    expect: { value: 0 }`,
    );
  else
    steps.push(
      `  - id: step-${i}\n    kind: shell\n    title: Step ${i}\n    run: echo {{vars.name}} {{now "yyyyMMdd"}} ${i > 1 ? `{{steps.step-${i - (i % 4 === 1 ? 2 : 1)}.outputs.stdout}}` : ''}\n    timeout: 30s\n    rollback:\n      - kind: shell\n        run: echo undo ${i} {{vars.name}}`,
    );
}
writeFileSync(
  plan,
  `version: 1\nname: bench\nvars:\n  name: { default: x }\n  url: { default: "postgresql://u:p@localhost/db", secret: true }\nconnections:\n  db: { postgres: "{{vars.url}}" }\nsteps:\n${steps.join('\n')}\n`,
);

const bin = fileURLToPath(new URL('../bin/runbook.js', import.meta.url));
const time = (args) => {
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'pipe' });
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = [];
const validate = [];
time([bin, 'validate', plan]); // warm the file cache once
for (let i = 0; i < rounds; i++) {
  bare.push(time(['-e', '0']));
  validate.push(time([bin, 'validate', plan]));
}
const b = median(bare);
const v = median(validate);
console.log(`node -e 0:                   ${b.toFixed(1)} ms (median of ${rounds})`);
console.log(`runbook validate (200 steps): ${v.toFixed(1)} ms`);
console.log(`added over bare Node:        ${(v - b).toFixed(1)} ms (target < 150 ms); ratio ${(v / b).toFixed(2)}x`);
