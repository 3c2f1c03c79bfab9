import { Transform } from 'class-transformer';

const BOOLEAN_VALUES: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

/**
 * Parses a boolean query value (`true`/`false`/`1`/`0`, any case). Anything else is kept as it
 * was so that `@IsBoolean()` rejects it with a 400 instead of silently meaning `false`.
 */
export function QueryBoolean(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && value.toLowerCase() in BOOLEAN_VALUES ? BOOLEAN_VALUES[value.toLowerCase()] : value,
  );
}

/**
 * Parses an integer query value written in plain decimal digits, without leading zeros (`01` may
 * be octal or a typo to a client's eye); anything else (`1e3`, `0x10`, ` 5`, `01`) is kept for
 * `@IsInt()` to reject.
 */
export function QueryInteger(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' && /^(?:0|-?[1-9]\d{0,15})$/.test(value) ? Number(value) : value));
}
