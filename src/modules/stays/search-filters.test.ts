import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../../test/helpers/test-app.js';
import { buildProperty, buildRoomType, dateIn } from '../../../test/helpers/travel-factories.js';

describe('stay search filters', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp();
    const city = 'Filterburg';
    const make = async (name: string, stars: number, nightlyRate: number) => {
      const p = await buildProperty(t.services, { city, stars, name });
      await buildRoomType(t.services, p.id, { nightlyRate, maxGuests: 2 });
      ids[name] = p.id;
    };
    await make('Hostel', 2, 4000);
    await make('Inn', 3, 9000);
    await make('Palace', 5, 40000);
  });
  afterAll(() => t.close());

  const search = async (qs: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/stays/search?city=Filterburg&checkIn=${dateIn(3)}&checkOut=${dateIn(5)}&${qs}`,
    });
    return res;
  };
  const names = async (qs: string) =>
    ((await search(qs)).json().properties as { name: string }[]).map((p) => p.name).sort();

  it('keeps properties with at least `stars` stars', async () => {
    expect(await names('')).toEqual(['Hostel', 'Inn', 'Palace']);
    expect(await names('stars=3')).toEqual(['Inn', 'Palace']);
    expect(await names('stars=5')).toEqual(['Palace']);
  });

  it('keeps room types whose total for the stay is at most maxPrice', async () => {
    // Two nights: 8000, 18000 and 80000.
    expect(await names('maxPrice=18000')).toEqual(['Hostel', 'Inn']);
    expect(await names('maxPrice=17999')).toEqual(['Hostel']);
    expect(await names('maxPrice=18000&stars=3')).toEqual(['Inn']);
    const inn = (await search('maxPrice=18000&stars=3')).json().properties[0];
    expect(inn.fromTotal).toBe(18000);
  });

  it('rejects bad filter values and unknown parameters with 400', async () => {
    const bad = await search('stars=6');
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('validation_failed');
    const unknown = await search('minStars=3');
    expect(unknown.statusCode).toBe(400);
    expect(errorCode(unknown)).toBe('unknown_parameter');
    expect(unknown.json().error.message).toContain('minStars');
  });

  it('every other search route answers 400 unknown_parameter too', async () => {
    for (const url of [
      `/flights/search?from=LHR&to=CDG&date=${dateIn(5)}&seat=window`,
      '/pois?city=Paris&open=now',
      '/search?lat=48.85&lng=2.35&colour=red',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(errorCode(res), url).toBe('unknown_parameter');
    }
  });
});
