const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sharing and backup IDs are UUIDs; anything else names nothing and needs no query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The one spelling of a UUID below the edge: lower case, as the module answers it. The same
 * backup typed in another case is the same backup, on every database.
 */
export function canonicalUuid(value: string): string {
  return value.toLowerCase();
}
