import { IncomingMessage, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { HostProcess, buildHost, startHostProcess } from './support/host-process';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS } from './support/test-host';

/** An OTLP/HTTP receiver on loopback: keeps the trace exports it is sent. */
async function startReceiver() {
  const exports: { path: string; contentType: string | undefined; body: string }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exports.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The JSON request lines a host printed. */
function requestLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((line) => (typeof line.message === 'object' && line.message !== null ? (line.message as Record<string, unknown>) : line))
    .filter((line) => typeof line.request_id === 'string');
}

const SHARING = `/v2/${DEMO_PROJECTS.owner}/os-vendor-backup-sharing`;

// `node dist/src/main.js`, as `npm start` runs it: the OTLP exporter loads Node's HTTP client in
// a way Jest's module system cannot, so these hosts are processes of their own.
describe('the host process: traces over OTLP/HTTP, /metrics, trace IDs in the log', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let host: HostProcess | undefined;
  beforeAll(async () => {
    buildHost();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });
  afterAll(() => receiver?.close());

  const start = (env: Record<string, string>) =>
    startHostProcess({ DATABASE_URL: 'sqlite::memory:', DEMO_SEED: 'true', LOG_FORMAT: 'json', EVENTS_DISPATCH: 'false', ...env });
  const share = (url: string) =>
    fetch(`${url}${SHARING}`, {
      method: 'POST',
      headers: { 'X-Auth-Token': TOKENS.owner, 'Content-Type': 'application/json' },
      body: JSON.stringify({ shared: { backup_id: DEMO_BACKUPS.nightly, to_project_ids: [DEMO_PROJECTS.recipient] } }),
    });

  it('sends the spans of a share to OTEL_EXPORTER_OTLP_ENDPOINT, the last of them at SIGTERM; the log line names the trace', async () => {
    receiver.exports.length = 0;
    host = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'always_on' });
    expect((await share(host.url)).status).toBe(200);
    host.child.kill('SIGTERM');
    expect(await host.exited).toBe(0);

    expect(receiver.exports.length).toBeGreaterThan(0);
    expect(receiver.exports.every((sent) => sent.path === '/v1/traces' && sent.contentType === 'application/json')).toBe(true);
    const sent = receiver.exports.map((e) => e.body).join('\n');
    for (const name of ['POST', 'backup_sharing.share', 'backup_sharing.verify_token', 'backup_sharing.catalog.findOwned', 'TRANSACTION']) {
      expect(sent).toContain(`"name":"${name}"`);
    }
    expect(sent).toContain('"block-storage-api"');
    for (const token of Object.values(TOKENS)) expect(sent).not.toContain(token);
    expect(sent).not.toContain(DEMO_PROJECTS.recipient);
    const [line] = requestLines(host.output()).filter((l) => l.method === 'POST');
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(sent).toContain(`"traceId":"${line.trace_id}"`);
  });

  it("without an exporter: nothing is sent, every request still logs a trace ID (its caller's, or its own); /metrics counts it", async () => {
    receiver.exports.length = 0;
    host = await start({});
    expect((await share(host.url)).status).toBe(200);
    expect((await fetch(`${host.url}/no/such/path`)).status).toBe(404);
    // A caller's trace is kept in the log, though nothing here is traced.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const counted = await fetch(`${host.url}${SHARING}/count`, {
      headers: { 'X-Auth-Token': TOKENS.owner, traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    });
    expect(counted.status).toBe(200);
    const metrics = await (await fetch(`${host.url}/metrics`)).text();
    expect(metrics).toMatch(/^backup_sharing_requests_total\{[^}]*backup_sharing_operation="share",http_response_status_code="200"[^}]*\} 1$/m);
    // A line is written once its answer is out: the last one may follow the answer by a moment.
    await host.waitForOutput(/"path":"\/metrics"/);
    const lines = requestLines(host.output());
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(lines.map((line) => line.trace_id)).size).toBe(lines.length);
    expect(lines.find((line) => line.request_id === counted.headers.get('x-openstack-request-id'))?.trace_id).toBe(callerTrace);
    expect(receiver.exports).toEqual([]);
  });

  it('in production /metrics is off unless METRICS_ENABLED=true', async () => {
    host = await start({ NODE_ENV: 'production', AUTH_STATIC_TOKENS: JSON.stringify({ t: { project_id: 'p' } }), DEMO_SEED: 'false' });
    expect((await fetch(`${host.url}/metrics`)).status).toBe(404);
  });
});
