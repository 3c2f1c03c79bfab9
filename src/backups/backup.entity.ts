import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The host's own backup record: a subset of Cinder's `backups` table. */
@Entity('backups')
@Index('ix_backups_project_created', ['projectId', 'createdAt'])
export class BackupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ name: 'project_id', type: 'varchar', length: 64 }) projectId: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) name: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) description: string | null;
  @Column({ type: 'varchar', length: 32 }) status: string;
  @Column({ type: 'int' }) size: number;
  @Column({ name: 'volume_id', type: 'varchar', length: 36 }) volumeId: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 255, nullable: true }) availabilityZone: string | null;
  @Column({ name: 'snapshot_id', type: 'varchar', length: 36, nullable: true }) snapshotId: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) container: string | null;
  @Column({ name: 'object_count', type: 'int', nullable: true }) objectCount: number | null;
  @Column({ name: 'fail_reason', type: 'varchar', length: 255, nullable: true }) failReason: string | null;
  @Column({ name: 'encryption_key_id', type: 'varchar', length: 36, nullable: true }) encryptionKeyId: string | null;
  @Column({ name: 'created_at', type: Date, precision: 6 }) createdAt: Date;
  @Column({ name: 'updated_at', type: Date, precision: 6, nullable: true }) updatedAt: Date | null;
  @Column({ name: 'data_timestamp', type: Date, precision: 6, nullable: true }) dataTimestamp: Date | null;
  @Column({ name: 'has_dependent_backups', type: 'boolean', nullable: true }) hasDependentBackups: boolean | null;
  @Column({ name: 'is_incremental', type: 'boolean', nullable: true }) isIncremental: boolean | null;
  @Column({ name: 'service_metadata', type: 'varchar', length: 255, nullable: true }) serviceMetadata: string | null;
}
