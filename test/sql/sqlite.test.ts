import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { defineSqlStoreCases } from '../helpers/sql-store-cases.js';

defineSqlStoreCases({
  name: 'SQLite (better-sqlite3, in memory)',
  connect: async () => new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) }),
});
