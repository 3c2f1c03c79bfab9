import { Response } from 'supertest';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS, TestHost, expectFault, startTestHost, v2 } from './support/test-host';
import {
  SHARING,
  Who,
  as,
  createBackup,
  expectNothingWritten,
  expectRequestId,
  randomProjectId,
  shareOk,
  shareRequest,
  sharingRows,
} from './support/sharing-api';
import { queryRows } from './support/database-query';

const OWNER = DEMO_PROJECTS.owner;
const RECIPIENT = DEMO_PROJECTS.recipient;

interface Target {
  path: string;
  body?: unknown;
  /** After the admin's call succeeded: its effect landed in the owner project. */
  check?: (response: Response) => Promise<void>;
}

interface Route {
  method: 'get' | 'post' | 'delete';
  /** The route as the API documents it, for test names. */
  name: string;
  success: 200 | 202;
  /** A fresh target in the owner project, so that each call acts on something of its own. */
  prepare: () => Promise<Target>;
}

describe('authentication and project scope on every route', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const activeSharing = async (backupId: string, sharingId: string) =>
    sharingRows(host, 'id = ? AND backup_id = ? AND active = 1', [sharingId, backupId]);

  const routes: Route[] = [
    {
      method: 'post',
      name: `POST ${SHARING}`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        const target = randomProjectId();
        return {
          path: SHARING,
          body: shareRequest(backupId, [target]),
          check: async (response) => {
            expect(response.body.shared[0]).toMatchObject({ backup_id: backupId, from_project_id: OWNER, to_project_id: target });
          },
        };
      },
    },
    {
      method: 'get',
      name: `GET ${SHARING}/detail`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
        return {
          path: `${SHARING}/detail?backup_id=${backupId}`,
          check: async (response) => expect(response.body.shared.map((s: { id: string }) => s.id)).toEqual([sharing.id]),
        };
      },
    },
    {
      method: 'get',
      name: `GET ${SHARING}/count`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        await shareOk(host, backupId, [RECIPIENT, randomProjectId()]);
        return { path: `${SHARING}/count?backup_id=${backupId}`, check: async (response) => expect(response.body).toEqual({ count: 2 }) };
      },
    },
    {
      method: 'get',
      name: `GET ${SHARING}/{id}`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
        return { path: `${SHARING}/${sharing.id}`, check: async (response) => expect(response.body.shared.id).toBe(sharing.id) };
      },
    },
    {
      method: 'delete',
      name: `DELETE ${SHARING}/{id}`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
        return { path: `${SHARING}/${sharing.id}`, check: async () => expect(await activeSharing(backupId, sharing.id)).toBe(0) };
      },
    },
    {
      method: 'delete',
      name: `DELETE ${SHARING}/{backup_id}?is_backup_id=true`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
        return {
          path: `${SHARING}/${backupId}?is_backup_id=true`,
          check: async () => expect(await activeSharing(backupId, sharing.id)).toBe(0),
        };
      },
    },
    {
      method: 'delete',
      name: `DELETE ${SHARING}?backup_id=`,
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
        return { path: `${SHARING}?backup_id=${backupId}`, check: async () => expect(await activeSharing(backupId, sharing.id)).toBe(0) };
      },
    },
    {
      method: 'post',
      name: 'POST backups',
      success: 202,
      prepare: async () => ({
        path: 'backups',
        body: { backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: 'made-by-admin' } },
        check: async (response) => {
          const [row] = await queryRows(host.dataSource, 'SELECT project_id FROM backups WHERE id = ?', [response.body.backup.id]);
          expect(row.project_id).toBe(OWNER);
        },
      }),
    },
    {
      method: 'get',
      name: 'GET backups/detail',
      success: 200,
      prepare: async () => ({
        path: 'backups/detail',
        check: async (response) => {
          expect(response.body.backups.length).toBeGreaterThan(0);
          expect(response.body.backups.every((b: Record<string, unknown>) => b['os-backup-project-attr:project_id'] === OWNER)).toBe(true);
        },
      }),
    },
    {
      method: 'get',
      name: 'GET backups/{id}',
      success: 200,
      prepare: async () => {
        const backupId = await createBackup(host);
        return { path: `backups/${backupId}`, check: async (response) => expect(response.body.backup.id).toBe(backupId) };
      },
    },
    {
      method: 'delete',
      name: 'DELETE backups/{id}',
      success: 202,
      prepare: async () => {
        const backupId = await createBackup(host);
        return {
          path: `backups/${backupId}`,
          check: async () => expect((await as(host, 'owner').get(`backups/${backupId}`)).status).toBe(404),
        };
      },
    },
    {
      method: 'post',
      name: 'POST backups/{id}/action (os-reset_status)',
      success: 202,
      prepare: async () => {
        const backupId = await createBackup(host);
        return {
          path: `backups/${backupId}/action`,
          body: { 'os-reset_status': { status: 'error' } },
          check: async () => expect((await as(host, 'owner').get(`backups/${backupId}`)).body.backup.status).toBe('error'),
        };
      },
    },
  ];

  /** Sends the route's request to `/v2/{project}` with the given `X-Auth-Token` (none if undefined). */
  function send(route: Route, target: Target, project: Who, token?: string) {
    let test = host.http[route.method](`${v2(project)}/${target.path}`);
    if (token !== undefined) test = test.set('X-Auth-Token', token);
    return target.body === undefined ? test : test.send(target.body as object);
  }

  /** Every refusal: the status, the fault shape, the request ID, nothing written, nothing leaked. */
  async function expectRefusal(route: Route, project: Who, token: string | undefined, status: number, faultName: string) {
    const target = await route.prepare();
    const response = await expectNothingWritten(host, () => send(route, target, project, token));
    expect(response.status).toBe(status);
    expectFault(response.body, status, faultName);
    expectRequestId(response);
    // A refusal tells nothing of what the path names.
    for (const id of [DEMO_BACKUPS.nightly, ...target.path.match(/[0-9a-f-]{36}/g) ?? []]) expect(response.text).not.toContain(id);
    return response;
  }

  describe.each(routes)('$name', (route) => {
    it('no token: 401', async () => {
      const response = await expectRefusal(route, 'owner', undefined, 401, 'unauthorized');
      expect(response.body.unauthorized.error_code).toBe('BackupSharing.NotAuthenticated');
    });

    it('an empty or unknown token: 401', async () => {
      for (const token of ['', 'no-such-token', `${TOKENS.owner}x`, TOKENS.owner.toUpperCase(), DEMO_PROJECTS.owner]) {
        const response = await expectRefusal(route, 'owner', token, 401, 'unauthorized');
        expect(response.body.unauthorized.error_code).toBe('BackupSharing.NotAuthenticated');
      }
    });

    it("another project's token on the path: 403", async () => {
      for (const who of ['recipient', 'other'] as const) {
        const response = await expectRefusal(route, 'owner', TOKENS[who], 403, 'forbidden');
        expect(response.body.forbidden.error_code).toBe('BackupSharing.Forbidden');
        expect(response.body.forbidden.message).toContain(OWNER);
      }
    });

    it(`an admin token acting for the project: ${route.success}, on that project's data`, async () => {
      const target = await route.prepare();
      const response = await send(route, target, 'owner', TOKENS.admin);
      expect(response.status).toBe(route.success);
      expectRequestId(response);
      await target.check?.(response);
    });
  });

  it('a project ID in the path that is not one: 400, even for an admin', async () => {
    for (const token of [TOKENS.owner, TOKENS.admin]) {
      const response = await host.http.get(`/v2/bad.project/${SHARING}/detail`).set('X-Auth-Token', token);
      expect(response.status).toBe(400);
      expectFault(response.body, 400, 'badRequest');
    }
  });

  describe("no answer leaks another project's data", () => {
    let backupId: string;
    let sharingId: string;
    beforeAll(async () => {
      backupId = await createBackup(host, { name: 'secret-name' });
      [{ id: sharingId }] = await shareOk(host, backupId, [RECIPIENT]);
    });

    it('an unrelated project, on its own path, finds nothing of the owner by any filter', async () => {
      const other = as(host, 'other');
      for (const query of [
        '',
        '?share_to_me=true',
        `?backup_id=${backupId}`,
        `?from_project_id=${OWNER}`,
        `?share_to_me=true&from_project_id=${OWNER}`,
        `?to_project_id=${RECIPIENT}`,
        '?name=secret',
      ]) {
        const listed = await other.get(`${SHARING}/detail${query}`);
        expect(listed.status).toBe(200);
        expect(listed.body).toEqual({ shared: [] });
        expect((await other.get(`${SHARING}/count${query}`)).body).toEqual({ count: 0 });
      }
      expect((await other.get(`${SHARING}/${sharingId}`)).status).toBe(404);
      expect((await other.get(`backups/${backupId}`)).status).toBe(404);
      expect((await other.get('backups/detail')).body).toEqual({ backups: [] });
      const marker = await other.get(`${SHARING}/detail?marker=${sharingId}`);
      expect(marker.status).toBe(400);
      expect(marker.text).not.toContain('secret-name');
    });

    it('an unrelated project can neither share, cancel nor reset what is not its own', async () => {
      const other = as(host, 'other');
      const attempts = [
        () => other.post(SHARING, shareRequest(backupId, [randomProjectId()])),
        () => other.delete(`${SHARING}/${sharingId}`),
        () => other.delete(`${SHARING}/${backupId}?is_backup_id=true`),
        () => other.delete(`${SHARING}?backup_id=${backupId}`),
        () => other.delete(`backups/${backupId}`),
      ];
      for (const attempt of attempts) {
        const response = await expectNothingWritten(host, attempt);
        expect(response.status).toBe(404);
        expectFault(response.body, 404, 'itemNotFound');
        expect(response.text).not.toContain('secret-name');
        expect(response.text).not.toContain(OWNER);
      }
    });

    it('the recipient sees the sharing and the backup, but lists only its own backups and sharings made', async () => {
      const recipient = as(host, 'recipient');
      expect((await recipient.get(`${SHARING}/${sharingId}`)).body.shared.backup.name).toBe('secret-name');
      expect((await recipient.get(`backups/${backupId}`)).status).toBe(200);
      const own = await recipient.get('backups/detail');
      expect(own.body.backups.map((b: { id: string }) => b.id)).toEqual([DEMO_BACKUPS.recipientOwn]);
      expect((await recipient.get(`${SHARING}/detail?backup_id=${backupId}`)).body).toEqual({ shared: [] });
      // Receiving a backup gives no right to share it onwards.
      const reshare = await expectNothingWritten(host, () => recipient.post(SHARING, shareRequest(backupId, [randomProjectId()])));
      expect(reshare.status).toBe(404);
    });

    it("an admin acting for a project sees that project's data only", async () => {
      const forOther = await as(host, 'admin', 'other').get(`${SHARING}/detail`);
      expect(forOther.body).toEqual({ shared: [] });
      expect((await as(host, 'admin', 'other').get(`${SHARING}/${sharingId}`)).status).toBe(404);
      const forAdmin = await as(host, 'admin').get(`${SHARING}/count`);
      expect(forAdmin.body).toEqual({ count: 0 });
      const forRecipient = await as(host, 'admin', 'recipient').get(`${SHARING}/detail?share_to_me=true&backup_id=${backupId}`);
      expect(forRecipient.body.shared.map((s: { id: string }) => s.id)).toEqual([sharingId]);
    });
  });
});
