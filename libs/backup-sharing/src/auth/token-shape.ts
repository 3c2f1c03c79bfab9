/** Longest token passed on to an identity service; Keystone's PKI tokens were the largest, ~8 KB. */
export const MAX_TOKEN_LENGTH = 16_384;

/**
 * Whether `token` could be a token at all: printable ASCII without spaces. Anything else is
 * refused as invalid without a call, because `fetch` cannot send it as a header (which would turn a
 * client's garbage into an identity-service error).
 */
export function isPlausibleToken(token: string): boolean {
  return token.length > 0 && token.length <= MAX_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(token);
}
