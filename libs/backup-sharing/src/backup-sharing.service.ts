import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BACKUP_SHARING_OPTIONS } from './backup-sharing.module-definition';
import { BackupSharingModuleOptions, DEFAULT_MAX_SHARES_PER_BACKUP } from './backup-sharing.options';
import {
  AlreadySharedError,
  BackupNotFoundError,
  BackupNotShareableError,
  InvalidShareTargetError,
  NotAuthorizedError,
  ShareLimitExceededError,
  ShareNotFoundError,
} from './backup-sharing.errors';
import { BackupSharing, BackupSharingWithBackup } from './backup-sharing.types';
import { BackupSharingEntity } from './persistence/backup-sharing.entity';
import {
  BackupCopy,
  BackupSharingRepository,
  SharingFilters,
  SharingPage,
} from './persistence/backup-sharing.repository';
import { BackupCatalog, CatalogBackup } from './ports/backup-catalog.port';
import { askCatalog } from './ports/backup-catalog.call';
import { FeatureDisabledError } from './dependency.errors';
import { BackupSharingEventDispatcher } from './events/backup-sharing-event.dispatcher';

/**
 * The rules of backup sharing. Knows nothing of HTTP: callers pass the acting project (already
 * authenticated and authorised for it) and get plain data or a `BackupSharingError`.
 */
@Injectable()
export class BackupSharingService {
  private readonly maxSharesPerBackup: number;
  private readonly cancelAllEnabled: boolean;

  constructor(
    private readonly sharings: BackupSharingRepository,
    private readonly catalog: BackupCatalog,
    @Inject(BACKUP_SHARING_OPTIONS) options: BackupSharingModuleOptions,
    @Optional() private readonly dispatcher?: BackupSharingEventDispatcher,
  ) {
    this.maxSharesPerBackup = options.maxSharesPerBackup ?? DEFAULT_MAX_SHARES_PER_BACKUP;
    this.cancelAllEnabled = options.cancelAllEnabled ?? true;
  }

  /** Shares a backup of `projectId` with each target, all or none; results in request order. */
  async share(
    projectId: string,
    backupId: string,
    toProjectIds: string[],
    requestId: string | null = null,
  ): Promise<BackupSharing[]> {
    if (toProjectIds.includes(projectId)) {
      throw new InvalidShareTargetError(`A backup cannot be shared with its own project ${projectId}.`);
    }
    const repeated = toProjectIds.filter((id, index) => toProjectIds.indexOf(id) !== index);
    if (repeated.length > 0) {
      throw new InvalidShareTargetError(`Project ${repeated[0]} appears more than once in to_project_ids.`);
    }

    const backup = await askCatalog(() => this.catalog.findOwned(projectId, backupId));
    if (!backup) throw new BackupNotFoundError(backupId);
    if (backup.status !== 'available') {
      throw new BackupNotShareableError(
        `Backup ${backupId} is ${backup.status}; only an available backup can be shared.`,
        'BackupSharing.BackupNotAvailable',
      );
    }
    if (backup.encrypted) {
      throw new BackupNotShareableError(`Backup ${backupId} is encrypted; encrypted backups cannot be shared.`, 'BackupSharing.BackupEncrypted');
    }

    const change = { at: new Date(), requestId };
    const rows = await this.sharings.shareBackup(projectId, backupId, (activeTargets) => {
      const already = toProjectIds.filter((id) => activeTargets.includes(id));
      if (already.length > 0) throw new AlreadySharedError(backupId, already);
      if (activeTargets.length + toProjectIds.length > this.maxSharesPerBackup) {
        throw new ShareLimitExceededError(
          `Backup ${backupId} is shared with ${activeTargets.length} project(s); sharing it with ` +
            `${toProjectIds.length} more would pass the limit of ${this.maxSharesPerBackup}.`,
        );
      }
      return toProjectIds.map((toProjectId) =>
        Object.assign(new BackupSharingEntity(), {
          id: randomUUID(),
          backupId,
          fromProjectId: projectId,
          toProjectId,
          active: 1,
          createdAt: change.at,
          updatedAt: change.at,
          deletedAt: null,
          ...copyOf(backup),
        }),
      );
    }, change);
    this.dispatcher?.nudge();
    return rows.map(toSharing);
  }

  /** A sharing the project owns or receives. */
  async get(projectId: string, id: string): Promise<BackupSharingWithBackup> {
    const row = await this.sharings.findVisible(projectId, id);
    if (!row) throw new ShareNotFoundError(id);
    const [withBackup] = await this.withBackups([row]);
    return withBackup;
  }

  /** The sharing as the project sees it (owner or recipient), without the backup: for access rules. */
  async findVisible(projectId: string, id: string): Promise<BackupSharing | undefined> {
    const row = await this.sharings.findVisible(projectId, id);
    return row ? toSharing(row) : undefined;
  }

  async list(projectId: string, filters: SharingFilters, page: SharingPage): Promise<BackupSharingWithBackup[]> {
    return this.withBackups(await this.sharings.list(projectId, filters, page));
  }

  count(projectId: string, filters: SharingFilters): Promise<number> {
    return this.sharings.count(projectId, filters);
  }

  /** Cancels one sharing; only the owner may, the recipient is refused, anyone else sees nothing. */
  async cancel(projectId: string, id: string, requestId: string | null = null): Promise<void> {
    if (await this.sharings.cancelOwned(projectId, id, { at: new Date(), requestId })) {
      this.dispatcher?.nudge();
      return;
    }
    if (await this.sharings.isRecipientOf(projectId, id)) {
      throw new NotAuthorizedError(`Backup sharing ${id} can be canceled only by the project that shared it.`);
    }
    throw new ShareNotFoundError(id);
  }

  /** Cancels every sharing of a backup the project owns; returns how many there were. */
  async cancelAllOfBackup(projectId: string, backupId: string, requestId: string | null = null): Promise<number> {
    if (!this.cancelAllEnabled) {
      throw new FeatureDisabledError('Canceling every sharing of a backup is turned off on this service; cancel each sharing by its ID.');
    }
    if (!(await askCatalog(() => this.catalog.findOwned(projectId, backupId)))) throw new BackupNotFoundError(backupId);
    return this.cancelEverySharing(projectId, backupId, requestId);
  }

  /** For the host: may `projectId` read `backupId` because it was shared with it? */
  isSharedWith(backupId: string, projectId: string): Promise<boolean> {
    return this.sharings.isSharedWith(backupId, projectId);
  }

  /** For the host: a backup's attributes changed; keeps list filters and sorting current. */
  async backupChanged(backup: CatalogBackup): Promise<void> {
    await this.sharings.updateBackupCopy(backup.projectId, backup.id, copyOf(backup));
  }

  /** For the host: a backup was deleted; its sharings end with it. */
  async backupDeleted(ownerProjectId: string, backupId: string, requestId: string | null = null): Promise<void> {
    await this.cancelEverySharing(ownerProjectId, backupId, requestId);
  }

  private async cancelEverySharing(ownerProjectId: string, backupId: string, requestId: string | null): Promise<number> {
    const canceled = await this.sharings.cancelAllOfBackup(ownerProjectId, backupId, { at: new Date(), requestId });
    if (canceled > 0) this.dispatcher?.nudge();
    return canceled;
  }

  /** One catalog call for the whole page, never one per row. */
  private async withBackups(rows: BackupSharingEntity[]): Promise<BackupSharingWithBackup[]> {
    if (rows.length === 0) return [];
    const backups = await askCatalog(() => this.catalog.describe([...new Set(rows.map((row) => row.backupId))]));
    return rows.map((row) => {
      // Completed in place rather than spread into a copy: a page is up to 1000 rows.
      const sharing = toSharing(row) as BackupSharingWithBackup;
      sharing.backup = backups.get(row.backupId) ?? null;
      return sharing;
    });
  }
}

function copyOf(backup: CatalogBackup): BackupCopy {
  return {
    backupName: backup.name ?? '',
    backupStatus: backup.status,
    backupSize: backup.size,
    backupVolumeId: backup.volumeId,
    backupAvailabilityZone: backup.availabilityZone,
  };
}

function toSharing(row: BackupSharingEntity): BackupSharing {
  return {
    id: row.id,
    backupId: row.backupId,
    fromProjectId: row.fromProjectId,
    toProjectId: row.toProjectId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}
