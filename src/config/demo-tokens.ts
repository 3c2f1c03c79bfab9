import { StaticTokenEntry } from '../../libs/backup-sharing/src';

/** Projects of the built-in demo tokens; the demo seed puts backups into the first two. */
export const DEMO_PROJECTS = {
  owner: 'c13f5220dc1949b0b741ea81a7cd5554',
  recipient: '722513ed0a324dadaabe5b2d0fe848c9',
  other: '9d4a1e5c2b7f4e0a8c3d6f1b2a5e7c90',
  admin: 'admin0000000000000000000000000000',
} as const;

/**
 * Tokens the demo host accepts when `AUTH_STATIC_TOKENS` is unset, outside production only, so
 * that curl and Swagger UI trials work at once. The README lists them.
 */
export const DEMO_TOKENS: Record<string, StaticTokenEntry> = {
  'owner-token': { project_id: DEMO_PROJECTS.owner, user_id: 'demo-owner', roles: ['member'] },
  'recipient-token': { project_id: DEMO_PROJECTS.recipient, user_id: 'demo-recipient', roles: ['member'] },
  'other-token': { project_id: DEMO_PROJECTS.other, user_id: 'demo-other', roles: ['member'] },
  'admin-token': { project_id: DEMO_PROJECTS.admin, user_id: 'demo-admin', roles: ['admin'] },
};
