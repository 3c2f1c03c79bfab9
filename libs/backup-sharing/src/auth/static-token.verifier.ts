import { Identity, TokenVerifier } from './token-verifier.port';

/** One entry of a static token table: the shape of `AUTH_STATIC_TOKENS` values. */
export interface StaticTokenEntry {
  project_id: string;
  user_id?: string;
  roles?: string[];
}

/**
 * Tokens fixed in configuration. For development and Swagger UI trials only: the tokens never
 * expire and are compared as plain strings.
 */
export class StaticTokenVerifier extends TokenVerifier {
  private readonly identities: Map<string, Identity>;

  constructor(tokens: Record<string, StaticTokenEntry>) {
    super();
    this.identities = new Map(
      Object.entries(tokens).map(([token, entry]) => [
        token,
        { projectId: entry.project_id, userId: entry.user_id ?? null, roles: entry.roles ?? [] },
      ]),
    );
  }

  async verify(token: string): Promise<Identity | undefined> {
    return this.identities.get(token);
  }
}
