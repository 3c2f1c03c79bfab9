import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { InvalidRequestError } from '../backup-sharing.errors';

/** Deeper than any body of the API (they nest 3 levels), far shallower than the stack allows. */
export const MAX_BODY_DEPTH = 32;

/** Whether `value` nests objects or arrays deeper than `max`; iterative, so any depth is safe. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
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
