import { ApiProperty } from '@nestjs/swagger';
import { SharedBackupView } from '../../libs/backup-sharing/src';

/** A backup as the host's show and list answer it: the module's backup view plus its owner. */
export class BackupView extends SharedBackupView {
  @ApiProperty({ name: 'os-backup-project-attr:project_id', example: 'c13f5220dc1949b0b741ea81a7cd5554', description: 'The owner project.' })
  'os-backup-project-attr:project_id': string;
}

export class ShowBackupResponse {
  @ApiProperty({ type: BackupView }) backup: BackupView;
}

export class ListBackupsResponse {
  @ApiProperty({ type: [BackupView] }) backups: BackupView[];
}

export class BackupLink {
  @ApiProperty({ example: 'http://127.0.0.1:3000/v2/c13f5220dc1949b0b741ea81a7cd5554/backups/066b1e37-9305-4057-97e5-2e99b21fc71d' })
  href: string;
  @ApiProperty({ enum: ['self', 'bookmark'], example: 'self' }) rel: 'self' | 'bookmark';
}

export class CreatedBackupView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: [BackupLink] }) links: BackupLink[];
}

export class CreateBackupResponse {
  @ApiProperty({ type: CreatedBackupView }) backup: CreatedBackupView;
}
