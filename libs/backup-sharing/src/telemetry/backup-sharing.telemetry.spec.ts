import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { BackupSharingTelemetry, telemetry as moduleTelemetry } from './backup-sharing.telemetry';
import { VerifiedTokenCache } from '../auth/verified-token.cache';
import { retryWriteConflicts } from '../persistence/write-conflict.retry';
import { BackupSharingModule } from '../backup-sharing.module';
import { BackupSharingService } from '../backup-sharing.service';
import { StaticTokenVerifier } from '../auth/static-token.verifier';
import { InMemoryBackupCatalog } from '../testing/in-memory-backup-catalog';
import { inMemoryBackupSharingDatabase } from '../testing/in-memory-database';
import { BackupSharingEventDispatcher } from '../events/backup-sharing-event.dispatcher';
import { BackupSharingEvents } from '../events/backup-sharing-events';
import { BackupSharingOutbox } from '../events/backup-sharing-outbox.repository';

/** A metric reader that collects when asked, as a Prometheus scrape does. */
class TestMetricReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}

  /** The points of every metric collected now: name -> [attributes, value]. */
  async points(): Promise<Map<string, { attributes: Record<string, unknown>; value: unknown }[]>> {
    const { resourceMetrics } = await this.collect();
    const points = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        points.set(
          metric.descriptor.name,
          (metric.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]).map(({ attributes, value }) => ({ attributes, value })),
        );
      }
    }
    return points;
  }
}

/** A response that records what is asked of it. */
function responseSpy() {
  return { statusCode: 200, once: jest.fn() };
}

describe('the module without an OpenTelemetry SDK', () => {
  // The API is installed here (the host's dependency), but no SDK: every call is the API's no-op.
  const withApi = new BackupSharingTelemetry();
  // A host without the optional peer `@opentelemetry/api` at all.
  const withoutApi = new BackupSharingTelemetry(undefined);

  it.each([
    ['the API alone', withApi],
    ['no API installed', withoutApi],
  ])('%s: no span, no metric, no listener, no error; the work runs as it is', async (_, telemetry) => {
    const response = responseSpy();
    expect(telemetry.startOperation('share', response)).toBeUndefined();
    expect(response.once).not.toHaveBeenCalled();
    expect(telemetry.metricsEnabled).toBe(false);
    expect(telemetry.recordingSpan()).toBeUndefined();

    // The very promise of the work comes back: no wrapper, no closure, no span object.
    const work = Promise.resolve(42);
    expect(telemetry.inActiveSpan('backup_sharing.catalog.findOwned', {}, () => work)).toBe(work);
    expect(telemetry.sqlStatement('sqlite', 'SELECT 1', () => work)).toBe(work);
    await expect(telemetry.inSpan(undefined, 'x', {}, () => work)).resolves.toBe(42);
    expect(telemetry.within(undefined, () => work)).toBe(work);
    const batches: unknown[] = [];
    await telemetry.sqlTransaction('sqlite', async (batch) => batches.push(batch));
    expect(batches).toEqual([undefined]);
    expect(() => {
      telemetry.tokenCacheLookup(true);
      telemetry.writeConflictRetry();
    }).not.toThrow();
    // A failing work fails as it would without telemetry.
    await expect(telemetry.inActiveSpan('x', {}, () => Promise.reject(new Error('catalog down')))).rejects.toThrow('catalog down');
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('the no-op path of one request costs a few microseconds at most and keeps nothing', () => {
    const response = responseSpy();
    const work = Promise.resolve(1);
    const run = () => work;
    const calls = 200_000;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      withApi.startOperation('list', response);
      withApi.inActiveSpan('backup_sharing.verify_token', {}, run);
      withApi.sqlStatement('mysql', 'SELECT 1', run);
      withApi.tokenCacheLookup(false);
    }
    const perRequestUs = ((performance.now() - started) * 1000) / calls;
    const retainedBytes = process.memoryUsage().heapUsed - heapBefore;
    // Generous bounds for a shared machine; an SDK-less host pays only lookups of the globals.
    expect(perRequestUs).toBeLessThan(5);
    expect(retainedBytes / calls).toBeLessThan(64);
    expect(response.once).not.toHaveBeenCalled();
  });
});

describe('the module with a meter provider', () => {
  const reader = new TestMetricReader();
  const provider = new MeterProvider({ readers: [reader] });
  // The module's own instance: one per process, as in a host (two would report the same series).
  const telemetry = moduleTelemetry;
  beforeAll(() => metrics.setGlobalMeterProvider(provider));
  afterAll(async () => {
    metrics.disable();
    await provider.shutdown();
  });

  it('counts and times an operation when its answer closes, with the status sent, under a few fixed attribute sets', async () => {
    const listeners: (() => void)[] = [];
    const response = { statusCode: 200, once: (_: 'close', listener: () => void) => listeners.push(listener) };
    expect(telemetry.startOperation('get', response)).toBeUndefined(); // no tracer: no span
    expect(telemetry.metricsEnabled).toBe(true);
    response.statusCode = 404;
    listeners.forEach((listener) => listener());
    telemetry.tokenCacheLookup(true);
    telemetry.tokenCacheLookup(false);
    telemetry.tokenCacheLookup(false);
    telemetry.writeConflictRetry();

    const points = await reader.points();
    expect(points.get('backup_sharing.requests')).toEqual([
      { attributes: { 'backup_sharing.operation': 'get', 'http.response.status_code': 404 }, value: 1 },
    ]);
    const [duration] = points.get('backup_sharing.request.duration')!;
    expect(duration.attributes).toEqual({ 'backup_sharing.operation': 'get', 'http.response.status_code': 404 });
    expect(duration.value).toMatchObject({ count: 1 });
    expect((duration.value as { sum: number }).sum).toBeLessThan(1);
    expect(points.get('backup_sharing.token_cache.lookups')).toEqual([
      { attributes: { 'backup_sharing.token_cache.result': 'hit' }, value: 1 },
      { attributes: { 'backup_sharing.token_cache.result': 'miss' }, value: 2 },
    ]);
    expect(points.get('backup_sharing.write_conflict.retries')).toEqual([{ attributes: {}, value: 1 }]);
  });

  it("the module's token cache and write-conflict retries count into it", async () => {
    const before = await reader.points();
    const count = (points: typeof before, name: string, attributes: Record<string, unknown> = {}) =>
      Number(points.get(name)?.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attributes))?.value ?? 0);
    const cache = new VerifiedTokenCache({ ttlMs: 60_000, invalidTtlMs: 1000, maxEntries: 10, now: Date.now });
    const identity = { projectId: 'p', userId: null, roles: [] };
    await cache.lookup('a-token', async () => identity);
    await cache.lookup('a-token', async () => identity);
    let runs = 0;
    await retryWriteConflicts(
      async () => {
        if (++runs === 1) throw Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' });
      },
      { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
    );
    const after = await reader.points();
    const hit = { 'backup_sharing.token_cache.result': 'hit' };
    const miss = { 'backup_sharing.token_cache.result': 'miss' };
    expect(count(after, 'backup_sharing.token_cache.lookups', hit) - count(before, 'backup_sharing.token_cache.lookups', hit)).toBe(1);
    expect(count(after, 'backup_sharing.token_cache.lookups', miss) - count(before, 'backup_sharing.token_cache.lookups', miss)).toBe(1);
    expect(count(after, 'backup_sharing.write_conflict.retries') - count(before, 'backup_sharing.write_conflict.retries')).toBe(1);
  });

  it('the outbox gauges read what a dispatcher last counted, and ask it to count again on its next round', async () => {
    let read = 0;
    const oldestAt = new Date(Date.now() - 5000);
    const source = { lastBacklog: () => ({ pending: 3, oldestAt }), backlogRead: () => void read++ };
    telemetry.addOutboxSource(source);
    const points = await reader.points();
    telemetry.removeOutboxSource(source);
    expect(points.get('backup_sharing.outbox.pending')).toEqual([{ attributes: {}, value: 3 }]);
    const [age] = points.get('backup_sharing.outbox.oldest_age')!;
    expect(age.value).toBeGreaterThanOrEqual(5);
    expect(age.value).toBeLessThan(60);
    expect(read).toBe(1);
  });
});

describe('the outbox gauges of a dispatching module (real SQLite)', () => {
  const reader = new TestMetricReader();
  const provider = new MeterProvider({ readers: [reader] });
  beforeAll(() => metrics.setGlobalMeterProvider(provider));
  afterAll(async () => {
    metrics.disable();
    await provider.shutdown();
  });

  it('count the undelivered events on a round after a scrape read them, never on the scrape itself', async () => {
    const owner = 'owner0000000000000000000000000001';
    const catalog = new InMemoryBackupCatalog();
    const backupId = catalog.add(owner, randomUUID()).id;
    const backlog = jest.spyOn(BackupSharingOutbox.prototype, 'backlog');
    const app = await (
      await Test.createTestingModule({
        imports: [
          inMemoryBackupSharingDatabase(),
          // Rounds only when the test flushes (after the first one, at start).
          BackupSharingModule.forRoot({ backupCatalog: catalog, tokenVerifier: new StaticTokenVerifier({}), events: { pollIntervalMs: 3_600_000 } }),
        ],
      }).compile()
    ).init();
    try {
      const dispatcher = app.get(BackupSharingEventDispatcher);
      // A listener that fails: the events stay in the outbox.
      app.get(BackupSharingEvents).subscribe(() => Promise.reject(new Error('listener down')));
      await dispatcher.flush();
      expect(backlog).toHaveBeenCalledTimes(1);
      const pendingOf = async () => (await reader.points()).get('backup_sharing.outbox.pending')?.[0]?.value;

      await app.get(BackupSharingService).share(owner, backupId, ['alice000000000000000000000000002', 'bob00000000000000000000000000003']);
      await dispatcher.flush();
      // Nobody read the first count yet: the rounds did not count again.
      expect(backlog).toHaveBeenCalledTimes(1);
      expect(await pendingOf()).toBe(0);
      expect(await pendingOf()).toBe(0);
      expect(backlog).toHaveBeenCalledTimes(1);
      await dispatcher.flush();
      expect(backlog).toHaveBeenCalledTimes(2);
      const points = await reader.points();
      expect(points.get('backup_sharing.outbox.pending')).toEqual([{ attributes: {}, value: 2 }]);
      expect(points.get('backup_sharing.outbox.oldest_age')?.[0]?.value).toBeGreaterThanOrEqual(0);
    } finally {
      backlog.mockRestore();
      await app.close();
    }
  });
});
