import type { Db } from '../database.js';

/** The operator console's reads of the stays catalogue (the traveller-facing ones are in repository.ts). */
export function createStaysAdminRepository(base: Db) {
  return {
    /** Properties by city and name, at most `limit`. */
    listProperties(opts: { city?: string; limit: number }, db: Db = base) {
      let q = db.selectFrom('properties').selectAll().orderBy('city').orderBy('name').orderBy('id');
      if (opts.city) q = q.where('city', '=', opts.city);
      return q.limit(opts.limit).execute();
    },

    roomTypesOfAll(propertyIds: string[], db: Db = base) {
      if (propertyIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('room_types')
        .selectAll()
        .where('property_id', 'in', propertyIds)
        .orderBy('nightly_rate')
        .execute();
    },

    /** Nights in [from, to) with more rooms booked than `rooms`: what a smaller allotment would break. */
    nightsBookedAbove(roomTypeId: string, from: string, to: string, rooms: number, db: Db = base) {
      return db
        .selectFrom('room_inventory')
        .select(['night', 'booked'])
        .where('room_type_id', '=', roomTypeId)
        .where('night', '>=', from)
        .where('night', '<', to)
        .where('booked', '>', rooms)
        .orderBy('night')
        .limit(31)
        .execute();
    },
  };
}
