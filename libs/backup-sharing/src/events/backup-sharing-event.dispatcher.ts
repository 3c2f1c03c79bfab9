import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BACKUP_SHARING_OPTIONS } from '../backup-sharing.module-definition';
import { BackupSharingEventOptions, BackupSharingModuleOptions } from '../backup-sharing.options';
import { BackupSharingEventEntity } from './backup-sharing-event.entity';
import { BackupSharingEvent } from './backup-sharing.event';
import { BackupSharingEvents } from './backup-sharing-events';
import { BackupSharingOutbox } from './backup-sharing-outbox.repository';
import { telemetry } from '../telemetry/backup-sharing.telemetry';
import { OutboxBacklogSource } from '../telemetry/outbox-backlog';

const DEFAULTS: Required<Omit<BackupSharingEventOptions, 'instanceId'>> = {
  dispatch: true,
  pollIntervalMs: 1000,
  batchSize: 100,
  leaseMs: 30_000,
  retentionMs: 7 * 24 * 3600_000,
  purgeIntervalMs: 3600_000,
};

/**
 * Delivers the outbox to the host's listeners, at least once. It keeps no state another
 * instance needs: every instance claims events under a lease in the database, so several
 * instances share the work, and the events a dead instance had claimed are taken over when its
 * lease lapses. A change made in this process nudges it, so delivery normally follows the commit
 * at once; the poll catches everything else.
 */
@Injectable()
export class BackupSharingEventDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown, OutboxBacklogSource {
  readonly instanceId: string;
  private readonly settings: typeof DEFAULTS;
  private readonly logger = new Logger('BackupSharingEvents');
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private running = false;
  private nextPurgeAt = 0;
  /** The outbox as last counted for the gauges, and whether a collection read it since. */
  private backlog: { pending: number; oldestAt: Date | null } | undefined;
  private backlogWanted = true;

  constructor(
    private readonly outbox: BackupSharingOutbox,
    private readonly events: BackupSharingEvents,
    @Inject(BACKUP_SHARING_OPTIONS) options: BackupSharingModuleOptions,
  ) {
    this.settings = { ...DEFAULTS, ...options.events };
    this.instanceId = options.events?.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  onApplicationBootstrap(): void {
    if (!this.settings.dispatch) return;
    this.running = true;
    telemetry.addOutboxSource(this);
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    telemetry.removeOutboxSource(this);
    clearTimeout(this.timer);
    await this.draining;
  }

  /** Delivers soon: called after a change commits in this process. */
  nudge(): void {
    if (this.running) this.schedule(0);
  }

  lastBacklog(): { pending: number; oldestAt: Date | null } | undefined {
    return this.backlog;
  }

  backlogRead(): void {
    this.backlogWanted = true;
  }

  /** Delivers everything that is due now, and resolves when done (used by tests and scripts). */
  async flush(): Promise<void> {
    // A round a nudge started meanwhile holds its events under its claim, which this round skips
    // (`SKIP LOCKED`): wait for that round too, until none is in flight.
    do {
      await this.draining;
      await this.drain();
    } while (this.draining);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    // The dispatcher alone never keeps a process alive.
    this.timer.unref();
  }

  private tick(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => this.logger.warn(`Event delivery paused: ${(error as Error).message}`))
      .finally(() => {
        this.draining = undefined;
        if (!this.running) return;
        this.schedule(this.drainAgain ? 0 : this.settings.pollIntervalMs);
        this.drainAgain = false;
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = new Date();
      const batch = await this.outbox.claim(
        this.instanceId,
        this.settings.batchSize,
        now,
        new Date(now.getTime() + this.settings.leaseMs),
      );
      for (const row of batch) await this.deliver(row);
      if (batch.length < this.settings.batchSize) break;
    }
    if (Date.now() >= this.nextPurgeAt) {
      this.nextPurgeAt = Date.now() + this.settings.purgeIntervalMs;
      const purged = await this.outbox.purgeDelivered(new Date(Date.now() - this.settings.retentionMs));
      if (purged > 0) this.logger.log(`Purged ${purged} delivered event(s).`);
    }
    // The gauges' count is taken here, after a round, and only when a collection read the last
    // one: a scrape never runs a query of its own, and no metrics reader means no count at all.
    if (this.backlogWanted && telemetry.metricsEnabled) {
      this.backlogWanted = false;
      this.backlog = await this.outbox.backlog();
    }
  }

  private async deliver(row: BackupSharingEventEntity): Promise<void> {
    try {
      await this.events.deliver(toEvent(row));
      await this.outbox.markDelivered(this.instanceId, row.seq, new Date());
    } catch (error) {
      // Back off exponentially, within the lease, and leave the event for a later round.
      const delay = Math.min(this.settings.leaseMs, 500 * 2 ** Math.min(row.attempts, 10));
      this.logger.warn(`Event ${row.eventId} (${row.type}) not delivered, retrying in ${delay} ms: ${(error as Error).message}`);
      await this.outbox.release(this.instanceId, row.seq, new Date(Date.now() + delay));
    }
  }
}

function toEvent(row: BackupSharingEventEntity): BackupSharingEvent {
  return {
    id: row.eventId,
    type: row.type,
    sharingId: row.sharingId,
    backupId: row.backupId,
    fromProjectId: row.fromProjectId,
    toProjectId: row.toProjectId,
    occurredAt: row.occurredAt,
    requestId: row.requestId,
  };
}
