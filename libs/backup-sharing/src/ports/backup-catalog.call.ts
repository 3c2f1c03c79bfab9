import { BackupSharingError } from '../backup-sharing.errors';
import { BackupCatalogFailedError } from '../dependency.errors';
import { TELEMETRY_ATTRIBUTES, telemetry } from '../telemetry/backup-sharing.telemetry';
import type { Span } from '@opentelemetry/api';

/** The methods of `BackupCatalog`. */
type CatalogMethod = 'findOwned' | 'describe';

/** Name and attributes of each method's span, built once. */
const SPANS: Record<CatalogMethod, { name: string; attributes: { [TELEMETRY_ATTRIBUTES.catalogMethod]: CatalogMethod } }> = {
  findOwned: { name: 'backup_sharing.catalog.findOwned', attributes: { [TELEMETRY_ATTRIBUTES.catalogMethod]: 'findOwned' } },
  describe: { name: 'backup_sharing.catalog.describe', attributes: { [TELEMETRY_ATTRIBUTES.catalogMethod]: 'describe' } },
};

/**
 * Runs one call of the host's `BackupCatalog` (a span of its own under `parent`, else the active
 * span, when it records). A
 * catalog may throw the module's own errors (a catalog on the module's database translates
 * outages to 503/504 with `withDatabaseErrorsTranslated`); anything else it throws means the
 * catalog failed, which the client sees as a 502, never as a 500 of the module.
 */
export async function askCatalog<T>(method: CatalogMethod, call: () => Promise<T>, parent?: Span): Promise<T> {
  const span = SPANS[method];
  try {
    return await telemetry.inActiveSpan(span.name, span.attributes, call, parent);
  } catch (error) {
    throw error instanceof BackupSharingError ? error : new BackupCatalogFailedError(error);
  }
}
