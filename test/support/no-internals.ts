/**
 * An answer tells the client what to do, never how the server is built: no SQL, table names,
 * driver codes or messages, addresses or ports, stack frames.
 */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(
    /SELECT|INSERT|UPDATE|backup_sharings|backups_away|ER_|SQLITE|ECONN|ETIMEDOUT|PROTOCOL_|no such table|doesn't exist|127\.0\.0\.1|:\d{4,5}\b|\bat \w+ \(/i,
  );
}
