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
} from '@nestjs/common';
import { BackupNotFoundError, InvalidRequestError, ShareNotFoundError } from './backup-sharing.errors';
import { BackupSharingService, serviceBoundToSpan } from './backup-sharing.service';
import { Caller, CurrentCaller, ProjectScopeGuard } from './auth/project-scope.guard';
import { withinOperation } from './telemetry/operation-trace';
import { SharingPolicy, SharingPolicyRule, enforceSharingPolicy } from './auth/sharing-policy.port';
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
import { FaultValidationPipe } from './http/fault-validation.pipe';
import { nextPageLink } from './http/next-page-link';
import { PublicAddress } from './http/public-address';
import { canonicalUuid, isUuid } from './dto/uuid';
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
export const validationPipe = new FaultValidationPipe();

@ApiBackupSharingController()
@Controller('v2/:project_id/os-vendor-backup-sharing')
@UseGuards(ProjectScopeGuard)
@UseFilters(FaultFilter)
// The validation pipe sits on the body and query parameters, the only ones it checks: bound to
// the whole controller it also ran, for nothing, on every other parameter of every request.
export class BackupSharingController {
  constructor(
    private readonly sharings: BackupSharingService,
    private readonly policy: SharingPolicy,
    private readonly address: PublicAddress,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiShareBackup()
  @SharingPolicyRule('backup_sharing:create')
  share(@CurrentCaller() caller: Caller, @Body(validationPipe) body: ShareBackupRequest): Promise<ShareBackupResponse> {
    return this.within(caller, async (sharings) => {
      const created = await sharings.share(
        caller.projectId,
        canonicalUuid(body.shared.backup_id),
        body.shared.to_project_ids,
        caller.requestId,
      );
      return { shared: created.map(toCreatedSharingView) };
    });
  }

  @Get('detail')
  @ApiListSharings()
  @SharingPolicyRule('backup_sharing:get_all')
  async list(
    @CurrentCaller() caller: Caller,
    @Query(validationPipe) query: ListSharingsQuery,
    @Req() request: Parameters<typeof nextPageLink>[1],
  ): Promise<ListSharingsResponse> {
    return this.within(caller, async (service) => {
      const page = query.toPage();
      const sharings = await service.list(caller.projectId, query.toFilters(), page);
      const response: ListSharingsResponse = { shared: sharings.map(toSharingDetailView) };
      if (sharings.length === page.limit) {
        response.shared_links = [{ href: nextPageLink(this.address, request, sharings[sharings.length - 1].id), rel: 'next' }];
      }
      return response;
    });
  }

  @Get('count')
  @ApiCountSharings()
  @SharingPolicyRule('backup_sharing:count')
  count(@CurrentCaller() caller: Caller, @Query(validationPipe) query: SharingFiltersQuery): Promise<CountSharingsResponse> {
    return this.within(caller, async (sharings) => ({ count: await sharings.count(caller.projectId, query.toFilters()) }));
  }

  @Get(':id')
  @ApiShowSharing()
  @SharingPolicyRule('backup_sharing:get')
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<GetSharingResponse> {
    // A malformed ID names no sharing: the same 404 as an unknown one, without a query.
    if (!isUuid(id)) throw new ShareNotFoundError(id);
    return this.within(caller, async (sharings) => {
      const sharing = await sharings.get(caller.projectId, canonicalUuid(id));
      await enforceSharingPolicy(this.policy, 'backup_sharing:get', { projectId: caller.projectId, sharing }, caller.identity);
      return { shared: toSharingDetailView(sharing) };
    });
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiCancelSharing()
  @SharingPolicyRule('backup_sharing:cancel')
  async cancel(@CurrentCaller() caller: Caller, @Param('id') typed: string, @Query(validationPipe) query: CancelSharingQuery): Promise<void> {
    if (query.is_backup_id) return this.cancelAllOfBackup(caller, typed);
    if (!isUuid(typed)) throw new ShareNotFoundError(typed);
    const id = canonicalUuid(typed);
    return this.within(caller, async (sharings) => {
      // The rule is checked on the sharing (the recipient may not cancel); the service still
      // cancels only a sharing the project owns, whatever a host's policy allows.
      const sharing = await sharings.findVisible(caller.projectId, id);
      if (!sharing) throw new ShareNotFoundError(id);
      await enforceSharingPolicy(this.policy, 'backup_sharing:cancel', { projectId: caller.projectId, sharing }, caller.identity);
      await sharings.cancel(caller.projectId, id, caller.requestId);
    });
  }

  @Delete()
  @HttpCode(200)
  @ApiCancelSharingsOfBackup()
  @SharingPolicyRule('backup_sharing:cancel')
  async cancelByBackup(@CurrentCaller() caller: Caller, @Query(validationPipe) query: CancelBackupSharingsQuery): Promise<void> {
    if (!query.backup_id) {
      throw new InvalidRequestError(
        'Name what to cancel: DELETE os-vendor-backup-sharing/{sharing_id}, or ' +
          'DELETE os-vendor-backup-sharing/{backup_id}?is_backup_id=true (or ?backup_id={backup_id}) for every sharing of a backup.',
      );
    }
    return this.cancelAllOfBackup(caller, query.backup_id);
  }

  /** `work` on the service bound to the caller's operation span, when it records one. */
  private within<T>(caller: Caller, work: (sharings: BackupSharingService) => Promise<T>): Promise<T> {
    return withinOperation(caller, this.sharings, serviceBoundToSpan, work);
  }

  private async cancelAllOfBackup(caller: Caller, backupId: string): Promise<void> {
    if (!isUuid(backupId)) throw new BackupNotFoundError(backupId);
    await this.within(caller, (sharings) => sharings.cancelAllOfBackup(caller.projectId, canonicalUuid(backupId), caller.requestId));
  }
}
