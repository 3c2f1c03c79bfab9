import { CreateBackupSharings1764300000000 } from './migrations/1764300000000-create-backup-sharings.migration';
import { CreateBackupSharingEvents1764400000000 } from './migrations/1764400000000-create-backup-sharing-events.migration';
import { CreateBackupSharingGuards1764500000000 } from './migrations/1764500000000-create-backup-sharing-guards.migration';

/** The module's migrations, in order, for the host to add to its own data source. */
export const backupSharingMigrations = [CreateBackupSharings1764300000000, CreateBackupSharingEvents1764400000000, CreateBackupSharingGuards1764500000000];
