// The public API of the backup-sharing module: what a host imports, nothing more.
export { BackupSharingModule } from './backup-sharing.module';
export {
  BACKUP_SHARING_OPTIONS,
  BACKUP_SHARING_ASYNC_OPTIONS_TYPE,
  BACKUP_SHARING_OPTIONS_TYPE,
  backupSharingEntities,
} from './backup-sharing.module-definition';
export {
  BackupSharingModuleExtras,
  BackupSharingModuleOptions,
  BackupSharingOptionsFactory,
  DEFAULT_ADMIN_ROLE,
  DEFAULT_MAX_SHARES_PER_BACKUP,
} from './backup-sharing.options';
export { BackupSharingService } from './backup-sharing.service';
export { BackupSharing, BackupSharingWithBackup } from './backup-sharing.types';
export * from './backup-sharing.errors';
export * from './dependency.errors';
export { translateDatabaseError, withDatabaseErrorsTranslated } from './persistence/database-errors';
export { SqlDialect, isPostgres, sqlDialectOf } from './persistence/sql-dialect';
export { SqlExecutor, SqlRunner } from './persistence/sql-executor';
export { MediaTypeMiddleware, acceptsJson } from './http/media-type.middleware';
export { replyWithFault } from './http/fault.reply';
export { EVERY_PATH, methodNotAllowedMiddleware } from './http/method-not-allowed.middleware';
export { httpEdgeMiddleware } from './http/http-edge.middleware';
export { BackupCatalog, CatalogBackup } from './ports/backup-catalog.port';
export { Identity, TokenVerifier } from './auth/token-verifier.port';
export { StaticTokenEntry, StaticTokenVerifier } from './auth/static-token.verifier';
export { Caller, CurrentCaller, ProjectScopeGuard } from './auth/project-scope.guard';
export { PolicyTarget, SHARING_RULES, SharingPolicy, SharingPolicyRule, SharingRule, enforceSharingPolicy } from './auth/sharing-policy.port';
export { DefaultSharingPolicy } from './auth/default-sharing.policy';
export { KeystoneServiceCredentials, KeystoneTokenVerifier, KeystoneTokenVerifierOptions } from './auth/keystone-token.verifier';
export { JwtKeySource, JwtTokenVerifier, JwtTokenVerifierOptions } from './auth/jwt-token.verifier';
export { FAULT_NAMES, FaultFilter, toFault } from './http/fault.filter';
export { REQUEST_ID_HEADER, RequestIdMiddleware, assignRequestId, requestIdOf } from './http/request-id.middleware';
export { backupSharingMigrations } from './persistence/backup-sharing.migrations';
export { MigrationLockOptions, runMigrationsExclusively } from './persistence/migrations.lock';
export { projectIdCollation, timestampColumn } from './persistence/migrations/1764300000000-create-backup-sharings.migration';
export { validationPipe } from './backup-sharing.controller';
export { ApiProjectScope, BACKUP_SHARING_TAG, SECURITY_SCHEME } from './http/backup-sharing.api-docs';
export { ApiFaults, FaultDoc, FaultDocs, FaultExample, JSON_BODY_FAULTS, PROJECT_SCOPED_FAULTS, mergeFaultDocs } from './http/fault.api-docs';
export {
  BACKUP_SHARING_SECURITY_SCHEME,
  backupSharingDocumentConfig,
  createBackupSharingDocument,
  pathParametersFirst,
  withBackupSharingDocs,
} from './http/backup-sharing.openapi';
export { FAULT_TYPES, FaultDetail, FaultStatus, faultBody } from './dto/fault.response';
export { formatTimestamp, toSharedBackupView } from './dto/backup-sharing.mapper';
export { canonicalUuid, isUuid } from './dto/uuid';
export * from './dto/backup-sharing.response';
export { ShareBackupRequest } from './dto/share-backup.request';
export {
  BACKUP_SHARING_CANCELED,
  BACKUP_SHARING_CREATED,
  BackupSharingEvent,
  BackupSharingEventListener,
  BackupSharingEventType,
} from './events/backup-sharing.event';
export { BackupSharingEvents } from './events/backup-sharing-events';
export { BackupSharingEventDispatcher } from './events/backup-sharing-event.dispatcher';
export { BackupSharingEventOptions } from './backup-sharing.options';
