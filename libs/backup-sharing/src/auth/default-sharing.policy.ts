import { DEFAULT_ADMIN_ROLE } from '../backup-sharing.options';
import { PolicyTarget, SharingPolicy, SharingRule } from './sharing-policy.port';
import { Identity } from './token-verifier.port';

/**
 * The rules of backup-sharing-api.md, as a Cinder `policy.yaml` would write them:
 *
 * ```yaml
 * "admin_or_member": "role:admin or project_id:%(project_id)s"
 * "backup_sharing:create": "rule:admin_or_member"
 * "backup_sharing:get_all": "rule:admin_or_member"
 * "backup_sharing:count": "rule:admin_or_member"
 * "backup_sharing:get": "rule:admin_or_member"     # owner or recipient of the sharing
 * "backup_sharing:cancel": "rule:admin_or_member"  # the owner only; the recipient may not
 * ```
 *
 * Members of a project may use every operation on it; the admin role (name configurable) may
 * act for any project. On one sharing, the recipient may read it but not cancel it.
 */
export class DefaultSharingPolicy extends SharingPolicy {
  constructor(private readonly adminRole: string = DEFAULT_ADMIN_ROLE) {
    super();
  }

  isAdmin(credentials: Identity): boolean {
    return credentials.roles.includes(this.adminRole);
  }

  mayActFor(projectId: string, credentials: Identity): boolean {
    return credentials.projectId === projectId || this.isAdmin(credentials);
  }

  allows(rule: SharingRule, target: PolicyTarget, credentials: Identity): boolean | Promise<boolean> {
    if (!this.mayActFor(target.projectId, credentials)) return false;
    if (!target.sharing) return true;
    const { fromProjectId, toProjectId } = target.sharing;
    switch (rule) {
      case 'backup_sharing:cancel':
        return target.projectId === fromProjectId;
      case 'backup_sharing:get':
        return target.projectId === fromProjectId || target.projectId === toProjectId;
      default:
        return true;
    }
  }
}
