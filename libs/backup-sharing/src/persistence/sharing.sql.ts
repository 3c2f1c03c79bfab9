import { BackupSharing } from '../backup-sharing.types';
import { BackupSharingEntity } from './backup-sharing.entity';
import { SqlDialect } from './sql-dialect';

// The sharings table in hand-written SQL, mapped to rows by hand. The requests that run most
// (get, list, count, share, cancel) are a few statements each; building them with TypeORM's
// query builder and hydrating entities cost more CPU per request than the database spent on
// them. Identifiers are fixed strings of this file; every value is a bound parameter.

/** The columns a sharing row is read with (`active` is 1 in every query that reads rows). */
export const SHARING_COLUMNS =
  'id, backup_id, from_project_id, to_project_id, created_at, updated_at, deleted_at, ' +
  'backup_name, backup_status, backup_size, backup_volume_id, backup_availability_zone';

const INSERT_COLUMNS = `${SHARING_COLUMNS}, active`;

/** The event columns the module writes; the rest take their defaults. */
export const EVENT_COLUMNS = 'event_id, type, sharing_id, backup_id, from_project_id, to_project_id, occurred_at, request_id, attempts';

/** A sharing row as the driver returns it. */
export interface SharingRecord {
  id: string;
  backup_id: string;
  from_project_id: string;
  to_project_id: string;
  created_at: unknown;
  updated_at: unknown;
  deleted_at: unknown;
  backup_name: string;
  backup_status: string;
  backup_size: number | string;
  backup_volume_id: string | null;
  backup_availability_zone: string | null;
}

/** A row, as the plain sharing the service hands out: what reads answer with (a get, a page). */
export function toSharing(record: SharingRecord, dialect: SqlDialect): BackupSharing {
  return {
    id: record.id,
    backupId: record.backup_id,
    fromProjectId: record.from_project_id,
    toProjectId: record.to_project_id,
    createdAt: dialect.toDate(record.created_at)!,
    updatedAt: dialect.toDate(record.updated_at)!,
    deletedAt: dialect.toDate(record.deleted_at),
  };
}

/** A row, as the entity the rest of the module knows (a plain object of its shape), with its copy of the backup. */
export function toSharingEntity(record: SharingRecord, dialect: SqlDialect): BackupSharingEntity {
  return {
    id: record.id,
    backupId: record.backup_id,
    fromProjectId: record.from_project_id,
    toProjectId: record.to_project_id,
    active: 1,
    createdAt: dialect.toDate(record.created_at)!,
    updatedAt: dialect.toDate(record.updated_at)!,
    deletedAt: dialect.toDate(record.deleted_at),
    backupName: record.backup_name,
    backupStatus: record.backup_status,
    backupSize: Number(record.backup_size),
    backupVolumeId: record.backup_volume_id,
    backupAvailabilityZone: record.backup_availability_zone,
  };
}

/** `(?, ?, ...), (?, ?, ...)`: `rows` groups of `width` placeholders. */
export function placeholders(rows: number, width: number): string {
  const row = `(${new Array<string>(width).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
}

/** One multi-row INSERT of new sharings, whatever their number. */
export function insertSharings(rows: BackupSharingEntity[], dialect: SqlDialect): [string, unknown[]] {
  const params = rows.flatMap((row) => [
    row.id,
    row.backupId,
    row.fromProjectId,
    row.toProjectId,
    dialect.toDatabase(row.createdAt),
    dialect.toDatabase(row.updatedAt),
    row.deletedAt ? dialect.toDatabase(row.deletedAt) : null,
    row.backupName,
    row.backupStatus,
    row.backupSize,
    row.backupVolumeId,
    row.backupAvailabilityZone,
    row.active,
  ]);
  return [`INSERT INTO backup_sharings (${INSERT_COLUMNS}) VALUES ${placeholders(rows.length, 13)}`, params];
}
