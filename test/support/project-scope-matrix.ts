import { randomBytes } from 'node:crypto';
import { Response } from 'supertest';
import { TestHost, expectFault } from './test-host';
import { SHARING, expectNothingWritten, expectRequestId, shareRequest } from './sharing-api';

/**
 * Who calls, as an identity service sees it. The token kinds a strategy cannot produce (a
 * revoked JWT, say) are left out by the file that runs the matrix.
 */
export type CallerKind =
  | 'none'
  | 'malformed'
  | 'expired'
  | 'revoked'
  | 'forged'
  | 'other'
  | 'recipient'
  | 'owner'
  | 'admin';

export interface MatrixContext {
  host: TestHost;
  /** Project IDs as the identity service knows them; `admin` is the admin token's own project. */
  projects: { owner: string; recipient: string; other: string; admin: string };
  /** A token per caller kind (all but `none`). */
  tokens: Partial<Record<CallerKind, string>>;
  /** `WWW-Authenticate` expected on every 401, or undefined when the strategy sends none. */
  challenge?: string;
}

interface Fixture {
  backupId: string;
  backupName: string;
  sharingId?: string;
}

interface Route {
  name: string;
  method: 'get' | 'post' | 'delete';
  /** 200 or 202 for the owner and an admin; the owner gets 403 where only an admin may. */
  success: number;
  adminOnly?: boolean;
  needsSharing?: boolean;
  path: (f: Fixture) => string;
  body?: (f: Fixture, c: MatrixContext) => unknown;
  /** After a success: the effect, seen by the owner. */
  effect?: (response: Response, f: Fixture, c: MatrixContext) => Promise<void>;
}

const VOLUME = '5024a06e-6990-4f12-9dcc-8fe26b01a710';

/** Requests under `/v2/{project}` with `token` (none when undefined). */
export function client(c: MatrixContext, project: string, token: string | undefined) {
  const send = (method: 'get' | 'post' | 'delete', path: string, body?: unknown) => {
    let test = c.host.http[method](`/v2/${project}/${path}`);
    if (token !== undefined) test = test.set('X-Auth-Token', token);
    return body === undefined ? test : test.send(body as object);
  };
  return {
    get: (path: string) => send('get', path),
    post: (path: string, body?: unknown) => send('post', path, body),
    delete: (path: string) => send('delete', path),
    send,
  };
}

const owner = (c: MatrixContext) => client(c, c.projects.owner, c.tokens.owner);

async function createBackup(c: MatrixContext, name: string, as = owner(c)): Promise<string> {
  const response = await as.post('backups', { backup: { volume_id: VOLUME, name } });
  expect(response.status).toBe(202);
  return response.body.backup.id;
}

async function share(c: MatrixContext, backupId: string, to: string, as = owner(c)): Promise<string> {
  const response = await as.post(SHARING, shareRequest(backupId, [to]));
  expect(response.status).toBe(200);
  return response.body.shared[0].id;
}

async function fixture(c: MatrixContext, withSharing: boolean): Promise<Fixture> {
  const backupName = `secret-${randomBytes(6).toString('hex')}`;
  const backupId = await createBackup(c, backupName);
  return { backupId, backupName, sharingId: withSharing ? await share(c, backupId, c.projects.recipient) : undefined };
}

async function isActive(c: MatrixContext, sharingId: string): Promise<boolean> {
  return (await owner(c).get(`${SHARING}/${sharingId}`)).status === 200;
}

const ROUTES: Route[] = [
  {
    name: `POST ${SHARING}`,
    method: 'post',
    success: 200,
    path: () => SHARING,
    body: (f, c) => shareRequest(f.backupId, [c.projects.recipient]),
    effect: async (response, f, c) => {
      expect(response.body.shared[0]).toMatchObject({ backup_id: f.backupId, from_project_id: c.projects.owner, to_project_id: c.projects.recipient });
    },
  },
  {
    name: `GET ${SHARING}/detail`,
    method: 'get',
    success: 200,
    needsSharing: true,
    path: (f) => `${SHARING}/detail?backup_id=${f.backupId}`,
    effect: async (response, f) => {
      expect(response.body.shared.map((s: { id: string }) => s.id)).toEqual([f.sharingId]);
      expect(response.body.shared[0].backup.name).toBe(f.backupName);
    },
  },
  {
    name: `GET ${SHARING}/count`,
    method: 'get',
    success: 200,
    needsSharing: true,
    path: (f) => `${SHARING}/count?backup_id=${f.backupId}`,
    effect: async (response) => expect(response.body).toEqual({ count: 1 }),
  },
  {
    name: `GET ${SHARING}/{id}`,
    method: 'get',
    success: 200,
    needsSharing: true,
    path: (f) => `${SHARING}/${f.sharingId}`,
    effect: async (response, f) => expect(response.body.shared).toMatchObject({ id: f.sharingId, backup: { name: f.backupName } }),
  },
  {
    name: `DELETE ${SHARING}/{id}`,
    method: 'delete',
    success: 200,
    needsSharing: true,
    path: (f) => `${SHARING}/${f.sharingId}`,
    effect: async (_, f, c) => expect(await isActive(c, f.sharingId!)).toBe(false),
  },
  {
    name: `DELETE ${SHARING}/{backup_id}?is_backup_id=true`,
    method: 'delete',
    success: 200,
    needsSharing: true,
    path: (f) => `${SHARING}/${f.backupId}?is_backup_id=true`,
    effect: async (_, f, c) => expect(await isActive(c, f.sharingId!)).toBe(false),
  },
  {
    name: `DELETE ${SHARING}?backup_id=`,
    method: 'delete',
    success: 200,
    needsSharing: true,
    path: (f) => `${SHARING}?backup_id=${f.backupId}`,
    effect: async (_, f, c) => expect(await isActive(c, f.sharingId!)).toBe(false),
  },
  {
    name: 'POST backups',
    method: 'post',
    success: 202,
    path: () => 'backups',
    body: (f) => ({ backup: { volume_id: VOLUME, name: `${f.backupName}-new` } }),
    effect: async (response, _, c) => expect((await owner(c).get(`backups/${response.body.backup.id}`)).status).toBe(200),
  },
  {
    name: 'GET backups/detail',
    method: 'get',
    success: 200,
    path: () => 'backups/detail',
    effect: async (response, f, c) => {
      const backups = response.body.backups as Array<Record<string, unknown>>;
      expect(backups.map((b) => b.id)).toContain(f.backupId);
      expect(backups.every((b) => b['os-backup-project-attr:project_id'] === c.projects.owner)).toBe(true);
    },
  },
  {
    name: 'GET backups/{id}',
    method: 'get',
    success: 200,
    path: (f) => `backups/${f.backupId}`,
    effect: async (response, f) => expect(response.body.backup).toMatchObject({ id: f.backupId, name: f.backupName }),
  },
  {
    name: 'DELETE backups/{id}',
    method: 'delete',
    success: 202,
    needsSharing: true,
    path: (f) => `backups/${f.backupId}`,
    effect: async (_, f, c) => {
      expect((await owner(c).get(`backups/${f.backupId}`)).status).toBe(404);
      expect(await isActive(c, f.sharingId!)).toBe(false);
    },
  },
  {
    name: 'POST backups/{id}/action (os-reset_status)',
    method: 'post',
    success: 202,
    adminOnly: true,
    path: (f) => `backups/${f.backupId}/action`,
    body: () => ({ 'os-reset_status': { status: 'error' } }),
    effect: async (_, f, c) => expect((await owner(c).get(`backups/${f.backupId}`)).body.backup.status).toBe('error'),
  },
];

/** What each kind of caller gets on the owner's path. */
function expected(kind: CallerKind, route: Route): { status: number; fault?: string } {
  switch (kind) {
    case 'owner':
      return route.adminOnly ? { status: 403, fault: 'forbidden' } : { status: route.success };
    case 'admin':
      return { status: route.success };
    case 'other':
    case 'recipient':
      return { status: 403, fault: 'forbidden' };
    default:
      return { status: 401, fault: 'unauthorized' };
  }
}

/**
 * The cross-project matrix: every route of the module and of the host's backups, on the owner's
 * path, called by each kind of caller; each answer checked for its status and fault, refusals for
 * writing nothing, and every answer for leaking nothing it should not. Then the recipient and an
 * unrelated project on their own paths. `context` is read when the tests run (after beforeAll).
 */
export function describeProjectScopeMatrix(kinds: CallerKind[], context: () => MatrixContext): void {
  /** Data of an unrelated project that must never appear in any answer of the matrix. */
  const canary: string[] = [];

  beforeAll(async () => {
    const c = context();
    const other = client(c, c.projects.other, c.tokens.other);
    const name = `canary-${randomBytes(6).toString('hex')}`;
    const backupId = await createBackup(c, name, other);
    const sharingId = await share(c, backupId, `fourth${randomBytes(8).toString('hex')}`, other);
    canary.push(name, backupId, sharingId);
  });

  function expectNoLeak(response: Response, secrets: string[], request: string): void {
    for (const secret of [...canary, ...secrets]) {
      if (!request.includes(secret)) expect(response.text).not.toContain(secret);
    }
  }

  describe.each(ROUTES)('$name on the owner’s path', (route) => {
    it.each(kinds)('called by %s', async (kind) => {
      const c = context();
      const f = await fixture(c, route.needsSharing ?? false);
      const path = route.path(f);
      const body = route.body?.(f, c);
      const request = `${path} ${JSON.stringify(body ?? '')}`;
      const call = () => client(c, c.projects.owner, c.tokens[kind]).send(route.method, path, body);
      const want = expected(kind, route);

      if (want.fault) {
        const response = await expectNothingWritten(c.host, call);
        expect({ kind, status: response.status }).toEqual({ kind, status: want.status });
        const fault = expectFault(response.body, want.status, want.fault);
        expect(fault.error_code).toBe(want.status === 401 ? 'BackupSharing.NotAuthenticated' : 'BackupSharing.Forbidden');
        if (want.status === 401) expect(response.headers['www-authenticate']).toBe(c.challenge);
        expectRequestId(response);
        // A refusal says nothing of what the path names, nor of anything else.
        expectNoLeak(response, [f.backupId, f.backupName, ...(f.sharingId ? [f.sharingId] : [])], request);
        if (f.sharingId) expect(await isActive(c, f.sharingId)).toBe(true);
        return;
      }
      const response = await call();
      expect({ kind, status: response.status }).toEqual({ kind, status: want.status });
      expectRequestId(response);
      expectNoLeak(response, [], request);
      await route.effect?.(response, f, c);
    });
  });

  describe('each project on its own path', () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await fixture(context(), true);
    });

    it('the recipient reads the sharing and the backup, and can neither cancel, delete nor share it on', async () => {
      const c = context();
      const recipient = client(c, c.projects.recipient, c.tokens.recipient);
      const shown = await recipient.get(`${SHARING}/${f.sharingId}`);
      expect(shown.status).toBe(200);
      expect(shown.body.shared).toMatchObject({ id: f.sharingId, from_project_id: c.projects.owner, backup: { name: f.backupName } });
      expect((await recipient.get(`backups/${f.backupId}`)).body.backup).toMatchObject({ id: f.backupId, name: f.backupName });
      const toMe = await recipient.get(`${SHARING}/detail?share_to_me=true&backup_id=${f.backupId}`);
      expect(toMe.body.shared.map((s: { id: string }) => s.id)).toEqual([f.sharingId]);
      expect((await recipient.get(`${SHARING}/count?share_to_me=true&backup_id=${f.backupId}`)).body).toEqual({ count: 1 });
      expect((await recipient.get(`${SHARING}/detail?backup_id=${f.backupId}`)).body).toEqual({ shared: [] });
      for (const text of [shown.text, toMe.text]) for (const secret of canary) expect(text).not.toContain(secret);

      const attempts: Array<[() => PromiseLike<Response>, number]> = [
        [() => recipient.delete(`${SHARING}/${f.sharingId}`), 403],
        [() => recipient.delete(`${SHARING}/${f.backupId}?is_backup_id=true`), 404],
        [() => recipient.delete(`${SHARING}?backup_id=${f.backupId}`), 404],
        [() => recipient.delete(`backups/${f.backupId}`), 404],
        [() => recipient.post(SHARING, shareRequest(f.backupId, [c.projects.other])), 404],
      ];
      for (const [attempt, status] of attempts) {
        const response = await expectNothingWritten(c.host, attempt);
        expect(response.status).toBe(status);
      }
      expect(await isActive(c, f.sharingId!)).toBe(true);
    });

    it('an unrelated project finds nothing of the owner, by ID or by any filter', async () => {
      const c = context();
      const other = client(c, c.projects.other, c.tokens.other);
      const probes: Array<[() => PromiseLike<Response>, number]> = [
        [() => other.get(`${SHARING}/${f.sharingId}`), 404],
        [() => other.get(`backups/${f.backupId}`), 404],
        [() => other.delete(`${SHARING}/${f.sharingId}`), 404],
        [() => other.delete(`${SHARING}/${f.backupId}?is_backup_id=true`), 404],
        [() => other.delete(`backups/${f.backupId}`), 404],
        [() => other.post(SHARING, shareRequest(f.backupId, [c.projects.recipient])), 404],
        [() => other.get(`${SHARING}/detail?backup_id=${f.backupId}`), 200],
        [() => other.get(`${SHARING}/detail?share_to_me=true&from_project_id=${c.projects.owner}`), 200],
        [() => other.get(`${SHARING}/count?backup_id=${f.backupId}`), 200],
        [() => other.get('backups/detail'), 200],
      ];
      for (const [probe, status] of probes) {
        const response = await expectNothingWritten(c.host, probe);
        expect(response.status).toBe(status);
        expect(response.text).not.toContain(f.backupName);
        if (status === 200) expect(response.text).not.toContain(f.sharingId);
      }
      expect((await other.get(`${SHARING}/count?backup_id=${f.backupId}`)).body).toEqual({ count: 0 });
    });

    it("an admin acting for the unrelated project sees that project's data, not the owner's", async () => {
      const c = context();
      const forOther = client(c, c.projects.other, c.tokens.admin);
      expect((await forOther.get(`${SHARING}/${f.sharingId}`)).status).toBe(404);
      const listed = await forOther.get(`${SHARING}/detail`);
      expect(listed.status).toBe(200);
      expect(listed.text).not.toContain(f.sharingId);
      expect(listed.body.shared.map((s: { backup: { name: string } }) => s.backup.name)).toEqual([canary[0]]);
    });
  });
}
