import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BackupCatalog, CatalogBackup } from '../../libs/backup-sharing/src';
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

/** The host's binding of the module's `BackupCatalog` port, on its own `backups` table. */
@Injectable()
export class BackupCatalogAdapter extends BackupCatalog {
  constructor(@InjectRepository(BackupEntity) private readonly backups: Repository<BackupEntity>) {
    super();
  }

  async findOwned(projectId: string, backupId: string): Promise<CatalogBackup | undefined> {
    const backup = await this.backups.findOneBy({ id: backupId, projectId });
    return backup ? toCatalogBackup(backup) : undefined;
  }

  async describe(backupIds: readonly string[]): Promise<Map<string, CatalogBackup>> {
    const found = await this.backups.findBy({ id: In([...backupIds]) });
    return new Map(found.map((backup) => [backup.id, toCatalogBackup(backup)]));
  }
}
