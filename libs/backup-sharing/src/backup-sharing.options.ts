import { BackupCatalog } from './ports/backup-catalog.port';
import { TokenVerifier } from './auth/token-verifier.port';
import { SharingPolicy } from './auth/sharing-policy.port';
import { TrustProxy } from './http/public-address';
import { BackupSharingOpenApiExamples } from './http/openapi-examples';

/** Options of `BackupSharingModule.forRoot` / the factory result of `forRootAsync`. */
export interface BackupSharingModuleOptions {
  /** The host's backups, read by the module to check ownership and state and to fill `backup`. */
  backupCatalog: BackupCatalog;
  /** Resolves `X-Auth-Token` to a project, a user and roles. */
  tokenVerifier: TokenVerifier;
  /**
   * The most projects one backup may be shared with at a time.
   * @default 10
   */
  maxSharesPerBackup?: number;
  /**
   * Role whose holders may act for any project.
   * @default 'admin'
   */
  adminRole?: string;
  /**
   * Who may do what (rules `backup_sharing:create`, `get`, `get_all`, `count`, `cancel`).
   * @default new DefaultSharingPolicy(adminRole): members of the project may do everything on it,
   * the admin role acts for any project, the recipient of a sharing may read but not cancel it
   */
  sharingPolicy?: SharingPolicy;
  /** Delivery of `backup_sharing.created` / `backup_sharing.canceled` events from the outbox. */
  events?: BackupSharingEventOptions;
  /**
   * Serve cancel-all (`DELETE {backup_id}?is_backup_id=true` and `DELETE ?backup_id=`). When
   * `false`, both forms answer 501 and change nothing; canceling one sharing by ID still works,
   * and the host's `backupDeleted()` still ends a deleted backup's sharings.
   * @default true
   */
  cancelAllEnabled?: boolean;
  /**
   * Where clients reach the service, e.g. `https://block-storage.example.org` (a path prefix is
   * kept): the start of every absolute link the module answers (`shared_links`). Clients follow
   * those links with their token, so they are never built from the request's `Host`.
   * @default the address and port the connection reached (the server's own)
   */
  publicBaseUrl?: string;
  /**
   * Proxies whose forwarded headers (`Forwarded`, `X-Forwarded-Host`, `X-Forwarded-Proto`) may
   * set the public address instead: `true` for every peer, or addresses / CIDR ranges /
   * `loopback`, `linklocal`, `uniquelocal`, as a list or comma-separated.
   * @default false (forwarded headers are ignored)
   */
  trustProxy?: TrustProxy;
  /**
   * The IDs the OpenAPI document shows in the examples of the module's operations, and Swagger UI
   * pre-fills `project_id` with (through `createBackupSharingDocument` or
   * `completeBackupSharingDocument`): a project and a backup a reader can try on this host.
   * @default neutral placeholder IDs
   */
  openApiExamples?: BackupSharingOpenApiExamples;
}

export interface BackupSharingEventOptions {
  /**
   * Run the dispatcher in this process. Turn it off in processes that should only write (the
   * events are then delivered by the instances that dispatch).
   * @default true
   */
  dispatch?: boolean;
  /**
   * How often the outbox is read for events of other instances or earlier runs.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Events claimed per round.
   * @default 100
   */
  batchSize?: number;
  /**
   * How long a claim lasts: after a crash, another instance delivers the claimed events once it
   * has lapsed. Longer than the slowest listener.
   * @default 30000
   */
  leaseMs?: number;
  /**
   * How long delivered events are kept before they are purged.
   * @default 604800000 (7 days)
   */
  retentionMs?: number;
  /**
   * How often delivered events are purged.
   * @default 3600000 (1 hour)
   */
  purgeIntervalMs?: number;
  /**
   * Name of this instance in the outbox's claims.
   * @default "<hostname>:<pid>:<random>"
   */
  instanceId?: string;
}

/** Registration-time settings that cannot come from an async factory. */
export interface BackupSharingModuleExtras {
  /**
   * Register the module globally, so host modules can inject `BackupSharingService` and use
   * `ProjectScopeGuard` without importing it.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Name of the host's TypeORM data source that holds the sharings table.
   * @default the default data source
   */
  dataSource?: string;
}

export const DEFAULT_MAX_SHARES_PER_BACKUP = 10;
export const DEFAULT_ADMIN_ROLE = 'admin';

/** What a `forRootAsync({ useClass })` / `useExisting` provider implements. */
export interface BackupSharingOptionsFactory {
  createBackupSharingOptions(): BackupSharingModuleOptions | Promise<BackupSharingModuleOptions>;
}
