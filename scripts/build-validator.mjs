// Compiles the plan schema into a standalone validator at build time, so `runbook validate`
// does not pay for compiling the schema at every start. Run after tsc (npm run build does).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js');
const standaloneCode = require('ajv/dist/standalone').default;
const { planSchema } = await import('../dist/plan/validate.js');
const { createStepKindRegistry } = await import('../dist/steps/index.js');
const { ajvOptions } = await import('../dist/plan/check-schema.js');

const schema = planSchema(createStepKindRegistry());
const ajv = new Ajv2020({ ...ajvOptions, code: { source: true } });
const code = standaloneCode(ajv, ajv.compile(schema));
const hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
writeFileSync(
  new URL('../dist/plan/plan-validator.cjs', import.meta.url),
  `${code}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`,
);
