import { echoId } from './dto/input-echo';

/**
 * Domain errors of the backup-sharing module.
 *
 * They carry no HTTP: each names a `kind` (what went wrong, in domain terms) and a stable
 * machine-readable `code`. Only the module's fault filter turns a kind into a status and a
 * Cinder fault body, so the service stays usable outside HTTP (jobs, other transports).
 */
export type BackupSharingErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'disabled'
  | 'upstream-failed'
  | 'unavailable'
  | 'timeout';

export abstract class BackupSharingError extends Error {
  abstract readonly kind: BackupSharingErrorKind;
  /** Stable identifier clients may branch on, e.g. `BackupSharing.ShareNotFound`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request field or query value is missing or malformed. */
export class InvalidRequestError extends BackupSharingError {
  readonly kind = 'invalid';
  readonly code = 'BackupSharing.InvalidRequest';
}

/** The backup exists and is the caller's, but its state forbids sharing it. */
export class BackupNotShareableError extends BackupSharingError {
  readonly kind = 'invalid';
  constructor(
    message: string,
    readonly code: 'BackupSharing.BackupNotAvailable' | 'BackupSharing.BackupEncrypted',
  ) {
    super(message);
  }
}

/** A target project is the owner itself or is named twice. */
export class InvalidShareTargetError extends BackupSharingError {
  readonly kind = 'invalid';
  readonly code = 'BackupSharing.InvalidTarget';
}

/** The share would exceed the configured number of projects per backup. */
export class ShareLimitExceededError extends BackupSharingError {
  readonly kind = 'invalid';
  readonly code = 'BackupSharing.ShareLimitExceeded';
}

export class BackupNotFoundError extends BackupSharingError {
  readonly kind = 'not-found';
  readonly code = 'BackupSharing.BackupNotFound';
  constructor(readonly backupId: string) {
    super(`Backup ${echoId(backupId)} could not be found.`);
  }
}

export class ShareNotFoundError extends BackupSharingError {
  readonly kind = 'not-found';
  readonly code = 'BackupSharing.ShareNotFound';
  constructor(readonly shareId: string) {
    super(`Backup sharing ${echoId(shareId)} could not be found.`);
  }
}

export class AlreadySharedError extends BackupSharingError {
  readonly kind = 'conflict';
  readonly code = 'BackupSharing.AlreadyShared';
  constructor(
    readonly backupId: string,
    readonly projectIds: string[] = [],
  ) {
    super(
      projectIds.length > 0
        ? `Backup ${backupId} is already shared with project(s) ${projectIds.join(', ')}.`
        : `Backup ${backupId} is already shared with one of the requested projects.`,
    );
  }
}

/** Another request changed the same sharings at the same moment; retrying is safe. */
export class ConcurrentChangeError extends BackupSharingError {
  readonly kind = 'conflict';
  readonly code = 'BackupSharing.ConcurrentChange';
  /** `cause`: the database's last refusal, for the log. */
  constructor(cause?: unknown) {
    super('The backup sharing was changed by a concurrent request; retry the request.', cause === undefined ? undefined : { cause });
  }
}

export class NotAuthenticatedError extends BackupSharingError {
  readonly kind = 'unauthenticated';
  readonly code = 'BackupSharing.NotAuthenticated';
  /** What the identity service asks clients to present (`WWW-Authenticate`), if anything. */
  constructor(
    message: string,
    readonly challenge?: string,
  ) {
    super(message);
  }
}

export class NotAuthorizedError extends BackupSharingError {
  readonly kind = 'forbidden';
  readonly code = 'BackupSharing.Forbidden';
}

/**
 * The identity service (Keystone, a JWKS endpoint) could not be reached or answered nonsense.
 * The caller's token was not judged, so this is never reported as a 401.
 */
export class IdentityServiceFailedError extends BackupSharingError {
  readonly kind = 'upstream-failed';
  readonly code = 'BackupSharing.IdentityServiceFailed';
}

/** The identity service did not answer within the configured time limit. */
export class IdentityServiceTimeoutError extends BackupSharingError {
  readonly kind = 'timeout';
  readonly code = 'BackupSharing.IdentityServiceTimeout';
}
