import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PROJECT_ID_PATTERN } from '../auth/project-scope.guard';
import { SORT_KEYS, SharingFilters, SharingPage, SortKey } from '../persistence/backup-sharing.repository';
import { QueryBoolean, QueryInteger } from './query-values';
import { canonicalUuid } from './uuid';

export const MAX_PAGE_SIZE = 1000;
/** The largest offset: a 32-bit signed integer, what every database's OFFSET takes. */
export const MAX_OFFSET = 2_147_483_647;

/** Filters of the list and the count. */
export class SharingFiltersQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'true: sharings received by this project; otherwise those it made.' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'share_to_me must be true, false, 1 or 0.' })
  share_to_me?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the sharings of this backup (its ID, a UUID).' })
  @IsOptional()
  @IsUUID('all', { message: 'backup_id must be a UUID.' })
  backup_id?: string;

  @ApiPropertyOptional({ description: 'Only the sharings made by this project (with `share_to_me=true`: received from it).' })
  @IsOptional()
  @Matches(PROJECT_ID_PATTERN, { message: 'from_project_id must be 1 to 64 letters, digits, "-" or "_".' })
  from_project_id?: string;

  @ApiPropertyOptional({ description: 'Only the sharings with this recipient project.' })
  @IsOptional()
  @Matches(PROJECT_ID_PATTERN, { message: 'to_project_id must be 1 to 64 letters, digits, "-" or "_".' })
  to_project_id?: string;

  @ApiPropertyOptional({ description: "The backup's volume ID." })
  @IsOptional()
  @IsString({ message: 'volume_id must be given once.' })
  @MaxLength(36, { message: 'volume_id must be at most 36 characters.' })
  volume_id?: string;

  @ApiPropertyOptional({ description: "The backup's status, e.g. `available`." })
  @IsOptional()
  @IsString({ message: 'status must be given once.' })
  @MaxLength(32, { message: 'status must be at most 32 characters.' })
  status?: string;

  @ApiPropertyOptional({ description: "The backup's availability zone." })
  @IsOptional()
  @IsString({ message: 'availability_zone must be given once.' })
  @MaxLength(255, { message: 'availability_zone must be at most 255 characters.' })
  availability_zone?: string;

  @ApiPropertyOptional({ description: 'Same as availability_zone (the spelling of the published documentation).' })
  @IsOptional()
  @IsString({ message: 'avalilability_zone must be given once.' })
  @MaxLength(255, { message: 'avalilability_zone must be at most 255 characters.' })
  avalilability_zone?: string;

  @ApiPropertyOptional({ description: "Substring of the backup's name: letters match in any case, accents and other characters as written." })
  @IsOptional()
  @IsString({ message: 'name must be given once.' })
  @MaxLength(255, { message: 'name must be at most 255 characters.' })
  name?: string;

  toFilters(): SharingFilters {
    return {
      shareToMe: this.share_to_me,
      backupId: this.backup_id === undefined ? undefined : canonicalUuid(this.backup_id),
      fromProjectId: this.from_project_id,
      toProjectId: this.to_project_id,
      volumeId: this.volume_id,
      status: this.status,
      availabilityZone: this.availability_zone ?? this.avalilability_zone,
      name: this.name,
    };
  }
}

/** Query of `GET /os-vendor-backup-sharing/detail`. */
export class ListSharingsQuery extends SharingFiltersQuery {
  @ApiPropertyOptional({ enum: SORT_KEYS, default: 'created_at', description: 'The order of the page; ties are ordered by ID.' })
  @IsOptional()
  @IsIn(SORT_KEYS, { message: `sort_key must be one of ${SORT_KEYS.join(', ')}.` })
  sort_key?: SortKey;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'Ascending or descending `sort_key`.' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'sort_dir must be asc or desc.' })
  sort_dir?: 'asc' | 'desc';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE, description: 'The most sharings on one page.' })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1, { message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.` })
  @Max(MAX_PAGE_SIZE, { message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.` })
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'How many matching sharings to skip before the page.' })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: `offset must be a whole number from 0 to ${MAX_OFFSET}.` })
  @Min(0, { message: `offset must be a whole number from 0 to ${MAX_OFFSET}.` })
  @Max(MAX_OFFSET, { message: `offset must be a whole number from 0 to ${MAX_OFFSET}.` })
  offset?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'ID of the last sharing of the previous page.' })
  @IsOptional()
  @IsUUID('all', { message: 'marker must be a sharing ID (a UUID).' })
  marker?: string;

  toPage(): SharingPage {
    return {
      sortKey: this.sort_key ?? 'created_at',
      sortDir: this.sort_dir ?? 'desc',
      limit: this.limit ?? MAX_PAGE_SIZE,
      offset: this.offset ?? 0,
      marker: this.marker === undefined ? undefined : canonicalUuid(this.marker),
    };
  }
}
