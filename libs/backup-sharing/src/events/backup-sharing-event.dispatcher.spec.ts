import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BackupSharingModule } from '../backup-sharing.module';
import { BackupSharingService } from '../backup-sharing.service';
import { StaticTokenVerifier } from '../auth/static-token.verifier';
import { InMemoryBackupCatalog } from '../testing/in-memory-backup-catalog';
import { BackupSharingEvent } from './backup-sharing.event';
import { BackupSharingEventDispatcher } from './backup-sharing-event.dispatcher';
import { BackupSharingEvents } from './backup-sharing-events';
import { inMemoryBackupSharingDatabase } from '../testing/in-memory-database';

const OWNER = 'owner0000000000000000000000000001';
const ALICE = 'alice000000000000000000000000002';
const BOB = 'bob00000000000000000000000000003';

describe('events from the outbox (real SQLite)', () => {
  let app: INestApplicationContext;
  let service: BackupSharingService;
  let dispatcher: BackupSharingEventDispatcher;
  let received: BackupSharingEvent[];
  let backupId: string;

  beforeEach(async () => {
    const catalog = new InMemoryBackupCatalog();
    backupId = catalog.add(OWNER, randomUUID()).id;
    const moduleRef = await Test.createTestingModule({
      imports: [
        inMemoryBackupSharingDatabase(),
        BackupSharingModule.forRoot({
          backupCatalog: catalog,
          tokenVerifier: new StaticTokenVerifier({}),
          // Delivery only when the test flushes, so that it sees the outbox before delivery.
          events: { dispatch: false, retentionMs: 60_000 },
        }),
      ],
    }).compile();
    app = await moduleRef.init();
    service = app.get(BackupSharingService);
    dispatcher = app.get(BackupSharingEventDispatcher);
    received = [];
    app.get(BackupSharingEvents).subscribe((event) => {
      received.push(event);
    });
  });
  afterEach(() => app.close());

  const outbox = () =>
    app.get(DataSource).query('SELECT type, sharing_id, request_id, delivered_at, attempts FROM backup_sharing_events ORDER BY seq');

  it('records one event per changed sharing in the same transaction, and delivers each once', async () => {
    const [toAlice, toBob] = await service.share(OWNER, backupId, [ALICE, BOB], 'req-share');
    await service.cancel(OWNER, toAlice.id, 'req-cancel');
    await service.cancelAllOfBackup(OWNER, backupId, 'req-cancel-all');

    expect(await outbox()).toEqual([
      expect.objectContaining({ type: 'backup_sharing.created', sharing_id: toAlice.id, request_id: 'req-share', delivered_at: null }),
      expect.objectContaining({ type: 'backup_sharing.created', sharing_id: toBob.id, request_id: 'req-share' }),
      expect.objectContaining({ type: 'backup_sharing.canceled', sharing_id: toAlice.id, request_id: 'req-cancel' }),
      expect.objectContaining({ type: 'backup_sharing.canceled', sharing_id: toBob.id, request_id: 'req-cancel-all' }),
    ]);
    expect(received).toEqual([]);

    await dispatcher.flush();
    expect(received.map((e) => [e.type, e.sharingId])).toEqual([
      ['backup_sharing.created', toAlice.id],
      ['backup_sharing.created', toBob.id],
      ['backup_sharing.canceled', toAlice.id],
      ['backup_sharing.canceled', toBob.id],
    ]);
    expect(received[0]).toMatchObject({ backupId, fromProjectId: OWNER, toProjectId: ALICE, occurredAt: expect.any(Date) });
    expect((await outbox()).every((row: { delivered_at: unknown }) => row.delivered_at !== null)).toBe(true);

    await dispatcher.flush();
    expect(received).toHaveLength(4);
  });

  it('writes no event when a change fails', async () => {
    await service.share(OWNER, backupId, [ALICE]);
    await expect(service.share(OWNER, backupId, [BOB, ALICE])).rejects.toThrow('already shared');
    await expect(service.cancel(ALICE, randomUUID())).rejects.toThrow('could not be found');
    expect(await outbox()).toHaveLength(1);
  });

  it('delivers again after a listener fails', async () => {
    let failures = 1;
    app.get(BackupSharingEvents).subscribe(() => {
      if (failures-- > 0) throw new Error('listener down');
    });
    await service.share(OWNER, backupId, [ALICE]);
    await dispatcher.flush();
    const [failed] = await outbox();
    expect(failed).toMatchObject({ delivered_at: null, attempts: 1 });

    // The retry is due after the back-off; make it due now.
    await app.get(DataSource).query('UPDATE backup_sharing_events SET claimed_until = NULL');
    await dispatcher.flush();
    const [delivered] = await outbox();
    expect(delivered.delivered_at).not.toBeNull();
    expect(delivered.attempts).toBe(2);
    // At least once: the listener that succeeded the first time sees the event twice.
    expect(received.filter((e) => e.type === 'backup_sharing.created')).toHaveLength(2);
  });

  it('purges delivered events past the retention period and keeps the recent ones', async () => {
    await service.share(OWNER, backupId, [ALICE, BOB]);
    await dispatcher.flush();
    const dataSource = app.get(DataSource);
    await dataSource.query("UPDATE backup_sharing_events SET delivered_at = '2000-01-01 00:00:00.000' WHERE seq = 1");
    // A fresh dispatcher purges on its first round.
    const fresh = new BackupSharingEventDispatcher(app.get(BackupSharingEventDispatcher)['outbox'], new BackupSharingEvents(), {
      events: { retentionMs: 60_000 },
    } as never);
    await fresh.flush();
    expect((await outbox()).map((row: { delivered_at: unknown }) => row.delivered_at !== null)).toEqual([true]);
  });
});
