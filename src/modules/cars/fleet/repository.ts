import { type Selectable, sql } from 'kysely';
import type { Db } from '../../database.js';
import type { CarRow, LocationsTable } from './tables.js';

export type { CarRow } from './tables.js';

export type LocationRow = Selectable<LocationsTable>;

const CAR_COLUMNS = [
  'id',
  'location_id',
  'make',
  'model',
  'class',
  'seats',
  'transmission',
  'daily_rate',
  'currency',
  'lat',
  'lng',
  'status',
  'free_cancellation_hours',
  'cancellation_fee_bp',
  'created_at',
  'updated_at',
] as const;

export type CarValues = Omit<
  CarRow,
  'id' | 'created_at' | 'updated_at' | 'free_cancellation_hours' | 'cancellation_fee_bp'
> &
  Partial<Pick<CarRow, 'free_cancellation_hours' | 'cancellation_fee_bp'>>;

export function createFleetRepository(base: Db) {
  return {
    insertLocation(l: Omit<LocationRow, 'id' | 'created_at'>, db: Db = base) {
      return db.insertInto('locations').values(l).returningAll().executeTakeFirstOrThrow();
    },

    findLocation(id: string, db: Db = base) {
      return db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst();
    },

    listLocations(db: Db = base) {
      return db.selectFrom('locations').selectAll().orderBy('city').orderBy('name').execute();
    },

    insertCar(c: CarValues, db: Db = base): Promise<CarRow> {
      return db.insertInto('cars').values(c).returning(CAR_COLUMNS).executeTakeFirstOrThrow();
    },

    /** A car and its location in one round trip. */
    async findCarWithLocation(id: string, db: Db = base) {
      const row = await db
        .selectFrom('cars as c')
        .innerJoin('locations as l', 'l.id', 'c.location_id')
        .select(CAR_COLUMNS.map((col) => `c.${col}` as const))
        .select([
          'l.name as l_name',
          'l.city as l_city',
          'l.country as l_country',
          'l.lat as l_lat',
          'l.lng as l_lng',
          'l.time_zone as l_time_zone',
          'l.created_at as l_created_at',
        ])
        .where('c.id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const { l_name, l_city, l_country, l_lat, l_lng, l_time_zone, l_created_at, ...car } = row;
      const location: LocationRow = {
        id: car.location_id,
        name: l_name,
        city: l_city,
        country: l_country,
        lat: l_lat,
        lng: l_lng,
        time_zone: l_time_zone,
        created_at: l_created_at,
      };
      return { car: car as CarRow, location };
    },

    /** The operator's view of the fleet: cars by location, make and model, whatever their status. */
    listCars(opts: { locationId?: string; limit: number }, db: Db = base): Promise<CarRow[]> {
      let q = db.selectFrom('cars').select(CAR_COLUMNS).orderBy('make').orderBy('model').orderBy('id');
      if (opts.locationId) q = q.where('location_id', '=', opts.locationId);
      return q.limit(opts.limit).execute();
    },

    /**
     * Reads the car and holds its row until the transaction ends (the lock a booking's busy trigger
     * takes anyway), so that a booking and a retirement of the same car happen one after the other.
     */
    lockCar(id: string, db: Db): Promise<CarRow | undefined> {
      return db
        .selectFrom('cars')
        .select(CAR_COLUMNS)
        .where('id', '=', id)
        .forNoKeyUpdate()
        .executeTakeFirst();
    },

    findCar(id: string, db: Db = base): Promise<CarRow | undefined> {
      return db.selectFrom('cars').select(CAR_COLUMNS).where('id', '=', id).executeTakeFirst();
    },

    /**
     * Retires the car unless a booking still needs it: its busy multirange (kept by the bookings
     * trigger in the booking's own transaction) reaches past `now`. One statement, so a booking
     * committed just before is seen (the update re-reads the newest row version it waited for).
     */
    retireIfFree(id: string, now: Date, db: Db = base): Promise<CarRow | undefined> {
      return db
        .updateTable('cars')
        .set({ status: 'retired', updated_at: now })
        .where('id', '=', id)
        .where(sql<boolean>`NOT (busy && tstzmultirange(tstzrange(${now}::timestamptz, NULL)))`)
        .returning(CAR_COLUMNS)
        .executeTakeFirst();
    },

    updateCar(id: string, patch: Partial<CarValues>, db: Db = base): Promise<CarRow | undefined> {
      return db
        .updateTable('cars')
        .set({ ...patch, updated_at: new Date() })
        .where('id', '=', id)
        .returning(CAR_COLUMNS)
        .executeTakeFirst();
    },
  };
}

export type FleetRepository = ReturnType<typeof createFleetRepository>;
