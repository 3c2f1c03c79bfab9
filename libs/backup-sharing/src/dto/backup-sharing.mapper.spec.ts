import fc from 'fast-check';
import { formatTimestamp } from './backup-sharing.mapper';

describe('formatTimestamp', () => {
  it('writes naive UTC with six fraction digits', () => {
    expect(formatTimestamp(new Date('2017-08-22T08:43:16.699Z'))).toBe('2017-08-22T08:43:16.699000');
    expect(formatTimestamp(new Date('0999-01-02T03:04:05.006Z'))).toBe('0999-01-02T03:04:05.006000');
    expect(formatTimestamp(null)).toBeNull();
    expect(formatTimestamp(undefined)).toBeNull();
  });

  it('says what toISOString says, to the millisecond, for any date', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        expect(formatTimestamp(date)).toBe(`${date.toISOString().slice(0, 23)}000`);
      }),
      { numRuns: 5000 },
    );
  });

  it('fails on an invalid date as toISOString does', () => {
    expect(() => formatTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
