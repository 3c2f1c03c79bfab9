import { Response } from 'supertest';
import { DEMO_PROJECTS, TestHost } from './test-host';
import { SHARING, as, createBackup, randomProjectId, shareRequest } from './sharing-api';

// Races between a share and a change of the same backup, run many rounds with offsets of a
// fraction of a millisecond to a few, in both orders, and checked in the database itself after
// every round. They take a host for each side, so that on a cluster the two requests reach two
// nodes.

/** Reads the database as it is now (on a cluster: causally, on any node). */
export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface RaceSides {
  /** Where the shares go. */
  share: TestHost;
  /** Where the backup's changes go (delete, reset). */
  change: TestHost;
  query: Query;
}

/** Yields to the event loop `ticks` times: each a few microseconds to tens of them. */
async function ticks(count: number): Promise<void> {
  for (let tick = 0; tick < count; tick++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Sends `first`, lets `offsetTicks` event-loop turns pass, then sends `second`; both answers.
 * The order alternates with `swap`.
 */
export async function race(first: () => PromiseLike<Response>, second: () => PromiseLike<Response>, offsetTicks: number, swap: boolean): Promise<[Response, Response]> {
  const [a, b] = swap ? [second, first] : [first, second];
  const pendingA = Promise.resolve(a());
  await ticks(offsetTicks);
  const pendingB = Promise.resolve(b());
  const [answerA, answerB] = await Promise.all([pendingA, pendingB]);
  return swap ? [answerB, answerA] : [answerA, answerB];
}

/** An offset for round `round`: 0 to 40 event-loop turns, spread over the rounds. */
export function offsetOf(round: number): number {
  return (round * 7) % 41;
}

async function one(query: Query, sql: string, params: unknown[]): Promise<number> {
  const [row] = await query(sql, params);
  return Number(Object.values(row)[0]);
}

export interface RoundTally {
  shares: Record<number, number>;
  changes: Record<number, number>;
}

function count(tally: Record<number, number>, status: number): void {
  tally[status] = (tally[status] ?? 0) + 1;
}

/**
 * A share racing the deletion of its backup. After every round: the delete succeeded, and no
 * active sharing of the deleted backup is left, whatever the share answered.
 */
export async function shareRacingDelete(sides: RaceSides, rounds: number): Promise<RoundTally> {
  const tally: RoundTally = { shares: {}, changes: {} };
  for (let round = 0; round < rounds; round++) {
    const backupId = await createBackup(sides.share);
    const [shared, deleted] = await race(
      () => as(sides.share, 'owner').post(SHARING, shareRequest(backupId, [DEMO_PROJECTS.recipient])),
      () => as(sides.change, 'owner').delete(`backups/${backupId}`),
      offsetOf(round),
      round % 2 === 1,
    );
    count(tally.shares, shared.status);
    count(tally.changes, deleted.status);
    expect({ round, delete: deleted.status }).toEqual({ round, delete: 202 });
    expect({ round, share: [200, 404].includes(shared.status) }).toEqual({ round, share: true });
    const active = await one(sides.query, 'SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ? AND active = 1', [backupId]);
    const backups = await one(sides.query, 'SELECT COUNT(*) AS n FROM backups WHERE id = ?', [backupId]);
    expect({ round, active, backups }).toEqual({ round, active: 0, backups: 0 });
  }
  // Nowhere in the table an active sharing of a backup that is gone.
  const orphans = await one(
    sides.query,
    'SELECT COUNT(*) AS n FROM backup_sharings s WHERE s.active = 1 AND NOT EXISTS (SELECT 1 FROM backups b WHERE b.id = s.backup_id)',
    [],
  );
  expect(orphans).toBe(0);
  return tally;
}

/**
 * A share racing an admin's reset of its backup to `error`. The backup was shared once before
 * (that sharing stays). After every round: a share that succeeded was ordered before the reset,
 * and the status copied on every active sharing of the backup is the live one, so the list's
 * filter and the count agree with the backup.
 */
export async function shareRacingReset(sides: RaceSides, rounds: number): Promise<RoundTally> {
  const tally: RoundTally = { shares: {}, changes: {} };
  for (let round = 0; round < rounds; round++) {
    const backupId = await createBackup(sides.share);
    const before = await as(sides.share, 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()]));
    expect(before.status).toBe(200);
    const [shared, reset] = await race(
      () => as(sides.share, 'owner').post(SHARING, shareRequest(backupId, [DEMO_PROJECTS.recipient])),
      () => as(sides.change, 'admin', 'owner').post(`backups/${backupId}/action`, { 'os-reset_status': { status: 'error' } }),
      offsetOf(round),
      round % 2 === 1,
    );
    count(tally.shares, shared.status);
    count(tally.changes, reset.status);
    expect({ round, reset: reset.status }).toEqual({ round, reset: 202 });
    if (shared.status !== 200) {
      expect({ round, share: shared.status, code: shared.body?.badRequest?.error_code }).toEqual({
        round,
        share: 400,
        code: 'BackupSharing.BackupNotAvailable',
      });
    }
    const [live] = await sides.query('SELECT status FROM backups WHERE id = ?', [backupId]);
    expect(live.status).toBe('error');
    const active = await one(sides.query, 'SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ? AND active = 1', [backupId]);
    const stale = await one(
      sides.query,
      "SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ? AND active = 1 AND backup_status <> 'error'",
      [backupId],
    );
    expect({ round, active, stale }).toEqual({ round, active: shared.status === 200 ? 2 : 1, stale: 0 });
    // What a client sees, on the other side's host.
    const owner = as(sides.change, 'owner');
    const available = await owner.get(`${SHARING}/count?backup_id=${backupId}&status=available`);
    const errored = await owner.get(`${SHARING}/count?backup_id=${backupId}&status=error`);
    expect({ round, available: available.body.count, errored: errored.body.count }).toEqual({ round, available: 0, errored: active });
  }
  return tally;
}

/** The ID in a mix of upper and lower case, different for each `variant`. */
export function caseVariant(id: string, variant: number): string {
  let bit = 0;
  return id.replace(/[a-f]/g, (letter) => ((variant >> bit++ % 16) & 1 ? letter.toUpperCase() : letter));
}
