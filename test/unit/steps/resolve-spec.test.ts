import { describe, expect, expectTypeOf, it } from 'vitest';
import { withSchemaDefaults } from '../../../src/steps/resolve-spec.js';

interface Spec {
  readonly name: string;
  readonly mode?: 'fast' | 'slow';
  readonly limit?: number;
  readonly tags?: readonly string[];
  readonly retry?: { readonly times?: number; readonly delay?: string };
  readonly note?: string;
}

const properties = {
  name: { type: 'string' },
  mode: { enum: ['fast', 'slow'], default: 'slow' },
  limit: { type: 'integer', default: 0 },
  tags: { type: 'array', items: { type: 'string' }, default: ['a'] },
  retry: { type: 'object', properties: { times: { type: 'integer', default: 3 }, delay: { type: 'string' } } },
  note: { type: 'string' },
};

describe('withSchemaDefaults', () => {
  it('fills every missing field that has a default, and only those', () => {
    const resolved = withSchemaDefaults<Spec, typeof properties>({ name: 'x' }, properties);
    expect(resolved).toEqual({ name: 'x', mode: 'slow', limit: 0, tags: ['a'] });
    expect('note' in resolved).toBe(false);
  });

  it('keeps given values, falsy ones included', () => {
    const spec: Spec = { name: 'x', mode: 'fast', limit: 0, tags: [], note: '' };
    expect(withSchemaDefaults(spec, properties)).toEqual({ name: 'x', mode: 'fast', limit: 0, tags: [], note: '' });
  });

  it("fills a given nested object's fields from the nested schema", () => {
    expect(withSchemaDefaults<Spec, typeof properties>({ name: 'x', retry: { delay: '1s' } }, properties).retry).toEqual({
      times: 3,
      delay: '1s',
    });
  });

  it('leaves the spec and the schema unchanged, and gives each spec its own copy of a default', () => {
    const spec: Spec = { name: 'x', retry: {} };
    const first = withSchemaDefaults(spec, properties);
    expect(spec).toEqual({ name: 'x', retry: {} });
    (first.tags as string[]).push('b');
    expect(properties.tags.default).toEqual(['a']);
    expect(withSchemaDefaults(spec, properties).tags).toEqual(['a']);
  });

  it('makes the defaulted fields required in the type', () => {
    const resolved = withSchemaDefaults<Spec, typeof properties>({ name: 'x' }, properties);
    expectTypeOf(resolved.mode).toEqualTypeOf<'fast' | 'slow'>();
    expectTypeOf(resolved.limit).toEqualTypeOf<number>();
    expectTypeOf(resolved.note).toEqualTypeOf<string | undefined>();
  });
});
