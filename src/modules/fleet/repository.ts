import type { Selectable } from 'kysely';
import type { Db } from '../../database.js';
import type { CarsTable, LocationsTable } from './tables.js';

export type LocationRow = Selectable<LocationsTable>;
export type CarRow = Omit<Selectable<CarsTable>, 'position'>;

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
  'created_at',
  'updated_at',
] as const;

export type CarValues = Omit<CarRow, 'id' | 'created_at' | 'updated_at'>;

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

    findCar(id: string, db: Db = base): Promise<CarRow | undefined> {
      return db.selectFrom('cars').select(CAR_COLUMNS).where('id', '=', id).executeTakeFirst();
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
