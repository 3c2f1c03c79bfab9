export const BACKUP_SHARING_CREATED = 'backup_sharing.created';
export const BACKUP_SHARING_CANCELED = 'backup_sharing.canceled';
export type BackupSharingEventType = typeof BACKUP_SHARING_CREATED | typeof BACKUP_SHARING_CANCELED;

/**
 * One change of one sharing, recorded in the same transaction as the change and delivered at
 * least once: listeners should be idempotent (the `id` is stable across redeliveries).
 */
export interface BackupSharingEvent {
  /** Stable event ID (UUID), the same on every delivery of this event. */
  id: string;
  type: BackupSharingEventType;
  sharingId: string;
  backupId: string;
  fromProjectId: string;
  toProjectId: string;
  occurredAt: Date;
  /** `X-Openstack-Request-Id` of the request that made the change, when there was one. */
  requestId: string | null;
}

/** Receives events; a rejection leaves the event to be delivered again later. */
export type BackupSharingEventListener = (event: BackupSharingEvent) => void | Promise<void>;
