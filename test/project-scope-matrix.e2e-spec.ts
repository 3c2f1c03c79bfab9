import { CallerKind, MatrixContext, describeProjectScopeMatrix } from './support/project-scope-matrix';
import { JwtIdentity, startJwtIdentity } from './support/jwt-identity';

/**
 * The cross-project matrix with tokens a JWT identity provider signed and serves keys for.
 * `revoked` has no JWT equivalent; `forged` (signed by a key the JWKS does not publish) takes its
 * place. test/keystone.e2e-spec.ts runs the same matrix against a real Keystone, revoked included.
 */
describe('project scope on every route, with JWT identities', () => {
  let identity: JwtIdentity;
  let context: MatrixContext;

  beforeAll(async () => {
    identity = await startJwtIdentity();
    const { projects, token, idp } = identity;
    const foreignKey = await idp.addKey('RS256', false);
    context = {
      host: identity.host,
      projects,
      tokens: {
        malformed: 'not-a-jwt',
        expired: await token(projects.owner, ['member'], { exp: Math.floor(Date.now() / 1000) - 3600 }),
        forged: await idp.sign({ project_id: projects.owner, roles: ['admin'], iss: 'https://idp.test.example', aud: 'block-storage' }, foreignKey),
        other: await token(projects.other, ['member']),
        recipient: await token(projects.recipient, ['member']),
        owner: await token(projects.owner, ['member', 'reader']),
        admin: await token(projects.admin, ['admin']),
      },
      challenge: undefined,
    };
  });
  afterAll(() => identity.close());

  const kinds: CallerKind[] = ['none', 'malformed', 'expired', 'forged', 'other', 'recipient', 'owner', 'admin'];
  describeProjectScopeMatrix(kinds, () => context);
});
