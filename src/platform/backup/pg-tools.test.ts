import { describe, expect, it } from 'vitest';
import { libpqEnv, parseToolMajor, serverMajor, versionMismatch } from './pg-tools.js';

describe('Postgres client programs', () => {
  it('reads majors from --version output and server_version_num', () => {
    expect(parseToolMajor('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n')).toBe(15);
    expect(parseToolMajor('pg_dump (PostgreSQL) 17.2\n')).toBe(17);
    expect(parseToolMajor('something else')).toBeUndefined();
    expect(serverMajor(150020)).toBe(15);
    expect(serverMajor(180006)).toBe(18);
  });

  it('says clearly when client and server majors differ, and what to install', () => {
    expect(versionMismatch('pg_dump', 15, 15)).toBeUndefined();
    expect(versionMismatch('pg_dump', 15, 16)).toBe(
      "pg_dump is PostgreSQL 15 but the server runs PostgreSQL 16: backups need the client programs of the server's major version. " +
        'Install postgresql-client-16, or set BACKUP_PG_BIN_DIR to its bin directory (Debian: /usr/lib/postgresql/16/bin).',
    );
  });

  it('passes connection details through the environment, never on the command line', () => {
    expect(libpqEnv('postgres://ops:s%40cret@db.internal:6543/voyage?sslmode=require')).toEqual({
      PGHOST: 'db.internal',
      PGPORT: '6543',
      PGDATABASE: 'voyage',
      PGUSER: 'ops',
      PGPASSWORD: 's@cret',
      PGSSLMODE: 'require',
    });
  });
});
