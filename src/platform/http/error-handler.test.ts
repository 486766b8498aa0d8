import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorHandlerPlugin } from './error-handler.js';
import { conflict } from './errors.js';

async function appWith(route: () => Promise<unknown>) {
  const app = Fastify({ logger: false });
  await app.register(errorHandlerPlugin);
  app.registerConstraintErrors({
    things_no_overlap: { statusCode: 409, code: 'thing_conflict', message: 'Taken' },
  });
  app.get('/boom', route);
  await app.ready();
  return app;
}

function pgError(code: string, constraint?: string) {
  return Object.assign(
    new Error(`duplicate key value violates unique constraint "${constraint}" DETAIL: Key (secret)=(x)`),
    {
      code,
      constraint,
    },
  );
}

describe('error handler', () => {
  it('keeps internals out of 5xx bodies', async () => {
    const app = await appWith(async () => {
      throw new Error('connection string postgres://user:hunter2@db/voyage at /srv/app.js:12');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'internal_error', message: 'Internal server error', requestId: expect.any(String) },
    });
    expect(res.body).not.toContain('hunter2');
  });

  it('maps a registered constraint to its code, and other violations to a plain 409', async () => {
    const known = await appWith(async () => {
      throw pgError('23P01', 'things_no_overlap');
    });
    const res = await known.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('thing_conflict');
    const unknown = await appWith(async () => {
      throw pgError('23505', 'other_key');
    });
    const res2 = await unknown.inject({ method: 'GET', url: '/boom' });
    expect(res2.statusCode).toBe(409);
    expect(res2.json().error.code).toBe('conflict');
    expect(res2.body).not.toContain('secret');
  });

  it('turns database outages and timeouts into 503s', async () => {
    const down = await appWith(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    expect((await down.inject({ method: 'GET', url: '/boom' })).json().error.code).toBe(
      'database_unavailable',
    );
    const slow = await appWith(async () => {
      throw pgError('57014');
    });
    const res = await slow.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('database_timeout');
  });

  it('passes AppErrors through with details and headers', async () => {
    const app = await appWith(async () => {
      throw conflict('booking_conflict', 'Taken', { carId: 'c1' });
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.json().error).toMatchObject({
      code: 'booking_conflict',
      message: 'Taken',
      details: { carId: 'c1' },
    });
  });
});
