// Says plainly what a run without a database server or a Keystone left out, and how to run it.
// Quiet under `npm test` (scripts/test-all.js), whose own closing summary says all of it.
const { DEFAULT_MYSQL_URL, DEFAULT_POSTGRES_URL } = require('../../scripts/database-servers');

module.exports = async () => {
  if (process.env.TEST_SUMMARY_BY_CALLER === 'true') return;
  if (!process.env.TEST_KEYSTONE_FIXTURES) {
    console.log(
      '\nSkipped in this run: test/keystone.e2e-spec.ts, the demo host against a real Keystone (it needs one).\n' +
        'Run it with: npm run test:keystone   (starts Keystone on loopback through scripts/keystone-dev.sh)',
    );
  }
  if (process.env.TEST_DATABASE_URL) return;
  console.log(
    '\nSkipped in this run: the end-to-end suite on MySQL/MariaDB and on PostgreSQL (they need a server).\n' +
      `Run it with: npm run test:mysql   (MYSQL_URL defaults to ${DEFAULT_MYSQL_URL})\n` +
      `        and: npm run test:postgres   (POSTGRES_URL defaults to ${DEFAULT_POSTGRES_URL})\n`,
  );
};
