import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One sharing of one backup with one project. Canceled sharings stay (soft delete) for audit.
 *
 * `active` is 1 while the sharing is in force and NULL once canceled. The unique index over
 * (backup_id, to_project_id, active) therefore allows one active sharing per backup and target
 * and any number of canceled ones, on MySQL (which has no partial indexes) and SQLite alike,
 * because both treat NULLs as distinct in a unique index.
 *
 * The `backup_*` columns copy the backup attributes the list filters and sorts on, so that those
 * queries run on this table's indexes; the host keeps them current through
 * `BackupSharingService.backupChanged`. Answers read the backup live from the catalog instead.
 *
 * Datetimes are declared as `Date`, which each driver maps to a type of its own (`datetime` on
 * MySQL and SQLite, `timestamp` on PostgreSQL, where the migrations create `timestamptz`): a
 * named type would be unknown to one of them.
 */
@Entity('backup_sharings')
export class BackupSharingEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'backup_id', type: 'varchar', length: 36 })
  backupId: string;

  @Column({ name: 'from_project_id', type: 'varchar', length: 64 })
  fromProjectId: string;

  @Column({ name: 'to_project_id', type: 'varchar', length: 64 })
  toProjectId: string;

  @Column({ type: 'smallint', nullable: true })
  active: 1 | null;

  @Column({ name: 'created_at', type: Date, precision: 6 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: Date, precision: 6 })
  updatedAt: Date;

  @Column({ name: 'deleted_at', type: Date, precision: 6, nullable: true })
  deletedAt: Date | null;

  @Column({ name: 'backup_name', type: 'varchar', length: 255 })
  backupName: string;

  @Column({ name: 'backup_status', type: 'varchar', length: 32 })
  backupStatus: string;

  @Column({ name: 'backup_size', type: 'int' })
  backupSize: number;

  @Column({ name: 'backup_volume_id', type: 'varchar', length: 36, nullable: true })
  backupVolumeId: string | null;

  @Column({ name: 'backup_availability_zone', type: 'varchar', length: 255, nullable: true })
  backupAvailabilityZone: string | null;
}
