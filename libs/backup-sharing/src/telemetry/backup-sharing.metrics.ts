import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { OutboxBacklogSource } from './outbox-backlog';

/** Bucket bounds of the duration histogram, in seconds: OpenTelemetry's advice for HTTP server durations. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Counts kept as plain numbers, one per attribute set (a frozen object built once), that an
 * asynchronous counter reports when a reader collects: a request adds 1 to a number instead of
 * having the SDK hash its attributes for every record.
 */
class Tally {
  private readonly counts = new Map<Attributes, number>();

  add(attributes: Attributes): void {
    this.counts.set(attributes, (this.counts.get(attributes) ?? 0) + 1);
  }

  reportAs(meter: Meter, name: string, options: { description: string; unit: string }): void {
    meter.createObservableCounter(name, options).addCallback((result) => {
      for (const [attributes, count] of this.counts) result.observe(count, attributes);
    });
  }
}

/** The module's instruments on one meter; a new meter provider gets new ones (and counts from zero). */
export class Instruments {
  readonly requests = new Tally();
  readonly duration: Histogram;
  readonly tokenCache = new Tally();
  readonly retries = new Tally();

  constructor(meter: Meter, outboxSources: Set<OutboxBacklogSource>) {
    this.requests.reportAs(meter, 'backup_sharing.requests', {
      description: 'Requests of the backup-sharing API, by operation and response status.',
      unit: '{request}',
    });
    this.duration = meter.createHistogram('backup_sharing.request.duration', {
      description: 'Time from the start of an operation (authentication included) to the end of its answer.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.tokenCache.reportAs(meter, 'backup_sharing.token_cache.lookups', {
      description: 'Lookups of the verified-token cache: hit (no call to the identity service) or miss.',
      unit: '{lookup}',
    });
    this.retries.reportAs(meter, 'backup_sharing.write_conflict.retries', {
      description: 'Transactions run again after losing a write conflict (deadlock, certification failure, serialization failure).',
      unit: '{retry}',
    });
    const pending = meter.createObservableGauge('backup_sharing.outbox.pending', {
      description: 'Events of the outbox not delivered yet, as of the dispatcher\'s last round (up to one poll interval old).',
      unit: '{event}',
    });
    const oldestAge = meter.createObservableGauge('backup_sharing.outbox.oldest_age', {
      description: 'Age of the oldest undelivered event of the outbox; 0 when none is pending.',
      unit: 's',
    });
    pending.addCallback((result) => {
      for (const source of outboxSources) {
        source.backlogRead();
        const backlog = source.lastBacklog();
        if (backlog) result.observe(backlog.pending);
      }
    });
    oldestAge.addCallback((result) => {
      for (const source of outboxSources) {
        const backlog = source.lastBacklog();
        if (backlog) result.observe(backlog.oldestAt ? Math.max(0, (Date.now() - backlog.oldestAt.getTime()) / 1000) : 0);
      }
    });
  }
}
