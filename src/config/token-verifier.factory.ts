import { JwtTokenVerifier, KeystoneTokenVerifier, StaticTokenVerifier, TokenVerifier } from '../../libs/backup-sharing/src';
import { HostConfig } from './host.config';

/** The `TokenVerifier` adapter that AUTH_STRATEGY names. */
export function createTokenVerifier(auth: HostConfig['auth']): TokenVerifier {
  switch (auth.strategy) {
    case 'static':
      return new StaticTokenVerifier(auth.tokens);
    case 'keystone':
      return new KeystoneTokenVerifier(auth.keystone);
    case 'jwt':
      return new JwtTokenVerifier(auth.jwt);
  }
}

/** One line for the start-up log: which identity service the host trusts. */
export function describeAuth(auth: HostConfig['auth']): string {
  switch (auth.strategy) {
    case 'static':
      return `static tokens (${auth.demoTokens ? 'built-in demo tokens' : 'AUTH_STATIC_TOKENS'})`;
    case 'keystone':
      return `Keystone at ${auth.keystone.url} (${auth.keystone.serviceToken ? 'service token' : `service user ${auth.keystone.serviceCredentials?.username}`})`;
    case 'jwt':
      return `JWT, keys from ${'jwksUrl' in auth.jwt ? auth.jwt.jwksUrl : 'publicKey' in auth.jwt ? 'JWT_PUBLIC_KEY' : 'JWT_SECRET'}, project claim "${auth.jwt.projectClaim}", roles claim "${auth.jwt.rolesClaim}"`;
  }
}
