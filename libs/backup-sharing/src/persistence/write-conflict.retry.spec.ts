import { QueryFailedError } from 'typeorm';
import { ConcurrentChangeError } from '../backup-sharing.errors';
import { isWriteConflict, retryWriteConflicts } from './write-conflict.retry';

const driverError = (fields: { code?: string; errno?: number }) => Object.assign(new Error('driver failure'), fields);
const queryFailed = (fields: { code?: string; errno?: number }) => new QueryFailedError('UPDATE x', [], driverError(fields));

describe('isWriteConflict', () => {
  it.each([
    ['an InnoDB deadlock or a Galera certification failure', queryFailed({ code: 'ER_LOCK_DEADLOCK', errno: 1213 })],
    ['a lock wait timeout', queryFailed({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })],
    ['errno 1213 without a mysql2 name', queryFailed({ errno: 1213 })],
    ['SQLite busy', queryFailed({ code: 'SQLITE_BUSY' })],
    ['a PostgreSQL serialization failure', queryFailed({ code: '40001' })],
    ['a PostgreSQL deadlock', queryFailed({ code: '40P01' })],
    ['a bare driver error', driverError({ code: 'ER_LOCK_DEADLOCK' })],
  ])('%s is one', (_what, error) => {
    expect(isWriteConflict(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', queryFailed({ code: 'ER_DUP_ENTRY', errno: 1062 })],
    ['a refused connection', driverError({ code: 'ECONNREFUSED' })],
    ['a statement timeout', queryFailed({ errno: 1969 })],
    ['a plain error', new Error('boom')],
    ['undefined', undefined],
  ])('%s is not', (_what, error) => {
    expect(isWriteConflict(error)).toBe(false);
  });
});

describe('retryWriteConflicts', () => {
  const policy = { attempts: 4, baseDelayMs: 8, maxDelayMs: 12 };

  it('runs again after a lost conflict and returns the first result that wins', async () => {
    const pauses: number[] = [];
    let runs = 0;
    const result = await retryWriteConflicts(
      async () => {
        runs++;
        if (runs < 3) throw queryFailed({ errno: 1213 });
        return 'done';
      },
      policy,
      async (ms) => {
        pauses.push(ms);
      },
    );
    expect(result).toBe('done');
    expect(runs).toBe(3);
    // Random pauses within a window that doubles up to its cap: [0, 8) then [0, 12).
    expect(pauses).toHaveLength(2);
    expect(pauses[0]).toBeGreaterThanOrEqual(0);
    expect(pauses[0]).toBeLessThan(8);
    expect(pauses[1]).toBeLessThan(12);
  });

  it('is bounded: after the last attempt a conflict is a ConcurrentChangeError that keeps the cause', async () => {
    let runs = 0;
    const last = queryFailed({ code: 'ER_LOCK_DEADLOCK', errno: 1213 });
    const error = await retryWriteConflicts(
      async () => {
        runs++;
        throw last;
      },
      policy,
      async () => undefined,
    ).catch((caught: unknown) => caught);
    expect(runs).toBe(4);
    expect(error).toBeInstanceOf(ConcurrentChangeError);
    expect((error as Error).cause).toBe(last);
  });

  it('passes any other failure on at once, without a retry', async () => {
    let runs = 0;
    const other = queryFailed({ code: 'ER_DUP_ENTRY', errno: 1062 });
    await expect(
      retryWriteConflicts(
        async () => {
          runs++;
          throw other;
        },
        policy,
        async () => undefined,
      ),
    ).rejects.toBe(other);
    expect(runs).toBe(1);
  });
});
