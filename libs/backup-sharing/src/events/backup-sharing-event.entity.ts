import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BackupSharingEventType } from './backup-sharing.event';

/**
 * The outbox: one row per sharing change, written in the change's own transaction. A dispatcher
 * claims undelivered rows (`claimed_by` / `claimed_until`, a lease that lapses when the claiming
 * process dies), hands them to the host's listeners and marks them delivered; delivered rows are
 * purged after the retention period.
 */
@Entity('backup_sharing_events')
export class BackupSharingEventEntity {
  /** Delivery order. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq: string;

  @Column({ name: 'event_id', type: 'varchar', length: 36 }) eventId: string;
  @Column({ type: 'varchar', length: 40 }) type: BackupSharingEventType;
  @Column({ name: 'sharing_id', type: 'varchar', length: 36 }) sharingId: string;
  @Column({ name: 'backup_id', type: 'varchar', length: 36 }) backupId: string;
  @Column({ name: 'from_project_id', type: 'varchar', length: 64 }) fromProjectId: string;
  @Column({ name: 'to_project_id', type: 'varchar', length: 64 }) toProjectId: string;
  @Column({ name: 'occurred_at', type: Date, precision: 6 }) occurredAt: Date;
  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true }) requestId: string | null;
  @Column({ name: 'claimed_by', type: 'varchar', length: 100, nullable: true }) claimedBy: string | null;
  @Column({ name: 'claimed_until', type: Date, precision: 6, nullable: true }) claimedUntil: Date | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'delivered_at', type: Date, precision: 6, nullable: true }) deliveredAt: Date | null;
}
