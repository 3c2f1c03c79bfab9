import { BackupSharing, BackupSharingWithBackup } from '../backup-sharing.types';
import { CatalogBackup } from '../ports/backup-catalog.port';
import { CreatedSharingView, SharedBackupView, SharingDetailView } from './backup-sharing.response';

/**
 * The API's timestamp: naive UTC with six fraction digits, e.g. `2017-08-22T08:43:16.699374`.
 * The Go SDK parses exactly this layout and fails on a `Z` or an offset.
 */
export function formatTimestamp(date: Date | null | undefined): string | null {
  if (!date) return null;
  const year = date.getUTCFullYear();
  // Years outside 0..9999 (and invalid dates) take toISOString's own form and errors.
  if (!(year >= 0 && year <= 9999)) return `${date.toISOString().slice(0, 23)}000`;
  // Written out: a page of 100 sharings formats 500 timestamps, and toISOString().slice() took
  // twice as long.
  return (
    `${String(year).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}000`
  );
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

export function toCreatedSharingView(sharing: BackupSharing): CreatedSharingView {
  return {
    id: sharing.id,
    backup_id: sharing.backupId,
    from_project_id: sharing.fromProjectId,
    to_project_id: sharing.toProjectId,
    created_at: formatTimestamp(sharing.createdAt),
    updated_at: formatTimestamp(sharing.updatedAt),
    // A string or null, never a JSON boolean: the Go SDK decodes it into a string.
    deleted: sharing.deletedAt ? 'true' : null,
    deleted_at: formatTimestamp(sharing.deletedAt),
  };
}

export function toSharingDetailView(sharing: BackupSharingWithBackup): SharingDetailView {
  return {
    id: sharing.id,
    backup_id: sharing.backupId,
    from_project_id: sharing.fromProjectId,
    to_project_id: sharing.toProjectId,
    created_at: formatTimestamp(sharing.createdAt),
    updated_at: formatTimestamp(sharing.updatedAt),
    backup: sharing.backup ? toSharedBackupView(sharing.backup) : null,
  };
}

export function toSharedBackupView(backup: CatalogBackup): SharedBackupView {
  return {
    id: backup.id,
    name: backup.name,
    description: backup.description,
    status: backup.status,
    size: backup.size,
    volume_id: backup.volumeId,
    availability_zone: backup.availabilityZone,
    snapshot_id: backup.snapshotId,
    container: backup.container,
    object_count: backup.objectCount,
    fail_reason: backup.failReason,
    created_at: formatTimestamp(backup.createdAt),
    updated_at: formatTimestamp(backup.updatedAt),
    data_timestamp: formatTimestamp(backup.dataTimestamp),
    has_dependent_backups: backup.hasDependentBackups,
    is_incremental: backup.isIncremental,
    service_metadata: backup.serviceMetadata,
  };
}
