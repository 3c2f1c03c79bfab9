/** Who is calling, as the identity service vouches for it. */
export interface Identity {
  projectId: string;
  userId: string | null;
  roles: string[];
  /** When the token stops being valid, if the identity service says. */
  expiresAt?: Date;
}

/**
 * Turns an `X-Auth-Token` into an identity. Bound by the host (`tokenVerifier` option); the
 * module ships a static-token adapter for development and trials.
 */
export abstract class TokenVerifier {
  /** The identity behind `token`, or `undefined` when the token is unknown or expired. */
  abstract verify(token: string): Promise<Identity | undefined>;

  /**
   * Value of `WWW-Authenticate` on 401 answers (for Keystone: `Keystone uri="..."`), if any.
   */
  authenticateHeader(): string | undefined {
    return undefined;
  }
}
