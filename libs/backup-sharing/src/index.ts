// The public API of the backup-sharing module: what a host imports, nothing more. Test doubles
// are in `nestjs-backup-sharing/testing`. Anything not exported here may change in any release.

// The module, its registration and options.
export { BackupSharingModule } from './backup-sharing.module';
export {
  BACKUP_SHARING_OPTIONS,
  BACKUP_SHARING_ASYNC_OPTIONS_TYPE,
  BACKUP_SHARING_OPTIONS_TYPE,
  backupSharingEntities,
} from './backup-sharing.module-definition';
export {
  BackupSharingEventOptions,
  BackupSharingModuleExtras,
  BackupSharingModuleOptions,
  BackupSharingOptionsFactory,
  DEFAULT_ADMIN_ROLE,
  DEFAULT_MAX_SHARES_PER_BACKUP,
} from './backup-sharing.options';

// The host's side of the contract.
export { BackupSharingService } from './backup-sharing.service';
export { BackupSharing, BackupSharingWithBackup } from './backup-sharing.types';

// Ports the host implements, and what helps it implement them.
export { BackupCatalog, CatalogBackup } from './ports/backup-catalog.port';
export { CatalogReader, catalogReader } from './persistence/catalog-reader';
export { backupSharedWith } from './persistence/shared-with.sql';
export { withDatabaseErrorsTranslated } from './persistence/database-errors';
export { Identity, TokenVerifier } from './auth/token-verifier.port';

// Verifiers.
export { StaticTokenEntry, StaticTokenVerifier } from './auth/static-token.verifier';
export { KeystoneServiceCredentials, KeystoneTokenVerifier, KeystoneTokenVerifierOptions } from './auth/keystone-token.verifier';
export { JwtKeySource, JwtTokenVerifier, JwtTokenVerifierOptions } from './auth/jwt-token.verifier';

// Policy, and the project scope for a host's own routes.
export { PolicyTarget, SHARING_RULES, SharingPolicy, SharingPolicyRule, SharingRule } from './auth/sharing-policy.port';
export { DefaultSharingPolicy } from './auth/default-sharing.policy';
export { Caller, CurrentCaller, ProjectScopeGuard } from './auth/project-scope.guard';

// Errors, and the fault shape for a host's own routes.
export * from './backup-sharing.errors';
export * from './dependency.errors';
export { FaultFilter, toFault } from './http/fault.filter';
export { replyWithFault } from './http/fault.reply';
export { FaultValidationPipe } from './http/fault-validation.pipe';
export { applyHttpEdge, hostHeaderFault } from './http/http-edge.middleware';

// The HTTP edge a host shares with the module: public links, query strings and bodies read the
// same way on its own routes and on both adapters.
export { PublicAddress, PublicAddressOptions, TrustProxy } from './http/public-address';
export { ParsedQuery, parseQueryString, queryStringFault, searchOf } from './http/query-string';
export { pathAndQueryOf } from './http/next-page-link';
export { BODY_FAULT_MESSAGES, bodyFaultOf } from './http/body-faults';
export { isJsonContentType } from './http/media-type.middleware';
export { REQUEST_ID_HEADER, assignRequestId, requestIdOf } from './http/request-id.middleware';
export { FaultDetail, FaultStatus } from './dto/fault.response';

// Events.
export {
  BACKUP_SHARING_CANCELED,
  BACKUP_SHARING_CREATED,
  BackupSharingEvent,
  BackupSharingEventListener,
  BackupSharingEventType,
} from './events/backup-sharing.event';
export { BackupSharingEvents } from './events/backup-sharing-events';
export { BackupSharingEventDispatcher } from './events/backup-sharing-event.dispatcher';

// Request and response types.
export * from './dto/backup-sharing.response';
export { ShareBackupRequest } from './dto/share-backup.request';
export { toSharedBackupView } from './dto/backup-sharing.mapper';
export { canonicalUuid, isUuid } from './dto/uuid';

// OpenAPI.
export { ApiProjectScope, BACKUP_SHARING_TAG, SECURITY_SCHEME } from './http/backup-sharing.api-docs';
export { ApiFaults, FaultDoc, FaultDocs, FaultExample, JSON_BODY_FAULTS, PROJECT_SCOPED_FAULTS, mergeFaultDocs } from './http/fault.api-docs';
export {
  BACKUP_SHARING_SECURITY_SCHEME,
  backupSharingDocumentConfig,
  completeBackupSharingDocument,
  createBackupSharingDocument,
  withBackupSharingDocs,
} from './http/backup-sharing.openapi';
export { BackupSharingOpenApiExamples, applyOpenApiExamples } from './http/openapi-examples';

// Database.
export { backupSharingMigrations } from './persistence/backup-sharing.migrations';
export { MigrationLockOptions, runMigrationsExclusively } from './persistence/migrations.lock';
export { projectIdCollation, timestampColumn } from './persistence/migrations/1764300000000-create-backup-sharings.migration';
