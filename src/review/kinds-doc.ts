import { planSchema } from '../plan/validate.js';
import type { AnyStepKind, StepKindRegistry } from '../steps/kind.js';
import type { SchemaObject } from '../core/json.js';
import { kindExample } from './kind-example.js';
import { kindFields, type KindField } from './kind-fields.js';

/** Fields every step has (id, when, timeout, rollback, ...), read from the plan schema's branch of a kind. */
export function commonFields(kind: AnyStepKind, kinds: StepKindRegistry): KindField[] {
  const step = (planSchema(kinds).$defs as Record<string, SchemaObject>)[`step-${kind.kind}`]!;
  const own = new Set([...Object.keys(kind.schema.properties), 'kind', 'raw']);
  const properties = Object.fromEntries(Object.entries(step.properties as Record<string, SchemaObject>).filter(([name]) => !own.has(name)));
  return kindFields({ properties, required: ['id'] });
}

/** The kind's own fields, with `raw` for kinds that run shell code. */
function ownFields(kind: AnyStepKind, kinds: StepKindRegistry): KindField[] {
  const step = (planSchema(kinds).$defs as Record<string, SchemaObject>)[`step-${kind.kind}`]!;
  const raw = (step.properties as Record<string, SchemaObject>).raw;
  return kindFields({ properties: { ...kind.schema.properties, ...(raw && { raw }) }, required: kind.schema.required ?? [] });
}

const undoText = (kind: AnyStepKind) =>
  kind.undo
    ? `undoes itself at rollback: ${kind.undoSummary ?? 'built-in undo'}`
    : 'does not undo itself: give the step a `rollback:` list';

/** `runbook kinds`: one line per kind with what it does. */
export function kindListText(kinds: readonly AnyStepKind[]): string {
  const width = Math.max(...kinds.map((k) => k.kind.length));
  return `${kinds.map((k) => `${k.kind.padEnd(width)}  ${k.summary}`).join('\n')}\n\nrunbook kinds NAME shows a kind's fields, defaults and an example.\n`;
}

function fieldText(f: KindField): string[] {
  const depth = f.name.split(/\.|\[\]\./).length - 1;
  const facts = [f.type, ...(f.required ? ['required'] : []), ...(f.default !== undefined ? [`default ${f.default}`] : [])].join(', ');
  const indent = '  '.repeat(depth + 1);
  return [`${indent}${f.name}: ${facts}`, ...(f.description ? [`${indent}    ${f.description}`] : [])];
}

/** `runbook kinds NAME`: what the kind does, its fields with types and defaults, whether it undoes itself, an example. */
export function kindText(kind: AnyStepKind, registry: StepKindRegistry): string {
  const common = commonFields(kind, registry)
    .filter((f) => !f.name.includes('.'))
    .map((f) => f.name);
  return [
    `${kind.kind}: ${kind.summary}`,
    '',
    `It ${undoText(kind)}.`,
    '',
    'Fields:',
    ...ownFields(kind, registry).flatMap(fieldText),
    '',
    `Every step also takes: ${common.join(', ')} (docs/step-kinds.md describes them).`,
    '',
    'Example:',
    ...kindExample(kind)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
    '',
  ].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldTable(fields: readonly KindField[]): string[] {
  return [
    '| field | type | required | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...fields.map(
      (f) =>
        `| \`${f.name}\` | ${cell(f.type)} | ${f.required ? 'yes' : ''} | ${f.default !== undefined ? cell(`\`${f.default}\``) : ''} | ${cell(f.description)} |`,
    ),
  ];
}

/** docs/step-kinds.md: every kind with its fields, defaults and an example, generated from the kinds' schemas. */
export function kindsMarkdown(registry: StepKindRegistry, kinds: readonly AnyStepKind[] = registry.all()): string {
  const lines = [
    '# Step kinds',
    '',
    "<!-- Generated from the step kinds' schemas by `node bin/runbook.js kinds --format markdown > docs/step-kinds.md`; do not edit by hand. -->",
    '',
    '| kind | does | undoes itself |',
    '| --- | --- | --- |',
    ...kinds.map((k) => `| [\`${k.kind}\`](#${k.kind}) | ${cell(k.summary)} | ${k.undo ? cell(k.undoSummary ?? 'yes') : '—'} |`),
    '',
    '## Fields of every step',
    '',
    ...fieldTable(kinds[0] ? commonFields(kinds[0], registry) : []),
    '',
  ];
  for (const k of kinds) {
    lines.push(
      `## ${k.kind}`,
      '',
      k.summary,
      '',
      `It ${undoText(k)}.`,
      '',
      ...fieldTable(ownFields(k, registry)),
      '',
      '```yaml',
      kindExample(k).trimEnd(),
      '```',
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
