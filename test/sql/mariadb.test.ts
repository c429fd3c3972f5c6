import { afterAll } from 'vitest';
import { defineSqlStoreCases } from '../helpers/sql-store-cases.js';
import { mariadbKysely, sqlAvailable, startMariadb, type SqlServer } from '../helpers/sql-servers.js';

const available = sqlAvailable('mariadb');
let server: SqlServer | undefined;
afterAll(async () => {
  await server?.stop();
});

defineSqlStoreCases({
  name: 'MariaDB',
  skip: !available,
  connect: async () => {
    server = await startMariadb();
    return mariadbKysely(server, 20);
  },
});
