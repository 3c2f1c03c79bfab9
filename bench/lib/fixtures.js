'use strict';
// The data the benchmarks run on: projects, tokens, backups and sharings with IDs that follow
// from their number, so that every process (load generator, host, baseline) can name them
// without asking the database. Rows are written with multi-row INSERTs, in batches.

/** A UUID whose last groups carry `group` and `n`: `0000000g-0000-4000-8000-nnnnnnnnnnnn`. */
function uuid(group, n) {
  return `${group.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const GROUPS = { ownerBackup: 1, shareBackup: 2, cancelBackup: 3, ownerSharing: 11, cancelSharing: 13, scaleBackup: 21, scaleSharing: 31 };

/** The projects of the throughput bench, each with one member token. */
const PROJECTS = {
  /** Reads: get, list and count run on its 1,000 sharings. */
  owner: 'benchowner000000000000000000000a',
  /** Shares its backups, one new sharing per request. */
  share: 'benchshare000000000000000000000b',
  /** Cancels its sharings, one per request. */
  cancel: 'benchcancel00000000000000000000c',
};
const TOKENS = { owner: 'bench-owner-token', share: 'bench-share-token', cancel: 'bench-cancel-token' };

function staticTokens() {
  return Object.fromEntries(Object.entries(TOKENS).map(([key, token]) => [token, { project_id: PROJECTS[key], roles: ['member'] }]));
}

/** A recipient project ID (`bench-t-<n>`). */
const target = (n) => `benchtarget${String(n).padStart(6, '0')}`;

const BACKUP_COLUMNS = [
  'id', 'project_id', 'name', 'description', 'status', 'size', 'volume_id', 'availability_zone', 'snapshot_id', 'container',
  'object_count', 'fail_reason', 'encryption_key_id', 'created_at', 'updated_at', 'data_timestamp', 'has_dependent_backups',
  'is_incremental', 'service_metadata',
];
const SHARING_COLUMNS = [
  'id', 'backup_id', 'from_project_id', 'to_project_id', 'active', 'created_at', 'updated_at', 'deleted_at',
  'backup_name', 'backup_status', 'backup_size', 'backup_volume_id', 'backup_availability_zone',
];
const ZONES = ['az1', 'az2', 'az3'];
const EPOCH = Date.UTC(2026, 0, 1);

/**
 * A backup row of the host's table; its attributes vary with `n` so that filters and sorts have
 * work (one in 50 is in `error`, unless `shareable`).
 */
function backupRow(id, projectId, n, shareable = false) {
  const at = new Date(EPOCH + n * 1000);
  return {
    id, project_id: projectId, name: `backup-${String(n).padStart(7, '0')}`, description: `bench backup ${n}`,
    status: n % 50 === 0 && !shareable ? 'error' : 'available', size: 1 + (n % 100), volume_id: uuid(0x7f, n % 5000),
    availability_zone: ZONES[n % ZONES.length], snapshot_id: null, container: 'backups', object_count: 4, fail_reason: null,
    encryption_key_id: null, created_at: at, updated_at: at, data_timestamp: at, has_dependent_backups: false,
    is_incremental: false, service_metadata: null,
  };
}

/** A sharing row with the copy of its backup's attributes, as the module writes it. */
function sharingRow(id, backup, toProjectId, n) {
  const at = new Date(EPOCH + 86_400_000 + n * 10);
  return {
    id, backup_id: backup.id, from_project_id: backup.project_id, to_project_id: toProjectId, active: 1,
    created_at: at, updated_at: at, deleted_at: null, backup_name: backup.name, backup_status: backup.status,
    backup_size: backup.size, backup_volume_id: backup.volume_id, backup_availability_zone: backup.availability_zone,
  };
}

const GUARD_COLUMNS = [
  'backup_id', 'owner_project_id', 'deleted', 'encrypted', 'backup_name', 'backup_status', 'backup_size', 'backup_volume_id',
  'backup_availability_zone', 'active_count', 'version',
];

/** The guard row of each backup of `sharings` (active ones), holding their number, as the module keeps it. */
function guardRowsOf(sharings) {
  const guards = new Map();
  for (const sharing of sharings) {
    const guard = guards.get(sharing.backup_id);
    if (guard) {
      guard.active_count += 1;
      continue;
    }
    guards.set(sharing.backup_id, {
      backup_id: sharing.backup_id, owner_project_id: sharing.from_project_id, deleted: 0, encrypted: 0,
      backup_name: sharing.backup_name, backup_status: sharing.backup_status, backup_size: sharing.backup_size,
      backup_volume_id: sharing.backup_volume_id, backup_availability_zone: sharing.backup_availability_zone, active_count: 1, version: 0,
    });
  }
  return [...guards.values()];
}

module.exports = {
  uuid, GROUPS, PROJECTS, TOKENS, staticTokens, target, BACKUP_COLUMNS, SHARING_COLUMNS, GUARD_COLUMNS, backupRow, sharingRow, guardRowsOf,
};
