import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocation } from '../../../test/helpers/factories.js';
import { createTestApp, errorCode, type TestApp } from '../../../test/helpers/test-app.js';
import { buildAirports, buildPoi } from '../../../test/helpers/travel-factories.js';

describe('GET /places', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildAirports(t.services);
    await buildPoi(t.services);
    await buildPoi(t.services, {
      city: 'Zürich',
      country: 'CH',
      lat: 47.37,
      lng: 8.54,
      timeZone: 'Europe/Zurich',
    });
    await buildLocation(t.services, {
      name: 'Paris Gare de Lyon',
      city: 'Paris',
      country: 'FR',
      lat: 48.844,
      lng: 2.374,
      timeZone: 'Europe/Paris',
    });
  });
  afterAll(() => t.close());

  const places = async (qs: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/places?${qs}` });
    expect(res.statusCode, qs).toBe(200);
    return res.json().places as { kind: string; id: string; label: string; timeZone: string }[];
  };

  it('finds a city, its airport and its rental location by name, the city first', async () => {
    const found = await places('q=par');
    expect(found.map((p) => [p.kind, p.label])).toEqual([
      ['city', 'Paris, FR'],
      ['airport', 'CDG · Paris Charles de Gaulle'],
      ['location', 'Paris Gare de Lyon, Paris'],
    ]);
    expect(found.every((p) => p.timeZone === 'Europe/Paris')).toBe(true);
  });

  it('matches without accents or case, by IATA code, and by a word inside the name', async () => {
    expect((await places('q=zurich')).map((p) => p.id)).toEqual(['Zürich']);
    expect((await places('q=jfk')).map((p) => p.id)).toEqual(['JFK']);
    expect((await places('q=kennedy')).map((p) => p.id)).toEqual(['JFK']);
    expect((await places('q=lyon')).map((p) => p.kind)).toEqual(['location']);
  });

  it('narrows to one kind and caps the list', async () => {
    expect((await places('q=paris&kind=airport')).map((p) => p.id)).toEqual(['CDG']);
    expect(await places('q=a&limit=2')).toHaveLength(2);
    expect(await places('q=atlantis')).toEqual([]);
  });

  it('answers 400 to a missing query, a bad kind or an unknown parameter', async () => {
    for (const [qs, code] of [
      ['', 'validation_failed'],
      ['q=par&kind=planet', 'validation_failed'],
      ['q=par&near=here', 'unknown_parameter'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: `/places?${qs}` });
      expect(res.statusCode, qs).toBe(400);
      expect(errorCode(res), qs).toBe(code);
    }
  });
});
