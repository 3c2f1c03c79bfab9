// Test doubles for a host's own tests: `nestjs-backup-sharing/testing`.
export { InMemoryBackupCatalog } from './in-memory-backup-catalog';
export { inMemoryBackupSharingDatabase, openInMemoryBackupSharingDatabase } from './in-memory-database';
export { FakeKeystone, FakeKeystoneToken } from './fake-keystone.server';
export { LocalJwksServer } from './local-jwks.server';
