import { randomUUID } from 'node:crypto';
import { DEMO_BACKUPS, DEMO_PROJECTS, NAIVE_TIMESTAMP, TOKENS, TestHost, expectFault, startTestHost } from './support/test-host';
import {
  SHARING,
  SharingDetail,
  Who,
  as,
  createBackup,
  expectBackupView,
  expectRequestId,
  followPages,
  pathOfLink,
  randomProjectId,
  shareOk,
} from './support/sharing-api';

const OWNER = DEMO_PROJECTS.owner;
const RECIPIENT = DEMO_PROJECTS.recipient;

describe('GET /os-vendor-backup-sharing/{id} (get a sharing)', () => {
  let host: TestHost;
  let sharingId: string;
  let created: { created_at: string; updated_at: string };
  beforeAll(async () => {
    host = await startTestHost();
    const [sharing] = await shareOk(host, DEMO_BACKUPS.nightly, [RECIPIENT]);
    sharingId = sharing.id;
    created = sharing as { created_at: string; updated_at: string };
  });
  afterAll(() => host.close());

  const get = (who: Who, id: string, project: Who = who) => as(host, who, project).get(`${SHARING}/${id}`);

  it('shows the owner the sharing with the live backup, with the field types of the spec', async () => {
    const response = await get('owner', sharingId);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['shared']);
    const shared = response.body.shared;
    expect(Object.keys(shared).sort()).toEqual(
      ['backup', 'backup_id', 'created_at', 'from_project_id', 'id', 'to_project_id', 'updated_at'].sort(),
    );
    expect(shared).toMatchObject({
      id: sharingId,
      backup_id: DEMO_BACKUPS.nightly,
      from_project_id: OWNER,
      to_project_id: RECIPIENT,
      created_at: created.created_at,
      updated_at: created.updated_at,
    });
    expect(shared.created_at).toMatch(NAIVE_TIMESTAMP);
    expectBackupView(shared.backup, DEMO_BACKUPS.nightly);
    expect(shared.backup).toEqual({
      id: DEMO_BACKUPS.nightly,
      name: 'db-nightly',
      description: 'Demo backup "db-nightly"',
      status: 'available',
      size: 10,
      volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710',
      availability_zone: 'az1',
      snapshot_id: null,
      container: 'backups',
      object_count: 4,
      fail_reason: null,
      created_at: '2026-11-01T08:00:00.000000',
      updated_at: '2026-11-01T08:00:00.000000',
      data_timestamp: '2026-11-01T08:00:00.000000',
      has_dependent_backups: false,
      is_incremental: false,
      service_metadata: null,
    });
    expectRequestId(response);
  });

  it('shows the recipient exactly what the owner sees', async () => {
    const owner = await get('owner', sharingId);
    const recipient = await get('recipient', sharingId);
    expect(recipient.status).toBe(200);
    expect(recipient.body).toEqual(owner.body);
  });

  it('shows an admin acting for the owner project the same sharing', async () => {
    const response = await get('admin', sharingId, 'owner');
    expect(response.status).toBe(200);
    expect(response.body.shared.id).toBe(sharingId);
  });

  it('gives an unrelated project the same 404 as for a sharing that does not exist', async () => {
    const unrelated = await get('other', sharingId);
    expect(unrelated.status).toBe(404);
    const fault = expectFault(unrelated.body, 404, 'itemNotFound');
    expect(fault).toEqual({
      code: 404,
      message: `Backup sharing ${sharingId} could not be found.`,
      error_code: 'BackupSharing.ShareNotFound',
    });
    expect(unrelated.text).not.toContain(DEMO_BACKUPS.nightly);
    expect(unrelated.text).not.toContain(OWNER);

    const missing = randomUUID();
    const unknown = await get('owner', missing);
    expect(unknown.status).toBe(404);
    expect(expectFault(unknown.body, 404, 'itemNotFound')).toEqual({
      code: 404,
      message: `Backup sharing ${missing} could not be found.`,
      error_code: 'BackupSharing.ShareNotFound',
    });
    expectRequestId(unknown);
  });

  it.each(['not-a-uuid', '12345', `${randomUUID()}x`, 'detailz', "1' OR '1'='1"])('404 for the malformed ID %p', async (id) => {
    const response = await get('owner', encodeURIComponent(id));
    expect(response.status).toBe(404);
    expect(expectFault(response.body, 404, 'itemNotFound').error_code).toBe('BackupSharing.ShareNotFound');
  });

  it('404 to everyone once the sharing is canceled', async () => {
    const [sharing] = await shareOk(host, DEMO_BACKUPS.weekly, [RECIPIENT]);
    expect((await get('recipient', sharing.id)).status).toBe(200);
    expect((await as(host, 'owner').delete(`${SHARING}/${sharing.id}`)).status).toBe(200);
    for (const who of ['owner', 'recipient'] as const) {
      const response = await get(who, sharing.id);
      expect(response.status).toBe(404);
      expect(expectFault(response.body, 404, 'itemNotFound').error_code).toBe('BackupSharing.ShareNotFound');
    }
  });

  it('shows a fresh backup with its numbers as numbers and flags as booleans', async () => {
    const backupId = await createBackup(host, { name: 'typed', size: 3, availability_zone: 'az9' });
    const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
    const response = await get('recipient', sharing.id);
    expect(response.status).toBe(200);
    expectBackupView(response.body.shared.backup, backupId);
    expect(response.body.shared.backup).toMatchObject({ name: 'typed', size: 3, object_count: 0, availability_zone: 'az9' });
  });
});

/** A sharing as the list test models it: its own fields and its backup's sortable attributes. */
interface Row {
  id: string;
  backupId: string;
  to: string;
  created_at: string;
  updated_at: string;
  name: string;
  status: string;
  size: number;
  volume: string;
  az: string | null;
}

const SORT_KEYS = ['created_at', 'updated_at', 'id', 'name', 'status', 'size'] as const;
type SortKey = (typeof SORT_KEYS)[number];

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order the API promises: by the key, ties by ID, both in the same direction. */
function ordered(rows: Row[], key: SortKey = 'created_at', dir: 'asc' | 'desc' = 'desc'): string[] {
  const sorted = [...rows].sort((a, b) => compare(a[key], b[key]) || compare(a.id, b.id));
  if (dir === 'desc') sorted.reverse();
  return sorted.map((row) => row.id);
}

describe('GET /os-vendor-backup-sharing/detail and /count (list and count)', () => {
  let host: TestHost;
  const V1 = randomUUID();
  const V2 = randomUUID();
  const V3 = randomUUID();
  const T = Array.from({ length: 5 }, randomProjectId);
  const rows: Row[] = [];
  /** Sharings the recipient project made: one with the owner project, one elsewhere. */
  const recipientMade: string[] = [];

  // Names whose byte order equals their case-insensitive collation order (same sort on SQLite and
  // MySQL), with the LIKE metacharacters %, _ and ! in them, and a decoy for each unescaped.
  const backups = {
    alpha: { name: 'Alpha_db', size: 5, availability_zone: 'az1', volume_id: V1 },
    bravo: { name: 'Bravo%prod', size: 5, availability_zone: 'az2', volume_id: V2 },
    charlie: { name: 'Charlie!x', size: 20, availability_zone: 'az1', volume_id: V1 },
    delta: { name: 'Delta', size: 1, availability_zone: 'az3', volume_id: V3 },
    echo: { name: 'EchaXdb', size: 5, availability_zone: 'az2', volume_id: V2 },
    foxtrot: { name: 'Foxtrot', size: 40, volume_id: V3 },
  };
  const ids: Record<keyof typeof backups, string> = {} as never;

  async function shareModelled(backup: keyof typeof backups, targets: string[]): Promise<void> {
    const fields = backups[backup];
    for (const sharing of await shareOk(host, ids[backup], targets)) {
      rows.push({
        id: sharing.id,
        backupId: ids[backup],
        to: sharing.to_project_id,
        created_at: sharing.created_at!,
        updated_at: sharing.updated_at!,
        name: fields.name,
        status: 'available',
        size: fields.size,
        volume: fields.volume_id,
        az: 'availability_zone' in fields ? fields.availability_zone : null,
      });
    }
  }

  beforeAll(async () => {
    host = await startTestHost();
    for (const key of Object.keys(backups) as (keyof typeof backups)[]) ids[key] = await createBackup(host, backups[key]);
    // Several requests per backup: many ties on created_at (one request stamps all its rows alike).
    await shareModelled('alpha', [RECIPIENT, T[0], T[1]]);
    await shareModelled('bravo', [T[0], T[1], T[2]]);
    await shareModelled('charlie', [T[4], RECIPIENT]);
    await shareModelled('delta', T);
    await shareModelled('alpha', [T[2], T[3]]);
    await shareModelled('echo', [T[0], T[1], T[2], T[3], T[4], RECIPIENT]);
    await shareModelled('charlie', [T[0], T[1], T[2], T[3]]);
    await shareModelled('foxtrot', [T[0], T[1], T[2]]);
    await shareModelled('alpha', [T[4]]);

    // A canceled sharing is never listed nor counted.
    const canceled = rows.find((row) => row.backupId === ids.bravo && row.to === T[2])!;
    expect((await as(host, 'owner').delete(`${SHARING}/${canceled.id}`)).status).toBe(200);
    rows.splice(rows.indexOf(canceled), 1);

    // The admin sets one backup to error: the status filter and sort see it.
    const reset = await as(host, 'admin', 'owner').post(`backups/${ids.delta}/action`, { 'os-reset_status': { status: 'error' } });
    expect(reset.status).toBe(202);
    for (const row of rows) if (row.backupId === ids.delta) row.status = 'error';

    for (const sharing of await shareOk(host, DEMO_BACKUPS.recipientOwn, [OWNER, T[0]], 'recipient')) {
      recipientMade.push(sharing.id);
    }
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });
  afterAll(() => host.close());

  const list = (query = '', who: Who = 'owner') => as(host, who).get(`${SHARING}/detail${query}`);
  const count = (query = '', who: Who = 'owner') => as(host, who).get(`${SHARING}/count${query}`);
  const idsOf = (body: { shared: SharingDetail[] }) => body.shared.map((sharing) => sharing.id);

  describe('made and received', () => {
    it("lists the sharings the caller's project made, newest first, each with its live backup", async () => {
      const response = await list();
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(['shared']);
      expect(idsOf(response.body)).toEqual(ordered(rows));
      for (const sharing of response.body.shared as SharingDetail[]) {
        const row = rows.find((candidate) => candidate.id === sharing.id)!;
        expect(sharing).toMatchObject({
          backup_id: row.backupId,
          from_project_id: OWNER,
          to_project_id: row.to,
          created_at: row.created_at,
          updated_at: row.updated_at,
        });
        expectBackupView(sharing.backup, row.backupId);
        expect(sharing.backup).toMatchObject({ name: row.name, status: row.status, size: row.size });
      }
      expectRequestId(response);
    });

    it.each(['', '?share_to_me=false', '?share_to_me=0', '?share_to_me=FALSE'])('%p lists what the project made', async (query) => {
      const response = await list(query);
      expect(response.status).toBe(200);
      expect(idsOf(response.body)).toEqual(ordered(rows));
      expect((await count(query)).body).toEqual({ count: rows.length });
    });

    it.each(['?share_to_me=true', '?share_to_me=1', '?share_to_me=True'])(
      '%p lists what was shared with the project',
      async (query) => {
        const recipient = await list(query, 'recipient');
        expect(recipient.status).toBe(200);
        const received = rows.filter((row) => row.to === RECIPIENT);
        expect(received).toHaveLength(3);
        expect(idsOf(recipient.body)).toEqual(ordered(received));
        expect(recipient.body.shared.every((s: SharingDetail) => s.to_project_id === RECIPIENT)).toBe(true);
        expect((await count(query, 'recipient')).body).toEqual({ count: 3 });

        const owner = await list(query);
        expect(idsOf(owner.body)).toEqual([recipientMade[0]]);
        expect(owner.body.shared[0]).toMatchObject({ from_project_id: RECIPIENT, to_project_id: OWNER });
        expectBackupView(owner.body.shared[0].backup, DEMO_BACKUPS.recipientOwn);
      },
    );

    it('lists what the recipient project made, and nothing of the owner', async () => {
      const response = await list('', 'recipient');
      expect(idsOf(response.body).sort()).toEqual([...recipientMade].sort());
      expect((await count('', 'recipient')).body).toEqual({ count: 2 });
    });

    it('answers 200 {"shared": []} and {"count": 0} to a project with no sharings', async () => {
      for (const query of ['', '?share_to_me=true']) {
        const response = await list(query, 'other');
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ shared: [] });
        expect(response.text).toBe('{"shared":[]}');
        const counted = await count(query, 'other');
        expect(counted.status).toBe(200);
        expect(counted.body).toEqual({ count: 0 });
      }
    });
  });

  describe('filters, on the list and the count alike', () => {
    const filters: [string, () => string, (row: Row) => boolean][] = [
      ['backup_id', () => `backup_id=${ids.alpha}`, (row) => row.backupId === ids.alpha],
      ['backup_id of another project', () => `backup_id=${DEMO_BACKUPS.recipientOwn}`, () => false],
      ['from_project_id (own)', () => `from_project_id=${OWNER}`, () => true],
      ['from_project_id (another)', () => `from_project_id=${RECIPIENT}`, () => false],
      ['to_project_id', () => `to_project_id=${T[2]}`, (row) => row.to === T[2]],
      ['to_project_id of the recipient', () => `to_project_id=${RECIPIENT}`, (row) => row.to === RECIPIENT],
      ['volume_id', () => `volume_id=${V1}`, (row) => row.volume === V1],
      ['status=error', () => 'status=error', (row) => row.status === 'error'],
      ['status=available', () => 'status=available', (row) => row.status === 'available'],
      ['availability_zone', () => 'availability_zone=az1', (row) => row.az === 'az1'],
      ['avalilability_zone (the published misspelling)', () => 'avalilability_zone=az2', (row) => row.az === 'az2'],
      ['name, case-insensitive', () => 'name=ALPHA', (row) => row.name === 'Alpha_db'],
      ['name, lower case of a capital', () => 'name=delta', (row) => row.name === 'Delta'],
      ['name shared by two backups', () => 'name=DB', (row) => ['Alpha_db', 'EchaXdb'].includes(row.name)],
      ['name "%" is a literal percent', () => `name=${encodeURIComponent('%')}`, (row) => row.name === 'Bravo%prod'],
      ['name "o%p"', () => `name=${encodeURIComponent('O%P')}`, (row) => row.name === 'Bravo%prod'],
      ['name "_" is a literal underscore', () => 'name=_', (row) => row.name === 'Alpha_db'],
      ['name "a_d" does not match "aXd"', () => 'name=a_d', (row) => row.name === 'Alpha_db'],
      ['name "!" is a literal exclamation mark', () => `name=${encodeURIComponent('!')}`, (row) => row.name === 'Charlie!x'],
      ['name "!x"', () => `name=${encodeURIComponent('!X')}`, (row) => row.name === 'Charlie!x'],
      ['name "!%"', () => `name=${encodeURIComponent('!%')}`, () => false],
      ['name with a quote', () => `name=${encodeURIComponent("' OR '1'='1")}`, () => false],
      ['name that matches nothing', () => 'name=zzz', () => false],
      ['two filters', () => 'availability_zone=az1&name=char', (row) => row.name === 'Charlie!x'],
      [
        'three filters',
        () => `volume_id=${V2}&to_project_id=${T[0]}&status=available`,
        (row) => row.volume === V2 && row.to === T[0],
      ],
      ['availability_zone that no backup has', () => 'availability_zone=az0', () => false],
    ];

    it.each(filters)('%s', async (_, query, predicate) => {
      const expected = rows.filter(predicate);
      const listed = await list(`?${query()}`);
      expect(listed.status).toBe(200);
      expect(idsOf(listed.body)).toEqual(ordered(expected));
      expect(listed.body.shared_links).toBeUndefined();
      const counted = await count(`?${query()}`);
      expect(counted.status).toBe(200);
      expect(counted.body).toEqual({ count: expected.length });
    });

    it('filters received sharings too (share_to_me with from_project_id and name)', async () => {
      const query = `?share_to_me=true&from_project_id=${OWNER}&name=a`;
      const expected = rows.filter((row) => row.to === RECIPIENT && /a/i.test(row.name));
      expect(idsOf((await list(query, 'recipient')).body)).toEqual(ordered(expected));
      expect((await count(query, 'recipient')).body).toEqual({ count: expected.length });
    });

    it('the count ignores sort and paging parameters', async () => {
      const response = await count('?status=available&limit=1&offset=2&sort_key=name&sort_dir=asc');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ count: rows.filter((row) => row.status === 'available').length });
    });
  });

  describe('sorting', () => {
    const cases = SORT_KEYS.flatMap((key) => (['asc', 'desc'] as const).map((dir) => [key, dir] as const));

    it.each(cases)('sort_key=%s sort_dir=%s orders by the key, ties by ID', async (key, dir) => {
      const response = await list(`?sort_key=${key}&sort_dir=${dir}`);
      expect(response.status).toBe(200);
      expect(idsOf(response.body)).toEqual(ordered(rows, key, dir));
    });

    it.each(SORT_KEYS)('sort_key=%s alone sorts descending', async (key) => {
      expect(idsOf((await list(`?sort_key=${key}`)).body)).toEqual(ordered(rows, key, 'desc'));
    });

    it('sort_dir=asc alone sorts by created_at ascending', async () => {
      expect(idsOf((await list('?sort_dir=asc')).body)).toEqual(ordered(rows, 'created_at', 'asc'));
    });
  });

  describe('paging', () => {
    it('limit and offset cut the ordered list', async () => {
      const all = ordered(rows, 'size', 'asc');
      const response = await list('?sort_key=size&sort_dir=asc&limit=4&offset=6');
      expect(response.status).toBe(200);
      expect(idsOf(response.body)).toEqual(all.slice(6, 10));
      expect(idsOf((await list(`?offset=${rows.length - 2}`)).body)).toEqual(ordered(rows).slice(-2));
      expect((await list(`?offset=${rows.length}`)).body).toEqual({ shared: [] });
      expect((await list('?offset=100000')).body).toEqual({ shared: [] });
    });

    it('a full page links to the next one; a page that is not full has no link', async () => {
      const full = await list('?limit=3&status=available');
      expect(full.body.shared).toHaveLength(3);
      expect(full.body.shared_links).toEqual([{ href: expect.any(String), rel: 'next' }]);
      const next = new URL(full.body.shared_links[0].href);
      expect(`${next.protocol}//${next.host}`).toBe(host.url);
      expect(next.pathname).toBe(`/v2/${OWNER}/${SHARING}/detail`);
      expect(next.searchParams.get('limit')).toBe('3');
      expect(next.searchParams.get('status')).toBe('available');
      expect(next.searchParams.get('marker')).toBe(full.body.shared[2].id);

      const partial = await list(`?limit=${rows.length + 1}`);
      expect(partial.body.shared).toHaveLength(rows.length);
      expect(partial.body.shared_links).toBeUndefined();
    });

    // Every sort key in both directions, with page sizes that divide the list and that do not:
    // following the links visits every sharing exactly once, in the order of the whole list.
    const walks = SORT_KEYS.flatMap((key) =>
      (['asc', 'desc'] as const).flatMap((dir) => [1, 4, 7].map((limit) => [key, dir, limit] as const)),
    );
    it.each(walks)('marker paging by %s %s, %i per page, visits every sharing once', async (key, dir, limit) => {
      const walk = await followPages(host, 'owner', `/v2/${OWNER}/${SHARING}/detail?sort_key=${key}&sort_dir=${dir}&limit=${limit}`);
      expect(walk.ids).toEqual(ordered(rows, key, dir));
      expect(new Set(walk.ids).size).toBe(rows.length);
      expect(walk.pages).toBe(Math.floor(rows.length / limit) + 1);
    });

    it('a page size that divides the list ends with a full page, then an empty page without a link', async () => {
      const limit = rows.length;
      const first = await list(`?limit=${limit}`);
      expect(first.body.shared).toHaveLength(limit);
      const next = await host.http.get(pathOfLink(host, first.body.shared_links[0].href)).set('X-Auth-Token', TOKENS.owner);
      expect(next.status).toBe(200);
      expect(next.body).toEqual({ shared: [] });
    });

    it('marker paging keeps the filters and drops the first offset', async () => {
      const expected = ordered(rows.filter((row) => row.status === 'available'), 'name', 'asc');
      const walk = await followPages(host, 'owner', `/v2/${OWNER}/${SHARING}/detail?status=available&sort_key=name&sort_dir=asc&limit=5&offset=2`);
      expect(walk.ids).toEqual(expected.slice(2));
    });

    it('marker paging of received sharings', async () => {
      const walk = await followPages(host, 'recipient', `/v2/${RECIPIENT}/${SHARING}/detail?share_to_me=true&limit=1&sort_key=id`);
      expect(walk.ids).toEqual(ordered(rows.filter((row) => row.to === RECIPIENT), 'id', 'desc'));
    });

    it('a marker starts the page right after that sharing', async () => {
      const all = ordered(rows, 'updated_at', 'asc');
      const response = await list(`?sort_key=updated_at&sort_dir=asc&marker=${all[9]}&limit=5`);
      expect(idsOf(response.body)).toEqual(all.slice(10, 15));
      const withOffset = await list(`?sort_key=updated_at&sort_dir=asc&marker=${all[9]}&offset=2&limit=3`);
      expect(idsOf(withOffset.body)).toEqual(all.slice(12, 15));
    });
  });

  describe('bad query values: 400 in the fault shape', () => {
    const bad: [string, RegExp][] = [
      ['limit=0', /limit/],
      ['limit=1001', /limit/],
      ['limit=-1', /limit/],
      ['limit=abc', /limit/],
      ['limit=1.5', /limit/],
      ['limit=1e2', /limit/],
      ['limit=', /limit/],
      ['limit=1&limit=2', /limit/],
      ['offset=-1', /offset/],
      ['offset=x', /offset/],
      ['offset=99999999999', /offset/],
      ['marker=not-a-uuid', /marker/],
      ['sort_key=backup_id', /sort_key/],
      ['sort_key=NAME', /sort_key/],
      ['sort_key=name;drop', /sort_key/],
      ['sort_dir=up', /sort_dir/],
      ['sort_dir=', /sort_dir/],
      ['share_to_me=yes', /share_to_me/],
      ['share_to_me=', /share_to_me/],
      ['backup_id=nope', /backup_id/],
      ['from_project_id=a%20b', /from_project_id/],
      ['to_project_id=a/b', /to_project_id/],
      ['status=a&status=b', /status/],
    ];

    it.each(bad)('list ?%s', async (query, mentions) => {
      const response = await list(`?${query}`);
      expect(response.status).toBe(400);
      const fault = expectFault(response.body, 400, 'badRequest');
      expect(fault.error_code).toBe('BackupSharing.InvalidRequest');
      expect(fault.message).toMatch(mentions);
      expectRequestId(response);
    });

    it.each(bad.filter(([query]) => /^(share_to_me|backup_id|from_project_id|to_project_id|status)/.test(query)))(
      'count ?%s',
      async (query) => {
        const response = await count(`?${query}`);
        expect(response.status).toBe(400);
        expect(expectFault(response.body, 400, 'badRequest').error_code).toBe('BackupSharing.InvalidRequest');
      },
    );

    it('a marker that names no sharing of this scope: unknown, canceled, or another project\'s, all alike', async () => {
      const [canceled] = await shareOk(host, ids.foxtrot, [randomProjectId()]);
      expect((await as(host, 'owner').delete(`${SHARING}/${canceled.id}`)).status).toBe(200);
      const markers = [randomUUID(), canceled.id, recipientMade[1]];
      for (const marker of markers) {
        const response = await list(`?marker=${marker}`);
        expect(response.status).toBe(400);
        const fault = expectFault(response.body, 400, 'badRequest');
        expect(fault.message).toBe(`Marker ${marker} could not be found.`);
      }
      // A received sharing is no marker for the list of sharings made, and the other way round.
      const received = rows.find((row) => row.to === RECIPIENT)!;
      expect((await list(`?marker=${received.id}`, 'recipient')).status).toBe(400);
      expect((await list(`?share_to_me=true&marker=${received.id}`, 'recipient')).status).toBe(200);
    });
  });
});

describe('name filter on names beyond ASCII', () => {
  let host: TestHost;
  let umlaut: string;
  beforeAll(async () => {
    host = await startTestHost();
    for (const name of ['Ärger-Backup', 'Berger-Backup', 'daten_ÜBER_alles', 'Café-Ωmega', 'cafe-plain', 'ЖУРНАЛ']) {
      const backupId = await createBackup(host, { name });
      await shareOk(host, backupId, [randomProjectId()]);
      if (name === 'Ärger-Backup') umlaut = backupId;
    }
  });
  afterAll(() => host.close());

  // The one rule on every database (the README's): letters match whatever their case, in any
  // script; accents and every other difference count (MySQL's collation alone would make 'é'
  // and 'e' one letter, SQLite's LOWER() alone would fold ASCII only).
  it.each([
    ['Ärger', ['Ärger-Backup']],
    ['Är', ['Ärger-Backup']],
    ['ÄRGER-backup', ['Ärger-Backup']],
    ['ärger', ['Ärger-Backup']],
    ['ÜBER', ['daten_ÜBER_alles']],
    ['über', ['daten_ÜBER_alles']],
    ['N_Ü', ['daten_ÜBER_alles']],
    ['rger-b', ['Ärger-Backup', 'Berger-Backup']],
    ['CAFÉ', ['Café-Ωmega']],
    ['café', ['Café-Ωmega']],
    ['cafe', ['cafe-plain']],
    ['ωMEGA', ['Café-Ωmega']],
    ['журнал', ['ЖУРНАЛ']],
    ['Журнал', ['ЖУРНАЛ']],
    ['arger', []],
  ])('name=%s', async (name, names) => {
    const query = `?name=${encodeURIComponent(name)}&sort_key=id&sort_dir=asc`;
    const listed = await as(host, 'owner').get(`${SHARING}/detail${query}`);
    expect(listed.status).toBe(200);
    expect(listed.body.shared.map((s: SharingDetail) => s.backup!.name).sort()).toEqual([...names].sort());
    expect((await as(host, 'owner').get(`${SHARING}/count${query}`)).body).toEqual({ count: names.length });
  });

  it('the nested backup carries the name as stored', async () => {
    const listed = await as(host, 'owner').get(`${SHARING}/detail?backup_id=${umlaut}`);
    expect(listed.body.shared[0].backup.name).toBe('Ärger-Backup');
  });
});
