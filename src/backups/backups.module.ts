import { Module } from '@nestjs/common';
import { BackupsController } from './backups.controller';
import { BackupsPersistenceModule } from './backups-persistence.module';
import { BackupsService } from './backups.service';

@Module({
  imports: [BackupsPersistenceModule],
  controllers: [BackupsController],
  providers: [BackupsService],
})
export class BackupsModule {}
