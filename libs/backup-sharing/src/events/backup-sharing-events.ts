import { Injectable } from '@nestjs/common';
import { BackupSharingEvent, BackupSharingEventListener } from './backup-sharing.event';

/**
 * Where the host subscribes to sharing changes. Events come from the outbox, so a listener is
 * called at least once per change, also for changes made by another instance or before a crash.
 */
@Injectable()
export class BackupSharingEvents {
  private readonly listeners = new Set<BackupSharingEventListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: BackupSharingEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener; rejects when any of them fails, so the event is delivered again. */
  async deliver(event: BackupSharingEvent): Promise<void> {
    await Promise.all([...this.listeners].map(async (listener) => listener(event)));
  }
}
