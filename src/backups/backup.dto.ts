import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class CreateBackupFields {
  @ApiProperty({ format: 'uuid', example: '5024a06e-6990-4f12-9dcc-8fe26b01a710' })
  @IsUUID('all', { message: 'backup.volume_id must be a UUID.' })
  volume_id: string;

  @ApiPropertyOptional({ example: 'nightly' })
  @IsOptional()
  @IsString({ message: 'backup.name must be a string.' })
  @MaxLength(255, { message: 'backup.name must be at most 255 characters.' })
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'backup.description must be a string.' })
  @MaxLength(255, { message: 'backup.description must be at most 255 characters.' })
  description?: string;

  @ApiPropertyOptional({ description: 'GB', default: 1, minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'backup.size must be a whole number of GB.' })
  @Min(1, { message: 'backup.size must be at least 1.' })
  @Max(1_000_000, { message: 'backup.size must be at most 1000000.' })
  size?: number;

  @ApiPropertyOptional({ example: 'az1' })
  @IsOptional()
  @IsString({ message: 'backup.availability_zone must be a string.' })
  @MaxLength(255, { message: 'backup.availability_zone must be at most 255 characters.' })
  availability_zone?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Makes the backup encrypted (and so not shareable).' })
  @IsOptional()
  @IsUUID('all', { message: 'backup.encryption_key_id must be a UUID.' })
  encryption_key_id?: string;
}

export class CreateBackupRequest {
  @ApiProperty({ type: CreateBackupFields })
  @IsDefined({ message: 'The body must be {"backup": {"volume_id": ...}}.' })
  @IsObject({ message: 'backup must be an object.' })
  @ValidateNested()
  @Type(() => CreateBackupFields)
  backup: CreateBackupFields;
}

export const BACKUP_STATUSES = ['available', 'error', 'creating', 'deleting', 'restoring', 'error_deleting'] as const;

export class ResetStatusFields {
  @ApiProperty({ enum: BACKUP_STATUSES, example: 'error' })
  @IsIn(BACKUP_STATUSES, { message: `os-reset_status.status must be one of ${BACKUP_STATUSES.join(', ')}.` })
  status: string;
}

/** Body of `POST /backups/{id}/action`: only `os-reset_status` is served. */
export class BackupActionRequest {
  @ApiProperty({ type: ResetStatusFields, name: 'os-reset_status' })
  @IsDefined({ message: 'The only action served is {"os-reset_status": {"status": ...}}.' })
  @IsObject({ message: 'os-reset_status must be an object.' })
  @ValidateNested()
  @Type(() => ResetStatusFields)
  'os-reset_status': ResetStatusFields;
}
