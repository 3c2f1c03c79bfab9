import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BackupCatalog, CatalogBackup, CatalogReader, backupSharedWith, catalogReader } from '../../libs/backup-sharing/src';
import { BackupEntity } from './backup.entity';

/** What the sharing module sees of the host's backups. */
export function toCatalogBackup(backup: BackupEntity): CatalogBackup {
  return {
    id: backup.id,
    projectId: backup.projectId,
    name: backup.name,
    description: backup.description,
    status: backup.status,
    size: backup.size,
    volumeId: backup.volumeId,
    availabilityZone: backup.availabilityZone,
    snapshotId: backup.snapshotId,
    container: backup.container,
    objectCount: backup.objectCount,
    failReason: backup.failReason,
    createdAt: backup.createdAt,
    updatedAt: backup.updatedAt,
    dataTimestamp: backup.dataTimestamp,
    hasDependentBackups: backup.hasDependentBackups,
    isIncremental: backup.isIncremental,
    serviceMetadata: backup.serviceMetadata,
    encrypted: backup.encryptionKeyId !== null,
  };
}

/** A row of `backups` as the driver returns it. */
interface BackupRecord {
  id: string;
  project_id: string;
  name: string | null;
  description: string | null;
  status: string;
  size: number | string;
  volume_id: string;
  availability_zone: string | null;
  snapshot_id: string | null;
  container: string | null;
  object_count: number | string | null;
  fail_reason: string | null;
  encryption_key_id: string | null;
  created_at: unknown;
  updated_at: unknown;
  data_timestamp: unknown;
  has_dependent_backups: unknown;
  is_incremental: unknown;
  service_metadata: string | null;
}

const SELECT_BACKUPS =
  'SELECT id, project_id, name, description, status, size, volume_id, availability_zone, snapshot_id, container, object_count, ' +
  'fail_reason, encryption_key_id, created_at, updated_at, data_timestamp, has_dependent_backups, is_incremental, service_metadata FROM backups';

const flag = (value: unknown): boolean | null => (value === null || value === undefined ? null : Boolean(Number(value)));
const count = (value: number | string | null): number | null => (value === null ? null : Number(value));

function fromRecord(record: BackupRecord, dialect: CatalogReader): CatalogBackup {
  return {
    id: record.id,
    projectId: record.project_id,
    name: record.name,
    description: record.description,
    status: record.status,
    size: Number(record.size),
    volumeId: record.volume_id,
    availabilityZone: record.availability_zone,
    snapshotId: record.snapshot_id,
    container: record.container,
    objectCount: count(record.object_count),
    failReason: record.fail_reason,
    createdAt: dialect.toDate(record.created_at),
    updatedAt: dialect.toDate(record.updated_at),
    dataTimestamp: dialect.toDate(record.data_timestamp),
    hasDependentBackups: flag(record.has_dependent_backups),
    isIncremental: flag(record.is_incremental),
    serviceMetadata: record.service_metadata,
    encrypted: record.encryption_key_id !== null,
  };
}

/**
 * The host's binding of the module's `BackupCatalog` port, on its own `backups` table. The
 * module asks it on every get, list and share: one hand-written query each (through the module's
 * `catalogReader`, as cheap as the driver), mapped by hand, as entity hydration of a page of
 * backups cost more than the query.
 */
@Injectable()
export class BackupCatalogAdapter extends BackupCatalog {
  private readonly sql: CatalogReader;

  constructor(@InjectRepository(BackupEntity) backups: Repository<BackupEntity>) {
    super();
    this.sql = catalogReader(backups.manager.connection);
  }

  async findOwned(projectId: string, backupId: string): Promise<CatalogBackup | undefined> {
    const [record] = await this.sql.select<BackupRecord>(`${SELECT_BACKUPS} WHERE id = ? AND project_id = ?`, [backupId, projectId]);
    return record ? fromRecord(record, this.sql) : undefined;
  }

  /**
   * The backup if `projectId` owns it or receives it through an active sharing, in one query
   * scoped by the project: another project's backup and an unknown ID are the same miss, with
   * the same work, so the answer's timing tells neither apart.
   */
  async findReadable(projectId: string, backupId: string): Promise<CatalogBackup | undefined> {
    const [record] = await this.sql.select<BackupRecord>(
      `${SELECT_BACKUPS} WHERE id = ? AND (project_id = ? OR ${backupSharedWith('backups.id')})`,
      [backupId, projectId, projectId],
    );
    return record ? fromRecord(record, this.sql) : undefined;
  }

  async describe(backupIds: readonly string[]): Promise<Map<string, CatalogBackup>> {
    if (backupIds.length === 0) return new Map();
    const records = await this.sql.select<BackupRecord>(
      `${SELECT_BACKUPS} WHERE id IN (${backupIds.map(() => '?').join(', ')})`,
      [...backupIds],
    );
    return new Map(records.map((record) => [record.id, fromRecord(record, this.sql)]));
  }
}
