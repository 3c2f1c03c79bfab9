import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BackupSharingService } from '../../libs/backup-sharing/src';
import { DEMO_PROJECTS } from '../config/demo-tokens';
import { BackupEntity } from './backup.entity';

/** Fixed IDs, so that the README's curl walk-through works as written. */
export const DEMO_BACKUPS = {
  nightly: '066b1e37-9305-4057-97e5-2e99b21fc71d',
  weekly: '3f1b8a52-6c1e-4d0b-9a7e-2b5c8d9e0f11',
  encrypted: '8a2c4e6f-1b3d-4f5a-8c7e-9d0b1a2c3e44',
  failed: 'b7d9e1f3-5a6c-4e8b-9d0f-2a4c6e8b0d55',
  recipientOwn: 'c1e3a5b7-9d2f-4a6c-8e0b-1d3f5a7c9e66',
  /** Shared by the seed with the recipient project, so that a sharing ID exists from the start. */
  shared: 'd4f6a8c0-2b4d-4e6f-8a0c-3e5f7a9c1b77',
} as const;

/** What each demo backup is for: the README and the ready block list them. */
export const DEMO_BACKUP_NOTES: Record<keyof typeof DEMO_BACKUPS, string> = {
  nightly: 'db-nightly, owner project, available: share it',
  weekly: 'web-weekly, owner project, available',
  encrypted: 'keys-encrypted, owner project, encrypted: sharing it is a 400',
  failed: 'logs-failed, owner project, status error: sharing it is a 400',
  recipientOwn: 'recipient-data, recipient project',
  shared: 'app-shared, owner project, shared with the recipient project by the seed',
};

function demoBackup(id: string, projectId: string, name: string, extra: Partial<BackupEntity> = {}): BackupEntity {
  const createdAt = new Date('2026-11-01T08:00:00.000Z');
  return Object.assign(new BackupEntity(), {
    id,
    projectId,
    name,
    description: `Demo backup "${name}"`,
    status: 'available',
    size: 10,
    volumeId: '5024a06e-6990-4f12-9dcc-8fe26b01a710',
    availabilityZone: 'az1',
    snapshotId: null,
    container: 'backups',
    objectCount: 4,
    failReason: null,
    encryptionKeyId: null,
    createdAt,
    updatedAt: createdAt,
    dataTimestamp: createdAt,
    hasDependentBackups: false,
    isIncremental: false,
    serviceMetadata: null,
    ...extra,
  });
}

/**
 * Puts a few backups into an empty database for the demo tokens' projects. Touches nothing when
 * any backup exists, and never writes to other projects. True when it seeded.
 */
export async function seedDemoBackups(dataSource: DataSource): Promise<boolean> {
  const backups = dataSource.getRepository(BackupEntity);
  if ((await backups.count()) > 0) return false;
  await backups.insert([
    demoBackup(DEMO_BACKUPS.nightly, DEMO_PROJECTS.owner, 'db-nightly'),
    demoBackup(DEMO_BACKUPS.weekly, DEMO_PROJECTS.owner, 'web-weekly', { size: 40, availabilityZone: 'az2' }),
    demoBackup(DEMO_BACKUPS.encrypted, DEMO_PROJECTS.owner, 'keys-encrypted', {
      encryptionKeyId: '2f8b6c1d-3e5a-4b7c-9d1e-0f2a4b6c8d77',
    }),
    demoBackup(DEMO_BACKUPS.failed, DEMO_PROJECTS.owner, 'logs-failed', { status: 'error', failReason: 'Demo failure' }),
    demoBackup(DEMO_BACKUPS.recipientOwn, DEMO_PROJECTS.recipient, 'recipient-data'),
    demoBackup(DEMO_BACKUPS.shared, DEMO_PROJECTS.owner, 'app-shared', { size: 5 }),
  ]);
  new Logger('DemoSeed').log(`Seeded demo backups for projects ${DEMO_PROJECTS.owner} and ${DEMO_PROJECTS.recipient}.`);
  return true;
}

/** The active demo sharing's ID: `app-shared` shared with the recipient project; undefined when canceled. */
export async function findDemoSharing(sharing: BackupSharingService): Promise<string | undefined> {
  const filters = { backupId: DEMO_BACKUPS.shared, toProjectId: DEMO_PROJECTS.recipient };
  const page = { sortKey: 'created_at' as const, sortDir: 'desc' as const, limit: 1, offset: 0 };
  const [active] = await sharing.list(DEMO_PROJECTS.owner, filters, page);
  return active?.id;
}

/**
 * The demo sharing, made through the module's service as any share (its event included) when the
 * demo backups were just seeded. Resolves with the active demo sharing's ID: a person's first
 * "Try it out" on an operation that takes a sharing ID uses it.
 */
export async function seedDemoSharing(sharing: BackupSharingService, backupsSeededNow: boolean): Promise<string | undefined> {
  const active = await findDemoSharing(sharing);
  if (active || !backupsSeededNow) return active;
  const [created] = await sharing.share(DEMO_PROJECTS.owner, DEMO_BACKUPS.shared, [DEMO_PROJECTS.recipient]);
  new Logger('DemoSeed').log(`Seeded demo sharing ${created.id}: backup app-shared with project ${DEMO_PROJECTS.recipient}.`);
  return created.id;
}
