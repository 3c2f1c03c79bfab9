import { DataSource, IsNull } from 'typeorm';
import { ConcurrentChangeError } from '../backup-sharing.errors';
import { inTransaction, supportsRowLocks } from '../persistence/transaction';
import { isWriteConflict, retryWriteConflicts } from '../persistence/write-conflict.retry';
import { BackupSharingEventEntity } from './backup-sharing-event.entity';

const ALIAS = 'e';

/** The dispatcher's queries of the outbox table. */
export class BackupSharingOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` undelivered events whose lease is free, oldest first, for `instanceId`
   * until `leaseUntil`. On MySQL `FOR UPDATE SKIP LOCKED` lets several instances claim at once
   * without waiting on, or taking, each other's rows. On a MariaDB Galera cluster those locks
   * hold on one node only: dispatchers on two nodes may pick the same events, and the cluster
   * refuses the later of the two claims at commit. That claim lost a race and gets nothing now
   * (the other one delivers); it is no failure and is not reported as one.
   */
  async claim(instanceId: string, limit: number, now: Date, leaseUntil: Date): Promise<BackupSharingEventEntity[]> {
    return this.claimOnce(instanceId, limit, now, leaseUntil).catch((error: unknown) => {
      if (isWriteConflict(error)) return [];
      throw error;
    });
  }

  private claimOnce(instanceId: string, limit: number, now: Date, leaseUntil: Date): Promise<BackupSharingEventEntity[]> {
    return inTransaction(this.dataSource, async (manager) => {
      const query = manager
        .createQueryBuilder(BackupSharingEventEntity, ALIAS)
        .where(`${ALIAS}.deliveredAt IS NULL`)
        .andWhere(`(${ALIAS}.claimedUntil IS NULL OR ${ALIAS}.claimedUntil < :now)`, { now })
        .orderBy(`${ALIAS}.seq`, 'ASC')
        .limit(limit);
      if (supportsRowLocks(this.dataSource)) query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const events = await query.getMany();
      if (events.length === 0) return [];
      await manager
        .createQueryBuilder()
        .update(BackupSharingEventEntity)
        .set({ claimedBy: instanceId, claimedUntil: leaseUntil, attempts: () => 'attempts + 1' })
        .where('seq IN (:...seqs)', { seqs: events.map((event) => event.seq) })
        // Still free as this transaction writes them, whatever it read.
        .andWhere('delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < :now)', { now })
        .execute();
      return events;
    });
  }

  /**
   * Marks an event delivered, if this instance still holds its claim. On a cluster the mark can
   * meet another node's claim of the same event (after this lease ran out): it is tried again, and
   * when it keeps losing, the event is delivered once more later — at least once, as promised.
   */
  async markDelivered(instanceId: string, seq: string, at: Date): Promise<void> {
    await unlessConflicting(() => this.markDeliveredOnce(instanceId, seq, at));
  }

  private async markDeliveredOnce(instanceId: string, seq: string, at: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(BackupSharingEventEntity)
      .set({ deliveredAt: at, claimedUntil: null })
      .where('seq = :seq AND claimed_by = :instanceId', { seq, instanceId })
      .execute();
  }

  /** Gives an event back, to be tried again from `retryAt` (or when its lease runs out). */
  async release(instanceId: string, seq: string, retryAt: Date): Promise<void> {
    await unlessConflicting(() => this.releaseOnce(instanceId, seq, retryAt));
  }

  private async releaseOnce(instanceId: string, seq: string, retryAt: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(BackupSharingEventEntity)
      .set({ claimedUntil: retryAt })
      .where('seq = :seq AND claimed_by = :instanceId', { seq, instanceId })
      .execute();
  }

  /**
   * How many events are undelivered, and when the oldest of them occurred: two reads of the
   * (delivered_at, seq) index, for the outbox gauges.
   */
  async backlog(): Promise<{ pending: number; oldestAt: Date | null }> {
    const events = this.dataSource.getRepository(BackupSharingEventEntity);
    const pending = await events.count({ where: { deliveredAt: IsNull() } });
    if (pending === 0) return { pending, oldestAt: null };
    const oldest = await events.findOne({ select: { seq: true, occurredAt: true }, where: { deliveredAt: IsNull() }, order: { seq: 'ASC' } });
    return { pending, oldestAt: oldest?.occurredAt ?? null };
  }

  /** Deletes events delivered before `before`; returns how many. */
  async purgeDelivered(before: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(BackupSharingEventEntity)
      .where('delivered_at IS NOT NULL AND delivered_at < :before', { before })
      .execute();
    return result.affected ?? 0;
  }
}

/** Runs a single-row write again after lost write conflicts; one that keeps losing is left be. */
async function unlessConflicting(write: () => Promise<void>): Promise<void> {
  try {
    await retryWriteConflicts(write);
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw error;
  }
}
