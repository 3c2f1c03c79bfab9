import { ArgumentMetadata, Type } from '@nestjs/common';
import { ValidationError } from 'class-validator';
import fc from 'fast-check';
import { CancelBackupSharingsQuery, CancelSharingQuery } from '../dto/cancel-sharing.query';
import { ListSharingsQuery, SharingFiltersQuery } from '../dto/list-sharings.query';
import { ShareBackupFields, ShareBackupRequest } from '../dto/share-backup.request';
import { CompiledValidationPipe, compileChecks } from './compiled-validation.pipe';
import { DepthLimitedValidationPipe } from './depth-limited-validation.pipe';

const options = {
  transform: true,
  exceptionFactory: (errors: ValidationError[]) => new Error(JSON.stringify(errors.map((error) => [error.property, error.constraints]))),
};
const compiled = new CompiledValidationPipe(options);
const reference = new DepthLimitedValidationPipe(options);

type Outcome = { entity: unknown; type: unknown } | { error: string };
async function outcome(pipe: DepthLimitedValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<Outcome> {
  try {
    const entity = await pipe.transform(structuredClone(value), metadata);
    return { entity: { ...(entity as object) }, type: (entity as object).constructor };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The instances' classes too: `toEqual` alone takes an object for an instance with the same fields. */
async function bodyOutcome(pipe: DepthLimitedValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
  try {
    const entity = (await pipe.transform(value, metadata)) as { shared?: unknown };
    return { entity: JSON.parse(JSON.stringify(entity)), types: [entity.constructor, (entity.shared as object | undefined)?.constructor] };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const UUID = '066b1e37-9305-4057-97e5-2e99b21fc71d';
const KEYS = [
  'share_to_me', 'backup_id', 'from_project_id', 'to_project_id', 'volume_id', 'status', 'availability_zone', 'avalilability_zone',
  'name', 'sort_key', 'sort_dir', 'limit', 'offset', 'marker', 'is_backup_id', 'unknown',
];
const VALUES = [
  'true', 'false', '1', '0', 'TRUE', 'yes', '', 'created_at', 'size', 'asc', 'desc', 'up', '100', '-1', '1000', '1001', '1e3', '0x10',
  ' 5', '2147483648', UUID, UUID.toUpperCase(), 'not-a-uuid', 'abc_DEF-1', 'a/b', 'x'.repeat(40), 'y'.repeat(300), 'Ärger',
];
const value = fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 8 }), fc.array(fc.constantFrom(...VALUES), { minLength: 2, maxLength: 2 }));
const query = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 });
// Share bodies as JSON text, valid or not: every field missing, mistyped, repeated in an array,
// nested, or a key the full pipe strips, at any level.
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(UUID, UUID.toUpperCase(), 'not-a-uuid', 'p-1', 'abc_DEF', 'a/b', '', 'x'.repeat(65), null, true, 0, 12.5),
    fc.array(fc.constantFrom('p-1', 'p_2', 'a/b', '', 'x'.repeat(65), 7, null), { maxLength: 12 }),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('backup_id', 'to_project_ids', 'shared', 'constructor', 'prototype', 'x'), tie('any'), { maxKeys: 3 }),
  ),
})).any;
const fields = fc.record(
  {
    backup_id: fc.oneof(fc.constantFrom(UUID, UUID.toUpperCase(), 'not-a-uuid'), json),
    to_project_ids: fc.oneof(fc.array(fc.constantFrom('p-1', 'p_2', 'a/b', 'x'.repeat(64), 'x'.repeat(65)), { maxLength: 12 }), json),
    extra: json,
  },
  { requiredKeys: [] },
);
const validFields = fc.record({
  backup_id: fc.constantFrom(UUID, UUID.toUpperCase()),
  to_project_ids: fc.array(fc.oneof({ arbitrary: fc.constantFrom('p-1', 'p_2', 'x'.repeat(64)), weight: 30 }, { arbitrary: fc.constant('a/b'), weight: 1 }), {
    minLength: 1,
    maxLength: 11,
  }),
});
const shareBody = fc
  .oneof(fc.record({ shared: validFields }), fc.record({ shared: validFields, other: json }), fc.record({ shared: fields }), fc.record({ shared: fc.oneof(json, fc.array(fields, { maxLength: 2 })) }, { requiredKeys: [] }), fc.record({ shared: fields, other: json }))
  .chain((body) => {
    const text = JSON.stringify(body);
    /** `text` with `key: value` first in the object that `opening` begins. */
    const withKey = (opening: string, key: string) => text.replace(opening, (open) => `${open}${key}${text[text.indexOf(opening) + opening.length] === '}' ? '' : ','}`);
    // The keys a JSON parser makes own properties of, which the full pipe strips.
    return fc.oneof(
      { arbitrary: fc.constant(text), weight: 3 },
      { arbitrary: fc.constantFrom(withKey('{', '"__proto__":{"x":1}'), withKey('"shared":{', '"__proto__":null'), withKey('"shared":{', '"constructor":"x"')), weight: 1 },
    );
  });
const CLASSES: Type<unknown>[] = [ListSharingsQuery, SharingFiltersQuery, CancelSharingQuery, CancelBackupSharingsQuery];

describe('CompiledValidationPipe', () => {
  it('answers every query exactly as the full validation pipe does: the same instance, or the same errors', async () => {
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom(...CLASSES), async (input, metatype) => {
        const metadata: ArgumentMetadata = { type: 'query', metatype, data: undefined };
        expect(await outcome(compiled, input, metadata)).toEqual(await outcome(reference, input, metadata));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers every body exactly as the full validation pipe does: the same instances, or the same errors', async () => {
    const metadata: ArgumentMetadata = { type: 'body', metatype: ShareBackupRequest, data: undefined };
    const full = jest.spyOn(DepthLimitedValidationPipe.prototype, 'transform');
    let runs = 0;
    try {
      await fc.assert(
        fc.asyncProperty(shareBody, async (json) => {
          runs++;
          // Each pipe gets its own parse, as each request does: the full pipe strips keys in place.
          const [fast, slow] = await Promise.all([bodyOutcome(compiled, JSON.parse(json), metadata), bodyOutcome(reference, JSON.parse(json), metadata)]);
          expect(fast).toEqual(slow);
        }),
        { numRuns: 3000 },
      );
      // The reference pipe takes the full path every time; the compiled one only for what it cannot settle.
      const settledFast = runs - (full.mock.calls.length - runs);
      expect(settledFast).toBeGreaterThan(runs * 0.05);
    } finally {
      full.mockRestore();
    }
  });

  it('settles a valid share body without the full pipe', async () => {
    const full = jest.spyOn(DepthLimitedValidationPipe.prototype, 'transform');
    try {
      const metadata: ArgumentMetadata = { type: 'body', metatype: ShareBackupRequest, data: undefined };
      const entity = (await compiled.transform({ shared: { backup_id: UUID, to_project_ids: ['p-1', 'p_2'] } }, metadata)) as ShareBackupRequest;
      expect(entity).toBeInstanceOf(ShareBackupRequest);
      expect(entity.shared).toBeInstanceOf(ShareBackupFields);
      expect(entity.shared).toEqual({ backup_id: UUID, to_project_ids: ['p-1', 'p_2'] });
      expect(full).not.toHaveBeenCalled();
      // Invalid, and not plain JSON (a key the full pipe strips, an array for the object): the full way.
      await expect(compiled.transform({ shared: { backup_id: UUID, to_project_ids: ['a/b'] } }, metadata)).rejects.toThrow(/shared/);
      await compiled.transform(JSON.parse(`{"shared": {"backup_id": "${UUID}", "to_project_ids": ["p"], "__proto__": {}}}`), metadata);
      await compiled.transform({ shared: [{ backup_id: UUID, to_project_ids: ['p'] }] }, metadata).catch(() => undefined);
      expect(full).toHaveBeenCalledTimes(3);
    } finally {
      full.mockRestore();
    }
  });

  it('settles a valid query of strings without the full pipe, and leaves the rest to it', async () => {
    const full = jest.spyOn(DepthLimitedValidationPipe.prototype, 'transform');
    try {
      const metadata: ArgumentMetadata = { type: 'query', metatype: ListSharingsQuery, data: undefined };
      const entity = await compiled.transform({ limit: '100', share_to_me: 'TRUE', sort_key: 'name', marker: UUID }, metadata);
      expect(entity).toBeInstanceOf(ListSharingsQuery);
      expect(entity).toMatchObject({ limit: 100, share_to_me: true, sort_key: 'name', marker: UUID });
      expect(full).not.toHaveBeenCalled();
      // Invalid, repeated (an array) and body values go the full way.
      await expect(compiled.transform({ limit: '0' }, metadata)).rejects.toThrow(/limit/);
      await compiled.transform({ name: ['a', 'b'] }, metadata).catch(() => undefined);
      expect(full).toHaveBeenCalledTimes(2);
    } finally {
      full.mockRestore();
    }
  });

  it('compiles no check for a class without rules (class-validator refuses its instances as unknown values)', () => {
    class NoRules {}
    expect(compileChecks(NoRules)).toBeUndefined();
    expect(compileChecks(ShareBackupRequest)).toBeInstanceOf(Function);
    expect(compileChecks(ListSharingsQuery)).toBeInstanceOf(Function);
  });
});
