import { BackupSharingError } from './backup-sharing.errors';

/**
 * Failures of what the module depends on (its database, the host's backup catalog) and of
 * features a host turned off. Like every domain error they carry no HTTP.
 */

/** A feature the host turned off by configuration, e.g. `cancelAllEnabled: false`. */
export class FeatureDisabledError extends BackupSharingError {
  readonly kind = 'disabled';
  readonly code = 'BackupSharing.FeatureDisabled';
}

/**
 * A dependency failed: the client gets a fixed message; the original failure is kept as `cause`
 * for the log, never shown (it may hold SQL, addresses or a remote service's words).
 */
abstract class DependencyFailedError extends BackupSharingError {
  constructor(message: string, cause: unknown) {
    super(message);
    this.cause = cause;
  }
}

/** The host's `BackupCatalog` failed: the module could not learn about the backup. */
export class BackupCatalogFailedError extends DependencyFailedError {
  readonly kind = 'upstream-failed';
  readonly code = 'BackupSharing.BackupCatalogFailed';
  constructor(cause: unknown) {
    super("The host's backup catalog failed; retry later.", cause);
  }
}

/** The database cannot be reached (refused, lost, no free connection in time). */
export class DatabaseUnavailableError extends DependencyFailedError {
  readonly kind = 'unavailable';
  readonly code = 'BackupSharing.DatabaseUnavailable';
  constructor(cause: unknown) {
    super('The database cannot be reached; retry later.', cause);
  }
}

/** A database call ran past its configured time limit; the statement was abandoned. */
export class DatabaseTimeoutError extends DependencyFailedError {
  readonly kind = 'timeout';
  readonly code = 'BackupSharing.DatabaseTimeout';
  constructor(cause: unknown) {
    super('A database call ran past its time limit; retry later.', cause);
  }
}
