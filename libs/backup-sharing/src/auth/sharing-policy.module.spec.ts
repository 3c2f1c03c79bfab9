import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { BackupSharingModule } from '../backup-sharing.module';
import { BackupSharingModuleOptions } from '../backup-sharing.options';
import { BackupSharingService } from '../backup-sharing.service';
import { InMemoryBackupCatalog } from '../testing/in-memory-backup-catalog';
import { DefaultSharingPolicy } from './default-sharing.policy';
import { PolicyTarget, SharingRule } from './sharing-policy.port';
import { StaticTokenVerifier } from './static-token.verifier';
import { Identity } from './token-verifier.port';
import { inMemoryBackupSharingDatabase } from '../testing/in-memory-database';

const OWNER = 'owner0000000000000000000000000001';
const RECIPIENT = 'recipient000000000000000000000002';
const BACKUP = '066b1e37-9305-4057-97e5-2e99b21fc71d';
const SHARINGS = '/os-vendor-backup-sharing';

const tokens = new StaticTokenVerifier({
  owner: { project_id: OWNER, roles: ['member'] },
  'owner-reader': { project_id: OWNER, roles: ['reader'] },
  recipient: { project_id: RECIPIENT, roles: ['member'] },
  'cloud-admin': { project_id: 'ops', roles: ['cloud-admin'] },
  admin: { project_id: 'ops', roles: ['admin'] },
});

/** A host's policy: readers may only read, and recipients may not even read a sharing. */
class StricterPolicy extends DefaultSharingPolicy {
  override allows(rule: SharingRule, target: PolicyTarget, credentials: Identity): boolean {
    if (!super.allows(rule, target, credentials)) return false;
    const writes = rule === 'backup_sharing:create' || rule === 'backup_sharing:cancel';
    if (writes && !credentials.roles.includes('member')) return false;
    return !(rule === 'backup_sharing:get' && target.sharing?.toProjectId === target.projectId);
  }
}

async function host(options: Partial<BackupSharingModuleOptions>): Promise<INestApplication> {
  const catalog = new InMemoryBackupCatalog();
  catalog.add(OWNER, BACKUP);
  const moduleRef = await Test.createTestingModule({
    imports: [
      inMemoryBackupSharingDatabase(),
      BackupSharingModule.forRoot({ backupCatalog: catalog, tokenVerifier: tokens, ...options }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

function share(app: INestApplication, token: string) {
  return request(app.getHttpServer())
    .post(`/v2/${OWNER}${SHARINGS}`)
    .set('X-Auth-Token', token)
    .send({ shared: { backup_id: BACKUP, to_project_ids: [RECIPIENT] } });
}

describe('the sharingPolicy option', () => {
  let app: INestApplication;
  afterEach(() => app?.close());

  it('a host policy refuses rules with 403 and writes nothing; allowed rules still work', async () => {
    app = await host({ sharingPolicy: new StricterPolicy() });
    const refused = await share(app, 'owner-reader');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      forbidden: { code: 403, message: 'Policy does not allow backup_sharing:create to be performed.', error_code: 'BackupSharing.Forbidden' },
    });
    expect(await app.get(BackupSharingService).isSharedWith(BACKUP, RECIPIENT)).toBe(false);

    const reading = await request(app.getHttpServer()).get(`/v2/${OWNER}${SHARINGS}/detail`).set('X-Auth-Token', 'owner-reader');
    expect(reading.status).toBe(200);

    const created = await share(app, 'owner');
    expect(created.status).toBe(200);
    const id = created.body.shared[0].id;

    // Checked on the sharing itself: the recipient sees it in lists but may not open it.
    const shown = await request(app.getHttpServer()).get(`/v2/${RECIPIENT}${SHARINGS}/${id}`).set('X-Auth-Token', 'recipient');
    expect(shown.status).toBe(403);
    expect(shown.body.forbidden.message).toBe(`Policy does not allow backup_sharing:get to be performed on backup sharing ${id}.`);

    const cancel = await request(app.getHttpServer()).delete(`/v2/${OWNER}${SHARINGS}/${id}`).set('X-Auth-Token', 'owner-reader');
    expect(cancel.status).toBe(403);
    expect(await app.get(BackupSharingService).isSharedWith(BACKUP, RECIPIENT)).toBe(true);
  });

  it('without it, the default policy takes the admin role name from adminRole', async () => {
    app = await host({ adminRole: 'cloud-admin' });
    expect((await share(app, 'admin')).status).toBe(403);
    expect((await share(app, 'cloud-admin')).status).toBe(200);
  });

  it('the default policy lets the recipient read a sharing but not cancel it', async () => {
    app = await host({});
    const id = (await share(app, 'owner')).body.shared[0].id;
    const shown = await request(app.getHttpServer()).get(`/v2/${RECIPIENT}${SHARINGS}/${id}`).set('X-Auth-Token', 'recipient');
    expect(shown.status).toBe(200);
    const cancel = await request(app.getHttpServer()).delete(`/v2/${RECIPIENT}${SHARINGS}/${id}`).set('X-Auth-Token', 'recipient');
    expect(cancel.status).toBe(403);
    expect(cancel.body.forbidden.message).toBe(`Backup sharing ${id} can be canceled only by the project that shared it.`);
    expect(await app.get(BackupSharingService).isSharedWith(BACKUP, RECIPIENT)).toBe(true);
  });

  it('a value that is not a policy fails at boot, naming the option', async () => {
    await expect(host({ sharingPolicy: { allows: () => true } as never })).rejects.toThrow(
      /option "sharingPolicy" is missing mayActFor, isAdmin/,
    );
  });
});

describe('a host tokenVerifier that throws', () => {
  let app: INestApplication;
  afterEach(() => app?.close());

  it('answers 502 badGateway in the fault shape, not 500, and writes nothing', async () => {
    const failing = new (class extends StaticTokenVerifier {
      override async verify(): Promise<Identity | undefined> {
        throw new TypeError('socket hang up');
      }
    })({});
    app = await host({ tokenVerifier: failing });
    const response = await share(app, 'owner');
    expect(response.status).toBe(502);
    expect(response.body.badGateway).toMatchObject({ code: 502, error_code: 'BackupSharing.IdentityServiceFailed' });
    expect(response.text).not.toContain('socket hang up');
    expect(await app.get(BackupSharingService).isSharedWith(BACKUP, RECIPIENT)).toBe(false);
  });
});
