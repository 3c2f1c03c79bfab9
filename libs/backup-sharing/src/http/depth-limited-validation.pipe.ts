import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { InvalidRequestError } from '../backup-sharing.errors';

/** Deeper than any body of the API (they nest 3 levels), far shallower than the stack allows. */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether `test` holds for every object and array in `value` (itself included), given its depth
 * (1 for `value`); stops at the first that fails. Iterative, so any depth is safe.
 */
export function everyObjectIn(value: unknown, test: (object: object, depth: number) => boolean): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (!test(current, depth)) return false;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return true;
}

/** Whether `value` nests objects or arrays deeper than `max`. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  return !everyObjectIn(value, (_, depth) => depth <= max);
}

/**
 * `ValidationPipe` that first refuses a body nested deeper than `MAX_BODY_DEPTH` with a 400:
 * class-transformer walks bodies recursively, and a 60 KB body of nested arrays (well under the
 * size limit) would overflow the stack and end as a 500.
 */
export class DepthLimitedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && nestsDeeperThan(value, MAX_BODY_DEPTH)) {
      throw new InvalidRequestError(`The request body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep.`);
    }
    return super.transform(value, metadata);
  }
}
