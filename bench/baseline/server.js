'use strict';
// The baseline of the benchmark: the five operations the bench drives (get, list, count, share,
// cancel) written by hand on Fastify and the database driver alone (mysql2, pg, better-sqlite3):
// no NestJS, no ORM, no validation library. It does the work the module does for those
// requests and nothing else:
// - a request ID (`X-Openstack-Request-Id`) on every answer and one JSON log line per request;
// - the static-token check, the project-ID check and the token's scope;
// - the same SQL statements, in the same order and transactions (the backup's guard row first, READ COMMITTED,
//   the event row in the change's transaction), and the same JSON answer.
// Errors the bench does not provoke answer a bare fault. Environment: HOST, PORT, DATABASE_URL
// (mysql://..., postgres://... or sqlite:<path>), AUTH_STATIC_TOKENS, BODY_LIMIT (bytes).
const { randomUUID } = require('node:crypto');
const Fastify = require('fastify');
const sql = require('./sql');

const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SHARES_PER_BACKUP = 10;
const SORT_COLUMNS = { created_at: 'created_at', updated_at: 'updated_at', id: 'id', name: 'backup_name', status: 'backup_status', size: 'backup_size' };

const tokens = new Map(
  Object.entries(JSON.parse(process.env.AUTH_STATIC_TOKENS || '{}')).map(([token, entry]) => [
    token,
    { projectId: entry.project_id, roles: entry.roles ?? [] },
  ]),
);
const db = sql.open(process.env.DATABASE_URL);

const FAULTS = { 400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 409: 'conflictingRequest', 500: 'computeFault' };
class Fault extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const sharingNotFound = (id) => new Fault(404, `Backup sharing ${id} could not be found.`, 'BackupSharing.ShareNotFound');

/** The naive-UTC timestamp of the API, written out as the module's mapper writes it (faster than toISOString). */
const pad2 = (n) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
function timestamp(date) {
  if (!date) return null;
  return (
    `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}000`
  );
}

function backupView(b) {
  return {
    id: b.id, name: b.name, description: b.description, status: b.status, size: b.size, volume_id: b.volume_id,
    availability_zone: b.availability_zone, snapshot_id: b.snapshot_id, container: b.container, object_count: b.object_count,
    fail_reason: b.fail_reason, created_at: timestamp(b.created_at), updated_at: timestamp(b.updated_at),
    data_timestamp: timestamp(b.data_timestamp), has_dependent_backups: b.has_dependent_backups, is_incremental: b.is_incremental,
    service_metadata: b.service_metadata,
  };
}

function detailView(row, backup) {
  return {
    id: row.id, backup_id: row.backup_id, from_project_id: row.from_project_id, to_project_id: row.to_project_id,
    created_at: timestamp(row.created_at), updated_at: timestamp(row.updated_at), backup: backup ? backupView(backup) : null,
  };
}

/** The caller's project, once the token, the path's project and the token's scope are checked. */
function authorize(request) {
  const token = request.headers['x-auth-token'];
  const identity = typeof token === 'string' && token.length > 0 ? tokens.get(token) : undefined;
  if (!identity) throw new Fault(401, 'The token in X-Auth-Token is invalid or expired.', 'BackupSharing.NotAuthenticated');
  const projectId = request.params.project_id;
  if (!PROJECT_ID.test(projectId)) throw new Fault(400, 'The project ID in the path must be 1 to 64 letters, digits, "-" or "_".', 'BackupSharing.InvalidRequest');
  if (identity.projectId !== projectId && !identity.roles.includes('admin')) {
    throw new Fault(403, `The token is not scoped to project ${projectId}.`, 'BackupSharing.Forbidden');
  }
  return projectId;
}

const app = Fastify({ bodyLimit: Number(process.env.BODY_LIMIT || 65536) });
const log = (line) => process.stdout.write(`${JSON.stringify({ level: 'log', pid: process.pid, timestamp: Date.now(), message: line, context: 'HTTP' })}\n`);

app.addHook('onRequest', (request, reply, done) => {
  request.requestId = `req-${randomUUID()}`;
  request.startedAt = process.hrtime.bigint();
  reply.header('X-Openstack-Request-Id', request.requestId);
  done();
});
app.addHook('onResponse', (request, reply, done) => {
  log({
    request_id: request.requestId, method: request.method, path: request.url.split('?')[0], status: reply.statusCode,
    duration_ms: Math.round(Number(process.hrtime.bigint() - request.startedAt) / 1e4) / 100,
  });
  done();
});
app.setErrorHandler((error, request, reply) => {
  const status = error instanceof Fault ? error.status : error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) log({ request_id: request.requestId, status, cause: String(error) });
  const name = FAULTS[status] ?? 'badRequest';
  reply.code(status).send({ [name]: { code: status, message: status === 500 ? 'The server has either erred.' : error.message, error_code: error.code ?? 'BackupSharing.RequestFailed' } });
});

const BASE = '/v2/:project_id/os-vendor-backup-sharing';

app.get(`${BASE}/detail`, async (request) => {
  const projectId = authorize(request);
  const query = request.query;
  const limit = query.limit === undefined ? 1000 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Fault(400, 'limit must be a whole number from 1 to 1000.', 'BackupSharing.InvalidRequest');
  const column = SORT_COLUMNS[query.sort_key ?? 'created_at'];
  const direction = query.sort_dir === 'asc' ? 'ASC' : 'DESC';
  const rows = await db.list(projectId, column, direction, limit, Number(query.offset ?? 0));
  const backups = rows.length > 0 ? await db.describe([...new Set(rows.map((row) => row.backup_id))]) : new Map();
  const answer = { shared: rows.map((row) => detailView(row, backups.get(row.backup_id))) };
  if (rows.length === limit) {
    const url = new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
    url.searchParams.delete('offset');
    url.searchParams.set('marker', rows[rows.length - 1].id);
    answer.shared_links = [{ href: url.toString(), rel: 'next' }];
  }
  return answer;
});

app.get(`${BASE}/count`, async (request) => ({ count: await db.count(authorize(request)) }));

app.get(`${BASE}/:id`, async (request) => {
  const projectId = authorize(request);
  const { id } = request.params;
  if (!UUID.test(id)) throw sharingNotFound(id);
  const row = await db.findVisible(projectId, id);
  if (!row) throw sharingNotFound(id);
  const backups = await db.describe([row.backup_id]);
  return { shared: detailView(row, backups.get(row.backup_id)) };
});

app.post(BASE, async (request) => {
  const projectId = authorize(request);
  const shared = request.body?.shared;
  const invalid = (message) => new Fault(400, message, 'BackupSharing.InvalidRequest');
  if (!shared || typeof shared !== 'object') throw invalid('The body must be {"shared": {"backup_id": ..., "to_project_ids": [...]}}.');
  const { backup_id: backupId, to_project_ids: targets } = shared;
  if (typeof backupId !== 'string' || !UUID.test(backupId)) throw invalid('shared.backup_id must be a UUID.');
  if (!Array.isArray(targets) || targets.length < 1 || targets.length > 10 || !targets.every((t) => typeof t === 'string' && PROJECT_ID.test(t))) {
    throw invalid('shared.to_project_ids must be 1 to 10 project IDs.');
  }
  if (targets.includes(projectId) || new Set(targets).size !== targets.length) throw invalid('A target is the own project or repeated.');
  const backup = await db.findOwnedBackup(projectId, backupId);
  if (!backup) throw new Fault(404, `Backup ${backupId} could not be found.`, 'BackupSharing.BackupNotFound');
  if (backup.status !== 'available' || backup.encryption_key_id !== null) throw invalid(`Backup ${backupId} cannot be shared.`);
  const at = new Date();
  const rows = targets.map((toProjectId) => ({
    id: randomUUID(), backup_id: backupId, from_project_id: projectId, to_project_id: toProjectId, created_at: at, updated_at: at,
    deleted_at: null, backup_name: backup.name ?? '', backup_status: backup.status, backup_size: backup.size,
    backup_volume_id: backup.volume_id, backup_availability_zone: backup.availability_zone,
  }));
  const outcome = await db.share(projectId, backupId, rows, request.requestId, (active) => {
    if (targets.some((t) => active.includes(t))) return new Fault(409, `Backup ${backupId} is already shared.`, 'BackupSharing.AlreadyShared');
    if (active.length + targets.length > MAX_SHARES_PER_BACKUP) return invalid('The limit of sharings would be passed.');
    return undefined;
  });
  if (outcome instanceof Fault) throw outcome;
  return {
    shared: rows.map((row) => ({
      id: row.id, backup_id: row.backup_id, from_project_id: row.from_project_id, to_project_id: row.to_project_id,
      created_at: timestamp(at), updated_at: timestamp(at), deleted: null, deleted_at: null,
    })),
  };
});

app.delete(`${BASE}/:id`, async (request, reply) => {
  const projectId = authorize(request);
  const { id } = request.params;
  if (!UUID.test(id)) throw sharingNotFound(id);
  const row = await db.findVisible(projectId, id);
  if (!row) throw sharingNotFound(id);
  if (row.from_project_id !== projectId) throw new Fault(403, `Backup sharing ${id} can be canceled only by the project that shared it.`, 'BackupSharing.Forbidden');
  if (!(await db.cancel(projectId, id, request.requestId))) throw sharingNotFound(id);
  reply.code(200).send();
});

app.get('/health', async () => ({ status: 'ok' }));

app.listen({ port: Number(process.env.PORT || 3001), host: process.env.HOST || '127.0.0.1' }).then((address) => {
  log({ message: `baseline listening on ${address}` });
});
process.on('SIGTERM', () => app.close().then(() => db.close()).then(() => process.exit(0)));
