import { defineStepKind, type StepResult } from './kind.js';

/** The fields of a `note` step, rendered. */
export interface NoteSpec {
  readonly message: string;
}

/** Records a message for the operator; the run's report lists it under "Notes". */
export const note = defineStepKind<NoteSpec>({
  kind: 'note',
  summary: 'Records a message for the operator in the run report (e.g. which backup to keep and until when); changes nothing.',
  schema: {
    properties: {
      message: {
        type: 'string',
        minLength: 1,
        description: 'The message for the operator, shown in the progress output and in the "Notes" section of the run report.',
        examples: ['Keep the backup until production is stable'],
      },
    },
    required: ['message'],
  },
  outputs: () => [],
  describe: (spec, ctx) => [{ label: 'note', text: ctx.mask(spec.message) }],
  async run(spec, ctx): Promise<StepResult> {
    const message = ctx.mask(spec.message);
    ctx.output(message);
    return { ok: true, outputs: {}, note: message };
  },
});
