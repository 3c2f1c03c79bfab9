/**
 * A SQL condition, for a host's own query of its backups: "the backup whose ID is in
 * `backupIdColumn` is shared with the project bound at the one `?`" (an active sharing). With it
 * a host reads a backup for its owner or a recipient in one query scoped by project, e.g.
 * `WHERE id = ? AND (project_id = ? OR ${backupSharedWith('backups.id')})`, instead of loading
 * it by bare ID and checking afterwards. It reads the unique index (backup, target, active).
 */
export function backupSharedWith(backupIdColumn: string): string {
  return `EXISTS (SELECT 1 FROM backup_sharings shared WHERE shared.backup_id = ${backupIdColumn} AND shared.to_project_id = ? AND shared.active = 1)`;
}
