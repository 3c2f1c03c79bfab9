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
import { GuardedBackup } from './persistence/backup-guard.sql';
import { canonicalUuid } from './dto/uuid';
import { EntityManager } from 'typeorm';
import { askCatalog } from './ports/backup-catalog.call';
import { FeatureDisabledError } from './dependency.errors';
import { BackupSharingEventDispatcher } from './events/backup-sharing-event.dispatcher';
import { boundToSpan, operationSpanOf } from './telemetry/operation-trace';
import { repositoryBoundToSpan } from './persistence/backup-sharing.repository';
import type { Span } from '@opentelemetry/api';

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

    // The catalog's answer refuses early what it can, and seeds the backup's guard the first
    // time; the rules are decided again on the guard, where the host's changes are ordered.
    const backup = await askCatalog('findOwned', () => this.catalog.findOwned(projectId, backupId), operationSpanOf(this));
    if (!backup) throw new BackupNotFoundError(backupId);
    assertShareable(backupId, backup);

    const change = { at: new Date(), requestId };
    const rows = await this.sharings.shareBackup(
      backupId,
      guardedOf(backup),
      (state, activeTargets) => {
        if (state.deleted || state.ownerProjectId !== projectId) throw new BackupNotFoundError(backupId);
        assertShareable(backupId, state);
        const already = toProjectIds.filter((id) => activeTargets.includes(id));
        if (already.length > 0) throw new AlreadySharedError(backupId, already);
        if (state.activeCount + toProjectIds.length > this.maxSharesPerBackup) {
          throw new ShareLimitExceededError(
            `Backup ${backupId} is shared with ${state.activeCount} project(s); sharing it with ` +
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
            ...copyOf(state),
          }),
        );
      },
      this.maxSharesPerBackup,
      change,
    );
    this.dispatcher?.nudge();
    return rows.map(toSharing);
  }

  /** A sharing the project owns or receives. */
  async get(projectId: string, id: string): Promise<BackupSharingWithBackup> {
    const sharing = await this.sharings.findVisible(projectId, id);
    if (!sharing) throw new ShareNotFoundError(id);
    const [withBackup] = await this.withBackups([sharing]);
    return withBackup;
  }

  /** The sharing as the project sees it (owner or recipient), without the backup: for access rules. */
  async findVisible(projectId: string, id: string): Promise<BackupSharing | undefined> {
    return (await this.sharings.findVisible(projectId, id)) ?? undefined;
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
    if (!(await askCatalog('findOwned', () => this.catalog.findOwned(projectId, backupId), operationSpanOf(this)))) throw new BackupNotFoundError(backupId);
    return this.cancelEverySharing(projectId, backupId, requestId);
  }

  /** For the host: may `projectId` read `backupId` because it was shared with it? */
  isSharedWith(backupId: string, projectId: string): Promise<boolean> {
    return this.sharings.isSharedWith(canonicalUuid(backupId), projectId);
  }

  /**
   * For the host: changes one of its backups (status, name, size, volume, zone) in the same
   * transaction as the module's record of it, ordered with every share of that backup: a share
   * ordered after the change decides on the new state, and the sharings' copies used by list
   * filters and sorting follow at once. `change` does the host's own writes through `manager`
   * (a transaction on the module's data source) and returns the backup as it now is; it runs
   * again if the transaction loses a write conflict, so it writes nothing outside `manager`.
   */
  async updateBackup(ownerProjectId: string, backupId: string, change: (manager: EntityManager) => Promise<CatalogBackup>): Promise<void> {
    await this.sharings.changeBackup(ownerProjectId, canonicalUuid(backupId), async (manager) => guardedOf(await change(manager)), {
      at: new Date(),
      requestId: null,
    });
  }

  /**
   * For the host: deletes one of its backups in the same transaction that ends its sharings and
   * marks it deleted for the module: after it commits, no sharing of the backup is active and
   * none can be made, also by a share that was already on its way. `remove` does the host's own
   * writes through `manager`, as in `updateBackup`.
   */
  async deleteBackup(
    ownerProjectId: string,
    backupId: string,
    remove: (manager: EntityManager) => Promise<void>,
    requestId: string | null = null,
  ): Promise<void> {
    const canceled = await this.sharings.changeBackup(
      ownerProjectId,
      canonicalUuid(backupId),
      async (manager) => {
        await remove(manager);
        return deletedBackup(ownerProjectId);
      },
      { at: new Date(), requestId },
    );
    if (canceled > 0) this.dispatcher?.nudge();
  }

  /**
   * For a host whose backups live elsewhere (another database or service), after it changed a
   * backup: the same ordering with shares as `updateBackup`, from the moment of this call.
   */
  async backupChanged(backup: CatalogBackup): Promise<void> {
    await this.updateBackup(backup.projectId, backup.id, async () => backup);
  }

  /**
   * For a host whose backups live elsewhere, after it deleted a backup: its sharings end and no
   * new one can be made, as with `deleteBackup`.
   */
  async backupDeleted(ownerProjectId: string, backupId: string, requestId: string | null = null): Promise<void> {
    await this.deleteBackup(ownerProjectId, backupId, async () => undefined, requestId);
  }

  private async cancelEverySharing(ownerProjectId: string, backupId: string, requestId: string | null): Promise<number> {
    const canceled = await this.sharings.cancelAllOfBackup(ownerProjectId, backupId, { at: new Date(), requestId });
    if (canceled > 0) this.dispatcher?.nudge();
    return canceled;
  }

  /**
   * One catalog call for the whole page, never one per row. The sharings (the repository's own,
   * fresh for this call) are completed in place rather than copied: a page is up to 1000 rows.
   */
  private async withBackups(sharings: BackupSharing[]): Promise<BackupSharingWithBackup[]> {
    if (sharings.length === 0) return [];
    const backupIds = [...new Set(sharings.map((sharing) => sharing.backupId))];
    const backups = await askCatalog('describe', () => this.catalog.describe(backupIds), operationSpanOf(this));
    for (const sharing of sharings as BackupSharingWithBackup[]) sharing.backup = backups.get(sharing.backupId) ?? null;
    return sharings as BackupSharingWithBackup[];
  }
}

/**
 * The service bound to one operation's span (see `operation-trace.ts`), its repository and SQL
 * executor with it. `span` is typed loosely so that no OpenTelemetry type reaches the public
 * declarations (the API is an optional peer).
 */
export function serviceBoundToSpan(service: BackupSharingService, span: object): BackupSharingService {
  return boundToSpan(service, span as Span, { sharings: repositoryBoundToSpan(service['sharings'], span) });
}

/** Only an available, unencrypted backup can be shared. */
function assertShareable(backupId: string, backup: { status: string; encrypted: boolean }): void {
  if (backup.status !== 'available') {
    throw new BackupNotShareableError(
      `Backup ${backupId} is ${backup.status}; only an available backup can be shared.`,
      'BackupSharing.BackupNotAvailable',
    );
  }
  if (backup.encrypted) {
    throw new BackupNotShareableError(`Backup ${backupId} is encrypted; encrypted backups cannot be shared.`, 'BackupSharing.BackupEncrypted');
  }
}

/** What the module's guard keeps of a backup. */
function guardedOf(backup: CatalogBackup): GuardedBackup {
  return {
    ownerProjectId: backup.projectId,
    deleted: false,
    encrypted: backup.encrypted,
    name: backup.name ?? '',
    status: backup.status,
    size: backup.size,
    volumeId: backup.volumeId,
    availabilityZone: backup.availabilityZone,
  };
}

/** A deleted backup's guard: nothing of it matters any more but that it is gone. */
function deletedBackup(ownerProjectId: string): GuardedBackup {
  return { ownerProjectId, deleted: true, encrypted: false, name: '', status: 'deleted', size: 0, volumeId: null, availabilityZone: null };
}

/** The attributes a new sharing copies, for list filters and sorting. */
function copyOf(backup: GuardedBackup): BackupCopy {
  return {
    backupName: backup.name,
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
