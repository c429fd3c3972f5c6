import { afterAll } from 'vitest';
import { defineSqlStoreCases } from '../helpers/sql-store-cases.js';
import { postgresKysely, sqlAvailable, startPostgres, type SqlServer } from '../helpers/sql-servers.js';

const available = sqlAvailable('postgres');
let server: SqlServer | undefined;
afterAll(async () => {
  await server?.stop();
});

defineSqlStoreCases({
  name: 'PostgreSQL',
  skip: !available,
  connect: async () => {
    server = await startPostgres();
    return postgresKysely(server, 20);
  },
});
