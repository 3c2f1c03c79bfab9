import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { BackupNotFoundError, BackupSharingService, CatalogBackup } from '../../libs/backup-sharing/src';
import { BackupCatalogAdapter, toCatalogBackup } from './backup-catalog.adapter';
import { BackupEntity } from './backup.entity';
import { CreateBackupFields } from './backup.dto';

/** The host's backups, and the two places where they meet the sharing module. */
@Injectable()
export class BackupsService {
  constructor(
    @InjectRepository(BackupEntity) private readonly backups: Repository<BackupEntity>,
    private readonly sharing: BackupSharingService,
    private readonly catalog: BackupCatalogAdapter,
  ) {}

  /** No data mover in the demo: a new backup is available at once. */
  async create(projectId: string, fields: CreateBackupFields): Promise<BackupEntity> {
    const now = new Date();
    const backup = Object.assign(new BackupEntity(), {
      id: randomUUID(),
      projectId,
      name: fields.name ?? null,
      description: fields.description ?? null,
      status: 'available',
      size: fields.size ?? 1,
      volumeId: fields.volume_id,
      availabilityZone: fields.availability_zone ?? null,
      snapshotId: null,
      container: null,
      objectCount: 0,
      failReason: null,
      encryptionKeyId: fields.encryption_key_id ?? null,
      createdAt: now,
      updatedAt: now,
      dataTimestamp: now,
      hasDependentBackups: false,
      isIncremental: false,
      serviceMetadata: null,
    });
    await this.backups.insert(backup);
    return backup;
  }

  /** Readable by the owner and by every project the backup is shared with: one scoped query. */
  async get(projectId: string, id: string): Promise<CatalogBackup> {
    const backup = await this.catalog.findReadable(projectId, id);
    if (!backup) throw new BackupNotFoundError(id);
    return backup;
  }

  list(projectId: string): Promise<BackupEntity[]> {
    return this.backups.find({ where: { projectId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /**
   * The backup row goes in the transaction that ends its sharings, ordered with every share of
   * it by the module: after the 202 no sharing of it is active, also one being made meanwhile.
   */
  async delete(projectId: string, id: string, requestId: string | null = null): Promise<void> {
    await this.owned(projectId, id);
    await this.sharing.deleteBackup(
      projectId,
      id,
      async (manager) => {
        const { affected } = await manager.delete(BackupEntity, { id, projectId });
        // Deleted by a concurrent request since it was read.
        if (!affected) throw new BackupNotFoundError(id);
      },
      requestId,
    );
  }

  /** The new status and the module's record of it commit together, ordered with shares. */
  async resetStatus(projectId: string, id: string, status: string): Promise<void> {
    await this.owned(projectId, id);
    await this.sharing.updateBackup(projectId, id, async (manager) => {
      const { affected } = await manager.update(BackupEntity, { id, projectId }, { status, updatedAt: new Date() });
      if (!affected) throw new BackupNotFoundError(id);
      return toCatalogBackup(await manager.findOneByOrFail(BackupEntity, { id, projectId }));
    });
  }

  private async owned(projectId: string, id: string): Promise<BackupEntity> {
    const backup = await this.backups.findOneBy({ id, projectId });
    if (!backup) throw new BackupNotFoundError(id);
    return backup;
  }
}
