const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sharing and backup IDs are UUIDs; anything else names nothing and needs no query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
