import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BackupSharingEvent, BackupSharingEvents } from '../../libs/backup-sharing/src';

/**
 * The demo host's reaction to sharing changes: one log line per event. A real block-storage API
 * would grant or revoke the recipient's access in other systems here; the outbox guarantees it
 * sees every change at least once, also across crashes and from other instances.
 */
@Injectable()
export class SharingEventsLog implements OnModuleInit {
  private readonly logger = new Logger('SharingEvents');

  constructor(private readonly events: BackupSharingEvents) {}

  onModuleInit(): void {
    this.events.subscribe((event: BackupSharingEvent) => {
      this.logger.log(
        `${event.type} event=${event.id} sharing=${event.sharingId} backup=${event.backupId} ` +
          `from=${event.fromProjectId} to=${event.toProjectId} request=${event.requestId ?? '-'}`,
      );
    });
  }
}
