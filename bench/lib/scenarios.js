'use strict';
// The five operations the throughput bench drives, and the data each one needs. Reads run on a
// fixed set; share and cancel need fresh data for every request, so each server run gets its
// own: share takes the next (backup, recipient) pair of a grid of unshared backups, cancel the
// next of a stock of active sharings seeded just before the run.
const { GROUPS, PROJECTS, TOKENS, BACKUP_COLUMNS, SHARING_COLUMNS, GUARD_COLUMNS, uuid, target, backupRow, sharingRow, guardRowsOf } = require('./fixtures');

const OWNER_BACKUPS = 100;
const OWNER_SHARINGS = 1000;
const SHARE_BACKUPS = 10_000;
/** Backups of the cancel project; its sharings spread over them, one recipient each. */
const CANCEL_BACKUPS = 1000;

const path = (project, rest = '') => `/v2/${project}/os-vendor-backup-sharing${rest}`;

/** Rows that stay for the whole bench: the backups of the three projects. */
function backupRows() {
  const rows = [];
  for (let n = 0; n < OWNER_BACKUPS; n++) rows.push(backupRow(uuid(GROUPS.ownerBackup, n), PROJECTS.owner, n));
  for (let n = 0; n < SHARE_BACKUPS; n++) rows.push(backupRow(uuid(GROUPS.shareBackup, n), PROJECTS.share, n, true));
  for (let n = 0; n < CANCEL_BACKUPS; n++) rows.push(backupRow(uuid(GROUPS.cancelBackup, n), PROJECTS.cancel, n));
  return rows;
}

/** The owner's 1,000 sharings (reads), and `cancelStock` sharings of the cancel project. */
function sharingRows(cancelStock) {
  const rows = [];
  const ownerBackups = Array.from({ length: OWNER_BACKUPS }, (_, n) => backupRow(uuid(GROUPS.ownerBackup, n), PROJECTS.owner, n));
  for (let n = 0; n < OWNER_SHARINGS; n++) {
    rows.push(sharingRow(uuid(GROUPS.ownerSharing, n), ownerBackups[n % OWNER_BACKUPS], target(Math.floor(n / OWNER_BACKUPS)), n));
  }
  const cancelBackups = Array.from({ length: CANCEL_BACKUPS }, (_, n) => backupRow(uuid(GROUPS.cancelBackup, n), PROJECTS.cancel, n));
  for (let n = 0; n < cancelStock; n++) {
    rows.push(sharingRow(uuid(GROUPS.cancelSharing, n), cancelBackups[n % CANCEL_BACKUPS], target(Math.floor(n / CANCEL_BACKUPS)), n));
  }
  return rows;
}

/** Empties the sharings, their guards and events, then seeds what one server run consumes. */
async function reseed(database, cancelStock) {
  await database.truncate('backup_sharings', 'backup_sharing_events', 'backup_sharing_guards');
  const sharings = sharingRows(cancelStock);
  await database.insert('backup_sharings', SHARING_COLUMNS, sharings);
  await database.insert('backup_sharing_guards', GUARD_COLUMNS, guardRowsOf(sharings));
}

async function seed(database, cancelStock) {
  await database.insert('backups', BACKUP_COLUMNS, backupRows());
  await reseed(database, cancelStock);
}

/**
 * The request of operation `name` number `n` of a run: method, path, token and body. Every
 * number gives another request where the operation needs fresh data.
 */
const SCENARIOS = {
  get: (n) => ({ method: 'GET', path: path(PROJECTS.owner, `/${uuid(GROUPS.ownerSharing, n % OWNER_SHARINGS)}`), token: TOKENS.owner }),
  list: () => ({ method: 'GET', path: path(PROJECTS.owner, '/detail?limit=100'), token: TOKENS.owner }),
  count: () => ({ method: 'GET', path: path(PROJECTS.owner, '/count'), token: TOKENS.owner }),
  share: (n) => ({
    method: 'POST',
    path: path(PROJECTS.share),
    token: TOKENS.share,
    body: JSON.stringify({ shared: { backup_id: uuid(GROUPS.shareBackup, n % SHARE_BACKUPS), to_project_ids: [target(Math.floor(n / SHARE_BACKUPS))] } }),
  }),
  cancel: (n) => ({ method: 'DELETE', path: path(PROJECTS.cancel, `/${uuid(GROUPS.cancelSharing, n)}`), token: TOKENS.cancel }),
};

/** How many shares a run may make before a backup would pass the limit of 10 recipients. */
const SHARE_CAPACITY = SHARE_BACKUPS * 10;

module.exports = { SCENARIOS, SHARE_CAPACITY, seed, reseed, OWNER_SHARINGS };
