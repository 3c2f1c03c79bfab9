import { BackupSharingError } from '../backup-sharing.errors';
import { BackupCatalogFailedError } from '../dependency.errors';

/**
 * Runs one call of the host's `BackupCatalog`. A catalog may throw the module's own errors (a
 * catalog on the module's database translates outages to 503/504 with
 * `withDatabaseErrorsTranslated`); anything else it throws means the catalog failed, which the
 * client sees as a 502, never as a 500 of the module.
 */
export async function askCatalog<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof BackupSharingError ? error : new BackupCatalogFailedError(error);
  }
}
