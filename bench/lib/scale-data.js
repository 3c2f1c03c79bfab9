'use strict';
// The data of the scale bench, in two levels on one MariaDB schema or PostgreSQL database:
//
// - 1,000 sharings: the probe project's whole scope. It owns 50 backups shared with 10 projects
//   each (500 sharings it made) and receives 500 (one backup each of 5 other projects' 500).
// - 1,000,000 sharings over 100,000 backups and 1,000 projects: the same probe scope, exactly as
//   it was, among 999,000 sharings of other tenants, one of them a large tenant holding 100,000
//   (10% of the table) to show what grows with a tenant's own scope.
//
// Rows are written in multi-row INSERTs in primary-key order, with the secondary indexes of the
// sharings table dropped during the big load and built again after it (one sorted build per
// index instead of a million random inserts into each), then ANALYZEd.
const { uuid, BACKUP_COLUMNS, SHARING_COLUMNS, backupRow, sharingRow } = require('./fixtures');
const { scaleServer } = require('./scale-server');

const G = { backup: 41, sharing: 51 };
const PROJECT_COUNT = 1000;
const BACKUP_COUNT = 100_000;
const SHARINGS_PER_BACKUP = 10;
const project = (n) => `scaleproject${String(n).padStart(20, '0')}`;

/** Project numbers: 0 the probe, 1-5 the probe's sharers, 6 the large tenant, the rest others. */
const PROBE = project(0);
const SHARERS = [1, 2, 3, 4, 5].map(project);
const LARGE = project(6);

/** Backup numbers: the probe's 50, the sharers' 500, the large tenant's 10,000, then the others. */
const PROBE_BACKUPS = 50;
const SHARER_BACKUPS = 500;
const LARGE_BACKUPS = 10_000;

function ownerOf(b) {
  if (b < PROBE_BACKUPS) return PROBE;
  if (b < PROBE_BACKUPS + SHARER_BACKUPS) return SHARERS[(b - PROBE_BACKUPS) % SHARERS.length];
  if (b < PROBE_BACKUPS + SHARER_BACKUPS + LARGE_BACKUPS) return LARGE;
  return project(7 + ((b * 7919) % (PROJECT_COUNT - 7)));
}

/**
 * The 10 recipients of backup `b`, never its owner; the probe receives only the sharers'
 * backups, so that its scope is the same at both levels.
 */
function recipientsOf(b, owner) {
  const targets = [];
  if (b >= PROBE_BACKUPS && b < PROBE_BACKUPS + SHARER_BACKUPS) targets.push(PROBE);
  for (let k = 0; targets.length < SHARINGS_PER_BACKUP; k++) {
    const candidate = project(7 + ((b * 31 + k * 977) % (PROJECT_COUNT - 7)));
    if (candidate !== owner && !targets.includes(candidate)) targets.push(candidate);
  }
  return targets;
}

const backupOf = (b) => backupRow(uuid(G.backup, b), ownerOf(b), b);

/** The sharings of backup `b`; `level1` keeps only those in the probe's scope. */
function sharingsOf(b, level1) {
  const backup = backupOf(b);
  return recipientsOf(b, backup.project_id)
    .map((to, k) => ({ to, k }))
    .filter(({ to }) => !level1 || backup.project_id === PROBE || to === PROBE)
    .map(({ to, k }) => sharingRow(uuid(G.sharing, b * SHARINGS_PER_BACKUP + k), backup, to, b * SHARINGS_PER_BACKUP + k));
}

/** The guard row of every shared backup, with its active count, as the module keeps them. */
async function rebuildGuards(database) {
  await database.query('DELETE FROM backup_sharing_guards');
  await database.query(
    'INSERT INTO backup_sharing_guards (backup_id, owner_project_id, deleted, encrypted, backup_name, backup_status, backup_size, ' +
      'backup_volume_id, backup_availability_zone, active_count, version) ' +
      'SELECT backup_id, MIN(from_project_id), 0, 0, MIN(backup_name), MIN(backup_status), MIN(backup_size), MIN(backup_volume_id), ' +
      'MIN(backup_availability_zone), COUNT(*), 0 FROM backup_sharings WHERE active = 1 GROUP BY backup_id',
  );
}

/** Level 1: the probe's 1,000 sharings and their backups. */
async function fillLevel1(database) {
  const backups = [];
  const sharings = [];
  for (let b = 0; b < PROBE_BACKUPS + SHARER_BACKUPS; b++) {
    backups.push(backupOf(b));
    sharings.push(...sharingsOf(b, true));
  }
  await database.insert('backups', BACKUP_COLUMNS, backups, 2000);
  await database.insert('backup_sharings', SHARING_COLUMNS, sharings, 2000);
  await rebuildGuards(database);
  await scaleServer(database).analyze(database);
  return sharings.length;
}

/** Level 2: everything else, up to 1,000,000 sharings; `progress` hears how far it got. */
async function fillLevel2(database, progress = () => undefined) {
  const server = scaleServer(database);
  const indexes = await server.secondaryIndexes(database, 'backup_sharings');
  for (const statement of indexes.drop) await database.query(statement);
  const batch = 2000;
  let backups = [];
  let sharings = [];
  const flush = async () => {
    if (backups.length) await database.insert('backups', BACKUP_COLUMNS, backups, batch);
    if (sharings.length) await database.insert('backup_sharings', SHARING_COLUMNS, sharings, batch);
    backups = [];
    sharings = [];
  };
  for (let b = 0; b < BACKUP_COUNT; b++) {
    const level1 = b < PROBE_BACKUPS + SHARER_BACKUPS;
    if (!level1) backups.push(backupOf(b));
    const all = sharingsOf(b, false);
    sharings.push(...(level1 ? all.filter((row) => row.from_project_id !== PROBE && row.to_project_id !== PROBE) : all));
    if (sharings.length >= 20_000) {
      await flush();
      progress(b + 1);
    }
  }
  await flush();
  progress(BACKUP_COUNT, 'indexes');
  for (const statement of indexes.add) await database.query(statement);
  await rebuildGuards(database);
  await server.analyze(database);
  const [{ n }] = await database.query('SELECT COUNT(*) AS n FROM backup_sharings');
  return Number(n);
}

/** A sharing the probe made (owner side), by number 0..499. */
const probeSharing = (n) => uuid(G.sharing, (n % PROBE_BACKUPS) * SHARINGS_PER_BACKUP + Math.floor(n / PROBE_BACKUPS));
const probeBackup = (n) => uuid(G.backup, n);
const largeBackup = (n) => uuid(G.backup, PROBE_BACKUPS + SHARER_BACKUPS + n);
const largeSharing = (n) => uuid(G.sharing, (PROBE_BACKUPS + SHARER_BACKUPS + n) * SHARINGS_PER_BACKUP);
const volumeOfProbe = () => backupOf(7).volume_id;

module.exports = { PROBE, LARGE, PROBE_BACKUPS, fillLevel1, fillLevel2, probeSharing, probeBackup, largeBackup, largeSharing, volumeOfProbe, project };
