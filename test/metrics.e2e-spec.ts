import { randomUUID } from 'node:crypto';
import { DEMO_PROJECTS, TestHost, startTestHost } from './support/test-host';
import { SHARING, as, createBackup, randomProjectId, shareOk, shareRequest } from './support/sharing-api';

/** One sample of the Prometheus text: a metric name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a Prometheus sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** `operation status` -> value of one metric's samples. */
function byOperationAndStatus(samples: Sample[], name: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples.filter((s) => s.name === name)) {
    counts[`${sample.labels.backup_sharing_operation} ${sample.labels.http_response_status_code}`] = sample.value;
  }
  return counts;
}

describe('GET /metrics (METRICS_ENABLED)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ METRICS_ENABLED: 'true' });
  });
  afterAll(() => host.close());

  it('shows exactly the requests of a scripted run, per operation and status', async () => {
    const owner = as(host, 'owner');
    const first = await createBackup(host);
    const second = await createBackup(host);
    const target = randomProjectId();

    // share: 200, 200, then 409 (already shared) and 404 (no such backup)
    const [sharing] = await shareOk(host, first, [DEMO_PROJECTS.recipient]);
    await shareOk(host, second, [target, randomProjectId()]);
    expect((await owner.post(SHARING, shareRequest(first, [DEMO_PROJECTS.recipient]))).status).toBe(409);
    expect((await owner.post(SHARING, shareRequest(randomUUID(), [target]))).status).toBe(404);
    // list: 200 three times (the recipient's view included), 401 without a token
    expect((await owner.get(`${SHARING}/detail`)).status).toBe(200);
    expect((await owner.get(`${SHARING}/detail?backup_id=${second}`)).status).toBe(200);
    expect((await as(host, 'recipient').get(`${SHARING}/detail?share_to_me=true`)).status).toBe(200);
    expect((await host.http.get(`/v2/${DEMO_PROJECTS.owner}/${SHARING}/detail`)).status).toBe(401);
    // get: 200, 404; count: 200
    expect((await owner.get(`${SHARING}/${sharing.id}`)).status).toBe(200);
    expect((await owner.get(`${SHARING}/${randomUUID()}`)).status).toBe(404);
    expect((await owner.get(`${SHARING}/count`)).status).toBe(200);
    // cancel: 200 (one sharing), 404 (the same again), 403 (the recipient), 200 (every sharing of a backup)
    expect((await as(host, 'recipient').delete(`${SHARING}/${sharing.id}`)).status).toBe(403);
    expect((await owner.delete(`${SHARING}/${sharing.id}`)).status).toBe(200);
    expect((await owner.delete(`${SHARING}/${sharing.id}`)).status).toBe(404);
    expect((await owner.delete(`${SHARING}/${second}?is_backup_id=true`)).status).toBe(200);

    const response = await host.http.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;/);
    expect(response.headers['content-type']).toContain('version=0.0.4');
    const samples = samplesOf(response.text);
    const expected = {
      'share 200': 2,
      'share 409': 1,
      'share 404': 1,
      'list 200': 3,
      'list 401': 1,
      'get 200': 1,
      'get 404': 1,
      'count 200': 1,
      'cancel 403': 1,
      'cancel 200': 2,
      'cancel 404': 1,
    };
    expect(byOperationAndStatus(samples, 'backup_sharing_requests_total')).toEqual(expected);
    // Every request timed once, in seconds.
    expect(byOperationAndStatus(samples, 'backup_sharing_request_duration_count')).toEqual(expected);
    const slowest = samples.filter((s) => s.name === 'backup_sharing_request_duration_sum').map((s) => s.value);
    expect(Math.max(...slowest)).toBeLessThan(30);
    // No project, backup or sharing ID in any label of the module's metrics.
    const moduleText = response.text
      .split('\n')
      .filter((line) => line.startsWith('backup_sharing_'))
      .join('\n');
    for (const id of [DEMO_PROJECTS.owner, DEMO_PROJECTS.recipient, target, first, second, sharing.id]) expect(moduleText).not.toContain(id);

    // The host's own duration of every answer (these included), and the outbox as the dispatcher counted it.
    const hostRequests = samples.filter((s) => s.name === 'http_server_request_duration_count');
    expect(hostRequests.find((s) => s.labels.http_request_method === 'POST' && s.labels.http_response_status_code === '202')?.value).toBe(2);
    const pending = samples.find((s) => s.name === 'backup_sharing_outbox_pending');
    expect(pending?.value).toBeGreaterThanOrEqual(0);
  });

  it('counts nothing for /metrics itself, and the next scrape shows the same counts', async () => {
    const before = byOperationAndStatus(samplesOf((await host.http.get('/metrics')).text), 'backup_sharing_requests_total');
    const after = byOperationAndStatus(samplesOf((await host.http.get('/metrics')).text), 'backup_sharing_requests_total');
    expect(after).toEqual(before);
  });
});

describe('GET /metrics with METRICS_ENABLED=false', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ METRICS_ENABLED: 'false' });
  });
  afterAll(() => host.close());

  it('is not served: 404 in the fault shape', async () => {
    const response = await host.http.get('/metrics');
    expect(response.status).toBe(404);
    expect(Object.keys(response.body)).toEqual(['itemNotFound']);
  });
});
