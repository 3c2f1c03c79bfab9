// Says plainly what a run without a database server left out, and how to run it.
module.exports = async () => {
  if (process.env.TEST_DATABASE_URL) return;
  console.log(
    '\nSkipped in this run: the end-to-end suite on MySQL/MariaDB (it needs a server).\n' +
      'Run it with: npm run test:mysql   (MYSQL_URL defaults to mysql://root@127.0.0.1:3306/backup_sharing_test)\n',
  );
};
