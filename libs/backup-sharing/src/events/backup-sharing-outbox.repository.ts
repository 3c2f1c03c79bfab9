import { DataSource } from 'typeorm';
import { inTransaction, supportsRowLocks } from '../persistence/transaction';
import { BackupSharingEventEntity } from './backup-sharing-event.entity';

const ALIAS = 'e';

/** The dispatcher's queries of the outbox table. */
export class BackupSharingOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` undelivered events whose lease is free, oldest first, for `instanceId`
   * until `leaseUntil`. On MySQL `FOR UPDATE SKIP LOCKED` lets several instances claim at once
   * without waiting on, or taking, each other's rows.
   */
  async claim(instanceId: string, limit: number, now: Date, leaseUntil: Date): Promise<BackupSharingEventEntity[]> {
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
        .execute();
      return events;
    });
  }

  /** Marks an event delivered, if this instance still holds its claim. */
  async markDelivered(instanceId: string, seq: string, at: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(BackupSharingEventEntity)
      .set({ deliveredAt: at, claimedUntil: null })
      .where('seq = :seq AND claimed_by = :instanceId', { seq, instanceId })
      .execute();
  }

  /** Gives an event back, to be tried again from `retryAt`. */
  async release(instanceId: string, seq: string, retryAt: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(BackupSharingEventEntity)
      .set({ claimedUntil: retryAt })
      .where('seq = :seq AND claimed_by = :instanceId', { seq, instanceId })
      .execute();
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
