import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { applyHttpEdge } from '../../libs/backup-sharing/src';
import { BackupsController } from './backups.controller';
import { BackupsPersistenceModule } from './backups-persistence.module';
import { BackupsService } from './backups.service';

@Module({
  imports: [BackupsPersistenceModule],
  controllers: [BackupsController],
  providers: [BackupsService],
})
export class BackupsModule implements NestModule {
  /** The same HTTP edge as the sharing routes: 405 with Allow, 406, 415, in one middleware. */
  configure(consumer: MiddlewareConsumer): void {
    applyHttpEdge(consumer, BackupsController);
  }
}
