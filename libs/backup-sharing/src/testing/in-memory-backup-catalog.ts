import { BackupCatalog, CatalogBackup } from '../ports/backup-catalog.port';

/** A typed in-memory `BackupCatalog` for tests: backups live in a map, and calls are counted. */
export class InMemoryBackupCatalog extends BackupCatalog {
  readonly backups = new Map<string, CatalogBackup>();
  describeCalls = 0;

  add(projectId: string, id: string, overrides: Partial<CatalogBackup> = {}): CatalogBackup {
    const backup: CatalogBackup = {
      id,
      projectId,
      name: `backup-${id.slice(0, 8)}`,
      description: null,
      status: 'available',
      size: 1,
      volumeId: '5024a06e-6990-4f12-9dcc-8fe26b01a710',
      availabilityZone: 'az1',
      snapshotId: null,
      container: null,
      objectCount: null,
      failReason: null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: null,
      dataTimestamp: null,
      hasDependentBackups: null,
      isIncremental: null,
      serviceMetadata: null,
      encrypted: false,
      ...overrides,
    };
    this.backups.set(id, backup);
    return backup;
  }

  async findOwned(projectId: string, backupId: string): Promise<CatalogBackup | undefined> {
    const backup = this.backups.get(backupId);
    return backup?.projectId === projectId ? backup : undefined;
  }

  async describe(backupIds: readonly string[]): Promise<Map<string, CatalogBackup>> {
    this.describeCalls += 1;
    return new Map(backupIds.flatMap((id) => (this.backups.has(id) ? [[id, this.backups.get(id)!] as const] : [])));
  }
}
