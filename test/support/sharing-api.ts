import { randomBytes } from 'node:crypto';
import { Response } from 'supertest';
import Test from 'supertest/lib/test';
import { NAIVE_TIMESTAMP, TOKENS, TestHost, expectFault, v2 } from './test-host';
import { queryRows } from './database-query';

/** A demo identity: its token, and by default the project it acts for. */
export type Who = keyof typeof TOKENS;

export const SHARING = 'os-vendor-backup-sharing';

/** `X-Openstack-Request-Id` as every answer carries it. */
export const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A project ID no token belongs to, unique per call, so tests never see each other's targets. */
export function randomProjectId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Requests under `/v2/{project}` with `who`'s token; `project` defaults to `who`'s own project
 * (an admin acting for another project passes that project).
 */
export function as(host: TestHost, who: Who, project: Who = who) {
  const url = (path: string) => `${v2(project)}/${path}`;
  const authed = (test: Test) => test.set('X-Auth-Token', TOKENS[who]);
  return {
    get: (path: string) => authed(host.http.get(url(path))),
    post: (path: string, body?: unknown) => {
      const test = authed(host.http.post(url(path)));
      return body === undefined ? test : test.send(body as object);
    },
    delete: (path: string) => authed(host.http.delete(url(path))),
  };
}

/** Creates a backup through the host's own API; it is `available` at once. Returns its ID. */
export async function createBackup(
  host: TestHost,
  fields: Record<string, unknown> = {},
  who: Who = 'owner',
): Promise<string> {
  const response = await as(host, who).post('backups', {
    backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', ...fields },
  });
  expect(response.status).toBe(202);
  return response.body.backup.id;
}

export function shareRequest(backupId: string, toProjectIds: unknown) {
  return { shared: { backup_id: backupId, to_project_ids: toProjectIds } };
}

/** Shares as `who` (default the owner) and expects success; returns the created sharings. */
export async function shareOk(
  host: TestHost,
  backupId: string,
  toProjectIds: string[],
  who: Who = 'owner',
): Promise<CreatedSharing[]> {
  const response = await as(host, who).post(SHARING, shareRequest(backupId, toProjectIds));
  expect(response.status).toBe(200);
  return response.body.shared;
}

interface SharingFields {
  id: string;
  backup_id: string;
  from_project_id: string;
  to_project_id: string;
  created_at: string | null;
  updated_at: string | null;
}

/** A sharing as the create answer shows it. */
export interface CreatedSharing extends SharingFields {
  deleted: string | null;
  deleted_at: string | null;
}

/** A sharing as get and list show it. */
export interface SharingDetail extends SharingFields {
  backup: Record<string, unknown> | null;
}

/**
 * Rows of the sharings table, canceled ones included, read straight from the database:
 * `where` is a SQL condition with `?` placeholders.
 */
export async function sharingRows(host: TestHost, where = '1 = 1', parameters: unknown[] = []): Promise<number> {
  const [row] = await queryRows(host.dataSource, `SELECT COUNT(*) AS n FROM backup_sharings WHERE ${where}`, parameters);
  return Number(row.n);
}

/** Active (not canceled) rows of one backup, straight from the database. */
export function activeRowsOf(host: TestHost, backupId: string): Promise<number> {
  return sharingRows(host, 'backup_id = ? AND active = 1 AND deleted_at IS NULL', [backupId]);
}

/**
 * Runs a request that must fail and proves it wrote nothing: the sharings table holds exactly
 * the same rows, active and canceled, before and after, and so does the host's backups table.
 */
export async function expectNothingWritten<T = Response>(host: TestHost, send: () => PromiseLike<T>): Promise<T> {
  const snapshot = async () => [
    await queryRows(host.dataSource, 'SELECT * FROM backup_sharings ORDER BY id'),
    await queryRows(host.dataSource, 'SELECT id, project_id, status, updated_at FROM backups ORDER BY id'),
  ];
  const before = await snapshot();
  const response = await send();
  expect(await snapshot()).toEqual(before);
  return response;
}

/**
 * A request that must be refused: `status` in the fault shape with `errorCode`, a request ID,
 * and nothing written. Returns the fault.
 */
export async function expectRefused(
  host: TestHost,
  send: () => PromiseLike<Response>,
  status: number,
  faultName: string,
  errorCode: string,
): Promise<{ message: string; error_code: string }> {
  const response = await expectNothingWritten(host, send);
  expect(response.status).toBe(status);
  const fault = expectFault(response.body, status, faultName);
  expect(fault.error_code).toBe(errorCode);
  expectRequestId(response);
  return fault;
}

/** The request ID header of an answer, error or not. */
export function expectRequestId(response: Response): string {
  const id = response.headers['x-openstack-request-id'];
  expect(id).toMatch(REQUEST_ID);
  return id;
}

/** Every field of a sharing in the create answer, with the types the Go SDK decodes. */
export function expectCreatedSharing(
  sharing: CreatedSharing,
  expected: { backupId: string; from: string; to: string },
): void {
  expect(Object.keys(sharing).sort()).toEqual(
    ['backup_id', 'created_at', 'deleted', 'deleted_at', 'from_project_id', 'id', 'to_project_id', 'updated_at'].sort(),
  );
  expect(sharing.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(sharing.backup_id).toBe(expected.backupId);
  expect(sharing.from_project_id).toBe(expected.from);
  expect(sharing.to_project_id).toBe(expected.to);
  expect(sharing.created_at).toMatch(NAIVE_TIMESTAMP);
  expect(sharing.updated_at).toMatch(NAIVE_TIMESTAMP);
  expect(sharing.deleted).toBeNull();
  expect(sharing.deleted_at).toBeNull();
}

const BACKUP_FIELDS = [
  'id',
  'name',
  'description',
  'status',
  'size',
  'volume_id',
  'availability_zone',
  'snapshot_id',
  'container',
  'object_count',
  'fail_reason',
  'created_at',
  'updated_at',
  'data_timestamp',
  'has_dependent_backups',
  'is_incremental',
  'service_metadata',
];

/** The nested `backup` of get and list, with the field types of the spec. */
export function expectBackupView(backup: Record<string, unknown> | null, id: string): void {
  expect(backup).not.toBeNull();
  const view = backup as Record<string, unknown>;
  expect(Object.keys(view).sort()).toEqual([...BACKUP_FIELDS].sort());
  expect(view.id).toBe(id);
  expect(typeof view.size).toBe('number');
  expect(Number.isInteger(view.size)).toBe(true);
  expect(view.object_count === null || Number.isInteger(view.object_count)).toBe(true);
  for (const flag of ['has_dependent_backups', 'is_incremental']) {
    expect(view[flag] === null || typeof view[flag] === 'boolean').toBe(true);
  }
  for (const stamp of ['created_at', 'updated_at', 'data_timestamp']) {
    if (view[stamp] !== null) expect(view[stamp]).toMatch(NAIVE_TIMESTAMP);
  }
  const numericOrFlag = new Set(['size', 'object_count', 'has_dependent_backups', 'is_incremental']);
  for (const field of BACKUP_FIELDS.filter((name) => !numericOrFlag.has(name))) {
    expect(view[field] === null || typeof view[field] === 'string').toBe(true);
  }
}

/** Path and query of an absolute `shared_links` href, checked to point at this host. */
export function pathOfLink(host: TestHost, href: string): string {
  const link = new URL(href);
  expect(`${link.protocol}//${link.host}`).toBe(host.url);
  return `${link.pathname}${link.search}`;
}

/**
 * Reads a list from its first page and follows `shared_links` until it is absent, as the Go SDK
 * does. Returns the IDs in the order seen and the number of pages.
 */
export async function followPages(
  host: TestHost,
  who: Who,
  firstPath: string,
  maxPages = 200,
): Promise<{ ids: string[]; pages: number; sharings: SharingDetail[] }> {
  const sharings: SharingDetail[] = [];
  let path: string | undefined = firstPath;
  let pages = 0;
  while (path !== undefined) {
    expect(pages).toBeLessThan(maxPages);
    const response = await host.http.get(path).set('X-Auth-Token', TOKENS[who]);
    expect(response.status).toBe(200);
    pages += 1;
    sharings.push(...response.body.shared);
    const links = response.body.shared_links as { href: string; rel: string }[] | undefined;
    if (links === undefined) {
      path = undefined;
    } else {
      expect(links).toHaveLength(1);
      expect(links[0].rel).toBe('next');
      path = pathOfLink(host, links[0].href);
    }
  }
  return { ids: sharings.map((sharing) => sharing.id), pages, sharings };
}
