import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  BackupSharingError,
  IdentityServiceFailedError,
  InvalidRequestError,
  NotAuthenticatedError,
  NotAuthorizedError,
} from '../backup-sharing.errors';
import { SharingPolicy, SharingPolicyRule, enforceSharingPolicy } from './sharing-policy.port';
import { Identity, TokenVerifier } from './token-verifier.port';
import { requestIdOf } from '../http/request-id.middleware';
import { SharingOperation, TELEMETRY_ATTRIBUTES, telemetry } from '../telemetry/backup-sharing.telemetry';
import { attachOperationSpan } from '../telemetry/operation-trace';

/** The authenticated caller and the project it acts for (the `{project_id}` of the path). */
export interface Caller {
  projectId: string;
  identity: Identity;
  isAdmin: boolean;
  /** `X-Openstack-Request-Id` of the request, recorded with the changes it makes. */
  requestId: string | null;
}

const CALLER = Symbol.for('backup-sharing.caller');

/** The operation of each rule of the module's routes: its span's name and its metric series. */
const OPERATION_OF_RULE: Partial<Record<string, SharingOperation>> = {
  'backup_sharing:create': 'share',
  'backup_sharing:get': 'get',
  'backup_sharing:get_all': 'list',
  'backup_sharing:count': 'count',
  'backup_sharing:cancel': 'cancel',
};
export const PROJECT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Authenticates `X-Auth-Token` and scopes the request to `{project_id}`: a token of another
 * project is refused unless the `SharingPolicy` lets it act for any project (the admin role), and
 * a route marked with `@SharingPolicyRule` is refused when the policy refuses that rule. Every
 * service call then takes the path project, which this guard has proven the caller may act for.
 */
@Injectable()
export class ProjectScopeGuard implements CanActivate {
  /** Attributes of the verification span: the verifier's class, never the token. */
  private readonly verificationAttributes: Record<string, string>;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly policy: SharingPolicy,
    private readonly reflector: Reflector,
  ) {
    this.verificationAttributes = { [TELEMETRY_ATTRIBUTES.tokenVerifier]: verifier.constructor.name };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest();
    const rule = this.reflector.get(SharingPolicyRule, context.getHandler());
    // The operation starts here, so that it counts (and times) a refused token as well; it ends
    // when its answer is sent, whatever answers it.
    const operation = rule && OPERATION_OF_RULE[rule];
    const response = operation && http.getResponse();
    const span = operation ? telemetry.startOperation(operation, response.raw ?? response, request.raw?.headers ?? request.headers) : undefined;
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new NotAuthenticatedError('Authentication required: send a token in X-Auth-Token.', this.verifier.authenticateHeader());
    }
    const verification = () => this.verifier.verify(token);
    const verified = span
      ? telemetry.inSpan(span, 'backup_sharing.verify_token', this.verificationAttributes, verification)
      : telemetry.inActiveSpan('backup_sharing.verify_token', this.verificationAttributes, verification);
    const identity = await verified.catch((error: unknown) => {
      // A host's own verifier that fails unexpectedly is an identity-service failure (502), not a 500.
      if (error instanceof BackupSharingError) throw error;
      throw Object.assign(new IdentityServiceFailedError('The identity service failed; the token could not be checked. Try again later.'), { cause: error });
    });
    if (!identity) {
      throw new NotAuthenticatedError('The token in X-Auth-Token is invalid or expired.', this.verifier.authenticateHeader());
    }
    const projectId: unknown = request.params?.project_id;
    if (typeof projectId !== 'string' || !PROJECT_ID_PATTERN.test(projectId)) {
      throw new InvalidRequestError('The project ID in the path must be 1 to 64 letters, digits, "-" or "_".');
    }
    if (rule) {
      await enforceSharingPolicy(this.policy, rule, { projectId }, identity);
    } else if (!this.policy.mayActFor(projectId, identity)) {
      throw new NotAuthorizedError(`The token is not scoped to project ${projectId}.`);
    }
    const isAdmin = this.policy.isAdmin(identity);
    const caller: Caller = { projectId, identity, isAdmin, requestId: requestIdOf(request) ?? null };
    if (span) attachOperationSpan(caller, span);
    request[CALLER] = caller;
    return true;
  }
}

/** Injects the `Caller` that `ProjectScopeGuard` established. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest()[CALLER];
  // Reaching a handler without the guard is a wiring mistake of the host, not a client error.
  if (!caller) throw new Error('CurrentCaller used on a route without ProjectScopeGuard.');
  return caller;
});
