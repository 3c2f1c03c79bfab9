import { CatalogBackup } from './ports/backup-catalog.port';

/** A sharing as the service hands it out: plain data, independent of storage and transport. */
export interface BackupSharing {
  id: string;
  backupId: string;
  fromProjectId: string;
  toProjectId: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A sharing with the shared backup's live details (`null` if the catalog no longer has it). */
export interface BackupSharingWithBackup extends BackupSharing {
  backup: CatalogBackup | null;
}
