import { Reflector } from '@nestjs/core';
import { NotAuthorizedError } from '../backup-sharing.errors';
import { Identity } from './token-verifier.port';

/**
 * The operations a policy decides on, named as oslo.policy rules would be in a Cinder
 * `policy.yaml`.
 */
export const SHARING_RULES = [
  'backup_sharing:create',
  'backup_sharing:get',
  'backup_sharing:get_all',
  'backup_sharing:count',
  'backup_sharing:cancel',
] as const;
export type SharingRule = (typeof SHARING_RULES)[number];

/** What a rule is checked against, like oslo.policy's target. */
export interface PolicyTarget {
  /** The project the request acts for: `{project_id}` of the path. */
  projectId: string;
  /** The sharing concerned, once it is known (show and cancel of one sharing). */
  sharing?: { id?: string; fromProjectId: string; toProjectId: string };
}

/**
 * Who may do what. Bound through the module option `sharingPolicy`; `DefaultSharingPolicy`
 * otherwise. A policy can only narrow access: every query stays scoped by the acting project,
 * so no policy makes another project's sharings visible.
 */
export abstract class SharingPolicy {
  /** Whether the credentials may act for the project at all (every guarded route asks this). */
  abstract mayActFor(projectId: string, credentials: Identity): boolean;

  /** Whether the credentials may act for any project (`Caller.isAdmin`). */
  abstract isAdmin(credentials: Identity): boolean;

  /** Whether the credentials may apply `rule` to `target`. */
  abstract allows(rule: SharingRule, target: PolicyTarget, credentials: Identity): boolean | Promise<boolean>;
}

/** Marks a controller method with the rule that guards it; `ProjectScopeGuard` enforces it. */
export const SharingPolicyRule = Reflector.createDecorator<SharingRule>();

/** Enforces `rule`, throwing the 403 domain error when the policy refuses. */
export async function enforceSharingPolicy(
  policy: SharingPolicy,
  rule: SharingRule,
  target: PolicyTarget,
  credentials: Identity,
): Promise<void> {
  if (!policy.mayActFor(target.projectId, credentials)) {
    throw new NotAuthorizedError(`The token is not scoped to project ${target.projectId}.`);
  }
  if (!(await policy.allows(rule, target, credentials))) {
    const sharing = target.sharing;
    if (rule === 'backup_sharing:cancel' && sharing?.id && sharing.toProjectId === target.projectId) {
      // The common case, said the way a person understands it (and as the API documents it).
      throw new NotAuthorizedError(`Backup sharing ${sharing.id} can be canceled only by the project that shared it.`);
    }
    const on = sharing ? ` on backup sharing ${sharing.id ?? ''}`.trimEnd() : '';
    throw new NotAuthorizedError(`Policy does not allow ${rule} to be performed${on}.`);
  }
}
