import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DatabaseTarget } from './pool.js';

/**
 * Postgres change notifications (LISTEN/NOTIFY) as a feed a process can keep an in-memory copy by.
 *
 * A notification is sent when its transaction commits, in commit order, to the sessions listening
 * at that moment: one that arrives while the listening connection is down is lost for good. So each
 * subscriber also gets `resync`, called after every reconnect once LISTEN is back, to re-read what
 * it may have missed (see the `cars_changed` migration for how a reader knows what that is).
 *
 * On a server the feed holds one connection of its own, outside the pool (a pooled client is handed
 * to others between queries, and LISTEN belongs to the session). PGlite is in the process: its own
 * `listen` API delivers, and it never disconnects.
 */
export interface ChangeSubscriber {
  message(payload: string): void;
  /** Notifications may have been lost (the connection dropped and came back). */
  resync(): void;
}

export interface ChangeFeed {
  /** Resolves once the channel is listened to: a change committed after that is delivered. */
  subscribe(channel: string, subscriber: ChangeSubscriber): Promise<() => Promise<void>>;
  /** Whether notifications are being received now (false while reconnecting). */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Pause before reconnecting, doubled after each failure up to 30 s (default 500 ms). */
  reconnectMs?: number;
  applicationName?: string;
  onError?: (err: Error) => void;
}

const QUOTED = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

export function pgliteChangeFeed(pglite: PGlite): ChangeFeed {
  const unsubscribes = new Set<() => Promise<void>>();
  return {
    connected: true,
    async subscribe(channel, subscriber) {
      const off = await pglite.listen(channel, (payload) => subscriber.message(payload));
      const stop = async () => {
        unsubscribes.delete(stop);
        await off();
      };
      unsubscribes.add(stop);
      return stop;
    },
    async close() {
      for (const stop of [...unsubscribes]) await stop().catch(() => undefined);
    },
  };
}

export function serverChangeFeed(url: string, opts: ChangeFeedOptions = {}): ChangeFeed {
  const channels = new Map<string, Set<ChangeSubscriber>>();
  const baseDelay = opts.reconnectMs ?? 500;
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let connected = false;
  let closed = false;
  let delay = baseDelay;
  let timer: NodeJS.Timeout | undefined;

  function dispatch(msg: pg.Notification) {
    for (const s of channels.get(msg.channel) ?? []) s.message(msg.payload ?? '');
  }

  function lost(c: pg.Client, err?: Error) {
    if (client !== c) return;
    client = undefined;
    connected = false;
    if (err) opts.onError?.(err);
    c.end().catch(() => undefined);
    if (!closed) reconnectLater();
  }

  function reconnectLater() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      connect().then(
        () => {
          delay = baseDelay;
          for (const subs of channels.values()) for (const s of subs) s.resync();
        },
        (err: Error) => {
          opts.onError?.(err);
          delay = Math.min(delay * 2, 30_000);
          if (!closed) reconnectLater();
        },
      );
    }, delay);
    timer.unref();
  }

  function connect(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({
        connectionString: url,
        application_name: opts.applicationName ?? 'voyage-changes',
        keepAlive: true,
      });
      c.on('error', (err) => lost(c, err));
      c.on('end', () => lost(c));
      c.on('notification', dispatch);
      try {
        await c.connect();
        for (const channel of channels.keys()) await c.query(`LISTEN ${QUOTED(channel)}`);
      } catch (err) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
        throw err;
      }
      if (closed) {
        await c.end().catch(() => undefined);
        throw new Error('change feed closed');
      }
      client = c;
      connected = true;
      return c;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  return {
    get connected() {
      return connected;
    },
    async subscribe(channel, subscriber) {
      const known = channels.get(channel);
      channels.set(channel, (known ?? new Set()).add(subscriber));
      const c = await connect();
      if (!known) await c.query(`LISTEN ${QUOTED(channel)}`);
      return async () => {
        const subs = channels.get(channel);
        subs?.delete(subscriber);
        if (subs?.size === 0) {
          channels.delete(channel);
          await client?.query(`UNLISTEN ${QUOTED(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      connected = false;
      await c?.end().catch(() => undefined);
    },
  };
}

/** The feed for a database: its own connection on a server, PGlite's API when embedded. */
export function openChangeFeed(
  target: DatabaseTarget,
  pglite: PGlite | undefined,
  opts: ChangeFeedOptions = {},
): ChangeFeed {
  if (pglite) return pgliteChangeFeed(pglite);
  if (target.kind !== 'postgres') throw new Error('an embedded database needs its PGlite instance');
  return serverChangeFeed(target.url, opts);
}
