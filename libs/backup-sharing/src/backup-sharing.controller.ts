import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UseFilters,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ValidationError } from 'class-validator';
import { BackupNotFoundError, InvalidRequestError, ShareNotFoundError } from './backup-sharing.errors';
import { BackupSharingService } from './backup-sharing.service';
import { Caller, CurrentCaller, ProjectScopeGuard } from './auth/project-scope.guard';
import { CancelBackupSharingsQuery, CancelSharingQuery } from './dto/cancel-sharing.query';
import { ListSharingsQuery, SharingFiltersQuery } from './dto/list-sharings.query';
import { ShareBackupRequest } from './dto/share-backup.request';
import {
  CountSharingsResponse,
  GetSharingResponse,
  ListSharingsResponse,
  ShareBackupResponse,
} from './dto/backup-sharing.response';
import { toCreatedSharingView, toSharingDetailView } from './dto/backup-sharing.mapper';
import { FaultFilter } from './http/fault.filter';
import { nextPageLink } from './http/next-page-link';
import { isUuid } from './dto/uuid';
import {
  ApiBackupSharingController,
  ApiCancelSharing,
  ApiCancelSharingsOfBackup,
  ApiCountSharings,
  ApiListSharings,
  ApiShareBackup,
  ApiShowSharing,
} from './http/backup-sharing.api-docs';

/** Validation errors become one readable 400 message, in the fault shape. */
export const validationPipe = new ValidationPipe({
  transform: true,
  exceptionFactory: (errors: ValidationError[]) => new InvalidRequestError([...new Set(messagesOf(errors))].join(' ')),
});

function messagesOf(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [...Object.values(error.constraints ?? {}), ...messagesOf(error.children ?? [])]);
}

@ApiBackupSharingController()
@Controller('v2/:project_id/os-vendor-backup-sharing')
@UseGuards(ProjectScopeGuard)
@UseFilters(FaultFilter)
@UsePipes(validationPipe)
export class BackupSharingController {
  constructor(private readonly sharings: BackupSharingService) {}

  @Post()
  @HttpCode(200)
  @ApiShareBackup()
  async share(@CurrentCaller() caller: Caller, @Body() body: ShareBackupRequest): Promise<ShareBackupResponse> {
    const created = await this.sharings.share(caller.projectId, body.shared.backup_id, body.shared.to_project_ids);
    return { shared: created.map(toCreatedSharingView) };
  }

  @Get('detail')
  @ApiListSharings()
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListSharingsQuery,
    @Req() request: Parameters<typeof nextPageLink>[0],
  ): Promise<ListSharingsResponse> {
    const page = query.toPage();
    const sharings = await this.sharings.list(caller.projectId, query.toFilters(), page);
    const response: ListSharingsResponse = { shared: sharings.map(toSharingDetailView) };
    if (sharings.length === page.limit) {
      response.shared_links = [{ href: nextPageLink(request, sharings[sharings.length - 1].id), rel: 'next' }];
    }
    return response;
  }

  @Get('count')
  @ApiCountSharings()
  async count(@CurrentCaller() caller: Caller, @Query() query: SharingFiltersQuery): Promise<CountSharingsResponse> {
    return { count: await this.sharings.count(caller.projectId, query.toFilters()) };
  }

  @Get(':id')
  @ApiShowSharing()
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<GetSharingResponse> {
    // A malformed ID names no sharing: the same 404 as an unknown one, without a query.
    if (!isUuid(id)) throw new ShareNotFoundError(id);
    return { shared: toSharingDetailView(await this.sharings.get(caller.projectId, id)) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiCancelSharing()
  async cancel(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: CancelSharingQuery): Promise<void> {
    if (query.is_backup_id) return this.cancelAllOfBackup(caller, id);
    if (!isUuid(id)) throw new ShareNotFoundError(id);
    await this.sharings.cancel(caller.projectId, id);
  }

  @Delete()
  @HttpCode(200)
  @ApiCancelSharingsOfBackup()
  async cancelByBackup(@CurrentCaller() caller: Caller, @Query() query: CancelBackupSharingsQuery): Promise<void> {
    if (!query.backup_id) {
      throw new InvalidRequestError(
        'Name what to cancel: DELETE os-vendor-backup-sharing/{sharing_id}, or ' +
          'DELETE os-vendor-backup-sharing/{backup_id}?is_backup_id=true (or ?backup_id={backup_id}) for every sharing of a backup.',
      );
    }
    return this.cancelAllOfBackup(caller, query.backup_id);
  }

  private async cancelAllOfBackup(caller: Caller, backupId: string): Promise<void> {
    if (!isUuid(backupId)) throw new BackupNotFoundError(backupId);
    await this.sharings.cancelAllOfBackup(caller.projectId, backupId);
  }
}
