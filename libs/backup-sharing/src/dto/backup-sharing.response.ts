import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE_PLACEHOLDERS } from '../http/openapi-examples';

// Exactly this layout (naive UTC, six fraction digits): the Go SDK fails on a `Z` or an offset.
const TIMESTAMP = {
  type: String,
  nullable: true,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}$',
  example: '2017-08-22T08:43:16.699374',
  description: 'Naive UTC',
};

/** The shared backup, read live from the host's catalog. */
export class SharedBackupView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ example: 'available' }) status: string;
  @ApiProperty({ type: 'integer', description: 'GB' }) size: number;
  @ApiProperty({ type: String, nullable: true }) volume_id: string | null;
  @ApiProperty({ type: String, nullable: true }) availability_zone: string | null;
  @ApiProperty({ type: String, nullable: true }) snapshot_id: string | null;
  @ApiProperty({ type: String, nullable: true }) container: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) object_count: number | null;
  @ApiProperty({ type: String, nullable: true }) fail_reason: string | null;
  @ApiProperty(TIMESTAMP) created_at: string | null;
  @ApiProperty(TIMESTAMP) updated_at: string | null;
  @ApiProperty(TIMESTAMP) data_timestamp: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) has_dependent_backups: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) is_incremental: boolean | null;
  @ApiProperty({ type: String, nullable: true }) service_metadata: string | null;
}

class SharingFieldsView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) backup_id: string;
  @ApiProperty({ example: EXAMPLE_PLACEHOLDERS.projectId }) from_project_id: string;
  @ApiProperty({ example: EXAMPLE_PLACEHOLDERS.toProjectId }) to_project_id: string;
  @ApiProperty(TIMESTAMP) created_at: string | null;
  @ApiProperty(TIMESTAMP) updated_at: string | null;
}

/** A sharing as the create answer shows it. */
export class CreatedSharingView extends SharingFieldsView {
  @ApiProperty({ type: String, nullable: true, description: 'null for an active sharing' }) deleted: string | null;
  @ApiProperty(TIMESTAMP) deleted_at: string | null;
}

/** A sharing as get and list show it. */
export class SharingDetailView extends SharingFieldsView {
  @ApiProperty({ type: SharedBackupView, nullable: true }) backup: SharedBackupView | null;
}

export class ShareBackupResponse {
  @ApiProperty({ type: [CreatedSharingView] }) shared: CreatedSharingView[];
}

export class GetSharingResponse {
  @ApiProperty({ type: SharingDetailView }) shared: SharingDetailView;
}

export class PageLink {
  @ApiProperty({ example: `http://127.0.0.1:3000/v2/${EXAMPLE_PLACEHOLDERS.projectId}/os-vendor-backup-sharing/detail?limit=10&marker=…` })
  href: string;
  @ApiProperty({ enum: ['next'], example: 'next' }) rel: 'next';
}

export class ListSharingsResponse {
  @ApiProperty({ type: [SharingDetailView] }) shared: SharingDetailView[];
  @ApiPropertyOptional({ type: [PageLink], description: 'Present when the page is full: the next page.' })
  shared_links?: PageLink[];
}

export class CountSharingsResponse {
  @ApiProperty({ type: 'integer', example: 2 }) count: number;
}
