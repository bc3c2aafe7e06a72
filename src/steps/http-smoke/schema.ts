import { durationSchema } from '../../core/duration.js';
import type { SchemaObject } from '../../core/json.js';

const duration: SchemaObject = { anyOf: durationSchema.anyOf };

const stringOrList: SchemaObject = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};

const regex: SchemaObject = {
  type: 'object',
  properties: { matches: { type: 'string', minLength: 1, description: 'A JavaScript regular expression.' } },
  required: ['matches'],
  additionalProperties: false,
};

const onlyOneBody: SchemaObject = { not: {}, description: 'A request has one body at most: json, form or body.' };

const expectSchema: SchemaObject = {
  type: 'object',
  description: 'What the response must look like. Without status, any 2xx passes.',
  additionalProperties: false,
  properties: {
    status: {
      description: 'The expected status, or a list of accepted ones; default any 2xx.',
      anyOf: [
        { type: 'integer', minimum: 100, maximum: 599 },
        { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1 },
      ],
    },
    body_contains: { ...stringOrList, description: 'Text (or texts) the body must contain.' },
    body_not_contains: { ...stringOrList, description: 'Text (or texts) the body must not contain, e.g. Traceback.' },
    json: {
      type: 'object',
      description:
        'JSONPath -> expected value, {matches: regex} or {exists: true|false}. Text is compared by the type of the value read ("5", e.g. from "{{vars.pool}}", matches the number 5; "true" matches true); otherwise values compare strictly. A path matching several values is compared as their list.',
      additionalProperties: {},
    },
    headers: {
      type: 'object',
      description: 'Response header name -> exact value or {matches: regex}.',
      additionalProperties: { anyOf: [{ type: 'string' }, regex] },
    },
  },
};

const requestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  // One body at most: a second one is refused where it is written, with a message saying why.
  dependentSchemas: {
    json: { properties: { form: onlyOneBody, body: onlyOneBody } },
    form: { properties: { body: onlyOneBody } },
  },
  properties: {
    name: { type: 'string', minLength: 1, description: 'A name for messages and for outputs.<name>.request.' },
    method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], description: 'HTTP method; default GET.' },
    path: { type: 'string', minLength: 1, description: 'Path under base_url (e.g. /api/auth/me), or a full http(s) URL.' },
    headers: { type: 'object', description: 'Request headers; values are masked in messages.', additionalProperties: { type: 'string' } },
    json: { description: 'A body sent as JSON (content-type application/json). Only one of json, form, body.' },
    form: {
      type: 'object',
      description: 'A body sent URL-encoded (application/x-www-form-urlencoded). Only one of json, form, body.',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    body: { type: 'string', description: 'A raw body, sent as is. Only one of json, form, body.' },
    timeout: { ...duration, description: 'How long to wait for the response; default 30s.' },
    follow_redirects: {
      type: 'boolean',
      description: 'Follow 3xx redirects (cookies of every hop are kept); default false, so a 302 can be asserted.',
    },
    expect: expectSchema,
  },
};

/** The `http-smoke` step's own fields. */
export const httpSmokeProperties: { readonly [k: string]: SchemaObject } = {
  base_url: {
    type: 'string',
    pattern: '^(https?://|\\{\\{)',
    description: 'Where the app answers, e.g. http://127.0.0.1:5050 (or a template giving one); request paths are appended.',
  },
  wait_until_up: {
    type: 'object',
    description:
      'Before the requests, poll path until it answers 2xx; a failed connection or 503 means not up yet, any other answer fails the step at once.',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'Path to poll, e.g. /health.' },
      timeout: { ...duration, description: 'Give up after this long; default 60s.' },
      interval: { ...duration, description: 'Longest pause between tries (they start at 250ms and double); default 2s.' },
    },
  },
  requests: {
    type: 'array',
    description: 'Requests sent in order with one cookie session; the first that fails stops the step.',
    examples: [[{ name: 'health', path: '/health', expect: { status: 200, body_not_contains: 'Traceback' } }]],
    items: requestSchema,
  },
  outputs: {
    type: 'object',
    description:
      'Named values taken from a response for later steps: NAME: {request: name or 1-based position, json: JSONPath | header: name}.',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$', not: { const: 'results' } },
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      required: ['request'],
      properties: {
        request: {
          anyOf: [
            { type: 'string', minLength: 1 },
            { type: 'integer', minimum: 1 },
          ],
          description: "The request's name or 1-based position.",
        },
        json: { type: 'string', minLength: 1, description: 'JSONPath into the response body; one match gives its value, several a list.' },
        header: { type: 'string', minLength: 1, description: 'A response header to take instead.' },
      },
      oneOf: [{ required: ['json'] }, { required: ['header'] }],
    },
  },
};
