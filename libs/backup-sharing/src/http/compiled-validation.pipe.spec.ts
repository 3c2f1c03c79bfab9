import { ArgumentMetadata, Type } from '@nestjs/common';
import { ValidationError } from 'class-validator';
import fc from 'fast-check';
import { CancelBackupSharingsQuery, CancelSharingQuery } from '../dto/cancel-sharing.query';
import { ListSharingsQuery, SharingFiltersQuery } from '../dto/list-sharings.query';
import { ShareBackupRequest } from '../dto/share-backup.request';
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
      await compiled.transform({ shared: { backup_id: UUID, to_project_ids: ['p'] } }, { type: 'body', metatype: ShareBackupRequest, data: undefined });
      expect(full).toHaveBeenCalledTimes(3);
    } finally {
      full.mockRestore();
    }
  });

  it('compiles no check for a class with nested validation', () => {
    expect(compileChecks(ShareBackupRequest)).toBeUndefined();
    expect(compileChecks(ListSharingsQuery)).toBeInstanceOf(Function);
  });
});
