/**
 * jose, loaded on first use: it ships ES modules only, which Node requires from CommonJS
 * (`require(esm)`), but Jest before Node 24.9 cannot. Loaded when a JWT is first handled rather
 * than from the package's entry, so that a host that uses no JWT verifier runs its Jest tests
 * without a transform for it.
 */
let loaded: typeof import('jose') | undefined;

export function jose(): typeof import('jose') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('jose') as typeof import('jose'));
}
