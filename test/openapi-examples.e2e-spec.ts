import {
  DocumentedPath,
  OperationObject,
  RequestBody,
  ResponseBody,
  Schemas,
  committedDocument,
  documented,
} from './support/openapi-contract';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS, TestHost, startTestHost } from './support/test-host';

// The document's own examples, sent as Swagger UI's "Try it out" would send them, answer what
// the document says: statuses, bodies (typed by the generated types) and error codes.

const SHARINGS = '/v2/{project_id}/os-vendor-backup-sharing' satisfies DocumentedPath;
const SHARING = '/v2/{project_id}/os-vendor-backup-sharing/{id}' satisfies DocumentedPath;
const LIST = '/v2/{project_id}/os-vendor-backup-sharing/detail' satisfies DocumentedPath;
const COUNT = '/v2/{project_id}/os-vendor-backup-sharing/count' satisfies DocumentedPath;
const BACKUP = '/v2/{project_id}/backups/{id}' satisfies DocumentedPath;

type ShareRequest = RequestBody<typeof SHARINGS, 'post'>;

function operation(path: DocumentedPath, method: 'get' | 'post' | 'delete'): OperationObject {
  return committedDocument().paths[path][method] as OperationObject;
}

/** A request body example of the document, by name. */
function bodyExample(path: typeof SHARINGS, name: string): ShareRequest {
  const example = operation(path, 'post').requestBody?.content['application/json'].examples?.[name];
  if (!example) throw new Error(`No request example ${name} for POST ${path}`);
  return example.value as ShareRequest;
}

/** The value Swagger UI pre-fills for a parameter: its schema example. */
function prefilled(path: DocumentedPath, method: 'get' | 'post' | 'delete', name: string, document = committedDocument()): string {
  const parameter = (document.paths[path][method] as OperationObject).parameters?.find((candidate) => candidate.name === name);
  const value = parameter?.schema?.example;
  if (typeof value !== 'string') throw new Error(`No example for ${name} of ${method.toUpperCase()} ${path}`);
  return value;
}

describe('the OpenAPI examples against the demo host', () => {
  let host: TestHost;
  let projectId: string;
  beforeAll(async () => {
    host = await startTestHost();
    projectId = prefilled(SHARINGS, 'post', 'project_id');
  });
  afterAll(() => host.close());

  const url = (path: string, params: Record<string, string>) =>
    Object.entries(params).reduce((result, [name, value]) => result.replace(`{${name}}`, encodeURIComponent(value)), path);

  it('pre-fills the demo owner project and the seeded backup', () => {
    expect(projectId).toBe(DEMO_PROJECTS.owner);
    expect(prefilled(SHARINGS, 'delete', 'backup_id')).toBe(DEMO_BACKUPS.nightly);
    expect(bodyExample(SHARINGS, 'oneProject').shared.backup_id).toBe(DEMO_BACKUPS.nightly);
  });

  it('share, show, list, count and cancel by sharing ID, as documented', async () => {
    const request = bodyExample(SHARINGS, 'oneProject');
    const shareAnswer = await host.http.post(url(SHARINGS, { project_id: projectId })).set('X-Auth-Token', TOKENS.owner).send(request);
    const shared: Schemas['ShareBackupResponse'] = documented(shareAnswer, SHARINGS, 'post', 200);
    expect(shared.shared.map((sharing) => sharing.to_project_id)).toEqual(request.shared.to_project_ids);
    const [sharing] = shared.shared;
    expect(sharing.from_project_id).toBe(projectId);
    expect(sharing.deleted).toBeNull();

    const shown = documented(
      await host.http.get(url(SHARING, { project_id: projectId, id: sharing.id })).set('X-Auth-Token', TOKENS.owner),
      SHARING,
      'get',
      200,
    );
    expect(shown.shared.backup?.id).toBe(request.shared.backup_id);

    const received: ResponseBody<typeof LIST, 'get', 200> = documented(
      await host.http.get(`${url(LIST, { project_id: DEMO_PROJECTS.recipient })}?share_to_me=true`).set('X-Auth-Token', TOKENS.recipient),
      LIST,
      'get',
      200,
    );
    expect(received.shared.map((item) => item.id)).toEqual([sharing.id]);
    expect(received.shared_links).toBeUndefined();

    const counted = documented(
      await host.http.get(url(COUNT, { project_id: projectId })).set('X-Auth-Token', TOKENS.owner),
      COUNT,
      'get',
      200,
    );
    expect(counted.count).toBe(1);

    const cancel = url(SHARING, { project_id: projectId, id: sharing.id });
    documented(await host.http.delete(cancel).set('X-Auth-Token', TOKENS.owner), SHARING, 'delete', 200);
    const again = documented(await host.http.delete(cancel).set('X-Auth-Token', TOKENS.owner), SHARING, 'delete', 404);
    expect(again.itemNotFound.error_code).toBe('BackupSharing.ShareNotFound');
  });

  it('the two whole-backup cancel forms each end every sharing of the backup', async () => {
    const request = bodyExample(SHARINGS, 'twoProjects');
    const backupId = prefilled(SHARINGS, 'delete', 'backup_id');
    const forms = [
      `${url(SHARING, { project_id: projectId, id: backupId })}?is_backup_id=true`,
      `${url(SHARINGS, { project_id: projectId })}?backup_id=${backupId}`,
    ];
    for (const form of forms) {
      const shared = documented(
        await host.http.post(url(SHARINGS, { project_id: projectId })).set('X-Auth-Token', TOKENS.owner).send(request),
        SHARINGS,
        'post',
        200,
      );
      expect(shared.shared).toHaveLength(request.shared.to_project_ids.length);
      const cancel = await host.http.delete(form).set('X-Auth-Token', TOKENS.owner);
      documented(cancel, form.includes('is_backup_id') ? SHARING : SHARINGS, 'delete', 200);
      const left = documented(
        await host.http.get(`${url(COUNT, { project_id: projectId })}?backup_id=${backupId}`).set('X-Auth-Token', TOKENS.owner),
        COUNT,
        'get',
        200,
      );
      expect({ form, count: left.count }).toEqual({ form, count: 0 });
    }
  });

  it('answers the documented faults, with documented error codes', async () => {
    const sharings = url(SHARINGS, { project_id: projectId });
    const request = bodyExample(SHARINGS, 'oneProject');

    const noToken = documented(await host.http.post(sharings).send(request), SHARINGS, 'post', 401);
    expect(noToken.unauthorized.code).toBe(401);
    const otherProject = documented(await host.http.post(sharings).set('X-Auth-Token', TOKENS.other).send(request), SHARINGS, 'post', 403);
    expect(otherProject.forbidden.message).toContain(projectId);
    const invalid = documented(
      await host.http.post(sharings).set('X-Auth-Token', TOKENS.owner).send({ shared: { ...request.shared, backup_id: 'nope' } }),
      SHARINGS,
      'post',
      400,
    );
    expect(invalid.badRequest.message).toContain('shared.backup_id');
    const encrypted = documented(
      await host.http.post(sharings).set('X-Auth-Token', TOKENS.owner).send({ shared: { ...request.shared, backup_id: DEMO_BACKUPS.encrypted } }),
      SHARINGS,
      'post',
      400,
    );
    expect(encrypted.badRequest.error_code).toBe('BackupSharing.BackupEncrypted');
    const notMine = documented(
      await host.http.post(sharings).set('X-Auth-Token', TOKENS.owner).send({ shared: { ...request.shared, backup_id: DEMO_BACKUPS.recipientOwn } }),
      SHARINGS,
      'post',
      404,
    );
    expect(notMine.itemNotFound.error_code).toBe('BackupSharing.BackupNotFound');

    documented(await host.http.post(sharings).set('X-Auth-Token', TOKENS.owner).send(request), SHARINGS, 'post', 200);
    const twice = documented(await host.http.post(sharings).set('X-Auth-Token', TOKENS.owner).send(request), SHARINGS, 'post', 409);
    expect(twice.conflictingRequest.error_code).toBe('BackupSharing.AlreadyShared');

    const badBoolean = documented(
      await host.http.delete(`${url(SHARING, { project_id: projectId, id: request.shared.backup_id })}?is_backup_id=maybe`).set('X-Auth-Token', TOKENS.owner),
      SHARING,
      'delete',
      400,
    );
    expect(badBoolean.badRequest.message).toContain('is_backup_id');
    const noBackupId = documented(await host.http.delete(sharings).set('X-Auth-Token', TOKENS.owner), SHARINGS, 'delete', 400);
    expect(noBackupId.badRequest.message).toContain('is_backup_id=true');

    // The share above still stands: none of the failed requests changed anything.
    const count = documented(await host.http.get(url(COUNT, { project_id: projectId })).set('X-Auth-Token', TOKENS.owner), COUNT, 'get', 200);
    expect(count.count).toBe(1);
  });

  it('answers the documented 501 for both whole-backup cancel forms when the service turned them off', async () => {
    const off = await startTestHost({ CANCEL_ALL_ENABLED: 'false' });
    try {
      const backupId = prefilled(SHARINGS, 'delete', 'backup_id');
      documented(
        await off.http.post(url(SHARINGS, { project_id: projectId })).set('X-Auth-Token', TOKENS.owner).send(bodyExample(SHARINGS, 'oneProject')),
        SHARINGS,
        'post',
        200,
      );
      const byId = documented(
        await off.http.delete(`${url(SHARING, { project_id: projectId, id: backupId })}?is_backup_id=true`).set('X-Auth-Token', TOKENS.owner),
        SHARING,
        'delete',
        501,
      );
      expect(byId.notImplemented.message).toContain('cancel each sharing by its ID');
      documented(
        await off.http.delete(`${url(SHARINGS, { project_id: projectId })}?backup_id=${backupId}`).set('X-Auth-Token', TOKENS.owner),
        SHARINGS,
        'delete',
        501,
      );
      const left = documented(await off.http.get(url(COUNT, { project_id: projectId })).set('X-Auth-Token', TOKENS.owner), COUNT, 'get', 200);
      expect(left.count).toBe(1);
    } finally {
      await off.close();
    }
  });

  it('with the demo sharing seeded, show and cancel by ID find it as pre-filled', async () => {
    const demo = await startTestHost({ DEMO_SEED_SHARING: 'true' });
    try {
      const served = (await demo.http.get('/docs-json')).body;
      const id = prefilled(SHARING, 'get', 'id', served);
      expect(prefilled(SHARING, 'delete', 'id', served)).toBe(id);
      expect(id).not.toBe(prefilled(SHARING, 'get', 'id'));
      const at = url(SHARING, { project_id: prefilled(SHARING, 'get', 'project_id', served), id });
      const shown = documented(await demo.http.get(at).set('X-Auth-Token', TOKENS.owner), SHARING, 'get', 200);
      expect(shown.shared).toMatchObject({ id, backup_id: DEMO_BACKUPS.shared, to_project_id: DEMO_PROJECTS.recipient, backup: { name: 'app-shared' } });
      documented(await demo.http.delete(at).set('X-Auth-Token', TOKENS.owner), SHARING, 'delete', 200);
    } finally {
      await demo.close();
    }
  });

  it("the host's backups answer as documented too", async () => {
    const backup: Schemas['ShowBackupResponse'] = documented(
      await host.http.get(url(BACKUP, { project_id: projectId, id: prefilled(BACKUP, 'get', 'id') })).set('X-Auth-Token', TOKENS.owner),
      BACKUP,
      'get',
      200,
    );
    expect(backup.backup['os-backup-project-attr:project_id']).toBe(projectId);
    const hidden = documented(
      await host.http.get(url(BACKUP, { project_id: DEMO_PROJECTS.other, id: DEMO_BACKUPS.nightly })).set('X-Auth-Token', TOKENS.other),
      BACKUP,
      'get',
      404,
    );
    expect(hidden.itemNotFound.error_code).toBe('BackupSharing.BackupNotFound');
  });
});
