import pg from 'pg';

/** A session on the drill cluster, in UTC so that timestamps read the same everywhere. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'voyage-dr-drill' });
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`SET TimeZone = 'UTC'`);
  return client;
}
