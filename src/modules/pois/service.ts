import { isConstraintViolation } from '../../platform/db/errors.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import type { Db } from '../database.js';
import { createPoisRepository, type PoiRow } from './repository.js';
import type { City, Poi, PoiCreate, PoiQuery } from './schemas.js';

export function toPoi(r: PoiRow): Poi {
  return {
    id: r.id,
    city: r.city,
    country: r.country.trim(),
    name: r.name,
    category: r.category,
    lat: r.lat,
    lng: r.lng,
    visitMinutes: r.visit_minutes,
    priceLevel: r.price_level,
    openingHours: r.opening_hours,
    timeZone: r.time_zone,
    description: r.description,
  };
}

export function createPoisService(deps: { db: Db }) {
  const repo = createPoisRepository(deps.db);
  return {
    async create(input: PoiCreate): Promise<Poi> {
      try {
        return toPoi(
          await repo.insert({
            city: input.city,
            country: input.country,
            name: input.name,
            category: input.category,
            lat: input.lat,
            lng: input.lng,
            visit_minutes: input.visitMinutes,
            price_level: input.priceLevel,
            opening_hours: input.openingHours,
            time_zone: input.timeZone,
            description: input.description,
          }),
        );
      } catch (err) {
        if (isConstraintViolation(err, 'pois_city_name_key'))
          throw conflict('poi_exists', `${input.city} already has a place named ${input.name}`);
        throw err;
      }
    },

    async get(id: string): Promise<Poi> {
      const row = await repo.find(id);
      if (!row) throw notFound('poi_not_found', 'Point of interest not found');
      return toPoi(row);
    },

    async findMany(ids: string[]): Promise<Poi[]> {
      return (await repo.findMany([...new Set(ids)])).map(toPoi);
    },

    async inCity(q: PoiQuery): Promise<Poi[]> {
      return (await repo.inCity(q.city, { limit: q.limit, ...(q.category && { category: q.category }) })).map(
        toPoi,
      );
    },

    async cities(): Promise<City[]> {
      return (await repo.cities()).map((c) => ({
        city: c.city,
        country: c.country.trim(),
        timeZone: c.time_zone,
        lat: Number(c.lat),
        lng: Number(c.lng),
        pois: c.pois,
      }));
    },

    /** The catalogue's city of this name (any case), or undefined. */
    async city(name: string): Promise<City | undefined> {
      return (await this.cities()).find((c) => c.city.toLowerCase() === name.trim().toLowerCase());
    },
  };
}

export type PoisService = ReturnType<typeof createPoisService>;
