/**
 * What the module needs to know about a backup. The host owns backups; the module only reads
 * them through this port and never touches the host's tables.
 */
export interface CatalogBackup {
  id: string;
  /** The project that owns the backup. */
  projectId: string;
  name: string | null;
  description: string | null;
  status: string;
  /** Size in GB. */
  size: number;
  volumeId: string | null;
  availabilityZone: string | null;
  snapshotId: string | null;
  container: string | null;
  objectCount: number | null;
  failReason: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  dataTimestamp: Date | null;
  hasDependentBackups: boolean | null;
  isIncremental: boolean | null;
  serviceMetadata: string | null;
  /** Encrypted backups cannot be shared. */
  encrypted: boolean;
}

/**
 * The host's backup catalog, bound by the host in `BackupSharingModule.forRoot(Async)`
 * (`backupCatalog` option). An abstract class so that it doubles as the DI token.
 */
export abstract class BackupCatalog {
  /** The backup if it exists and is owned by `projectId`; `undefined` otherwise. */
  abstract findOwned(projectId: string, backupId: string): Promise<CatalogBackup | undefined>;

  /**
   * Live details of several backups in one call (the module asks once per page, never once per
   * row). Unknown IDs are simply absent from the result.
   */
  abstract describe(backupIds: readonly string[]): Promise<Map<string, CatalogBackup>>;
}
