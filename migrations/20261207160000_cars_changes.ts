import { defineMigration } from '../src/platform/db/migrator.js';

// Every change to a car row (its bookings reach it through cars.busy) is announced on the
// `cars_changed` channel with the car's id, and stamped with the writing transaction's id. A
// process that keeps an in-memory copy of the cars listens for the ids and re-reads those rows; after
// a reconnect it re-reads every row stamped by a transaction at or after the oldest one that was
// still running when it last read (the xmin of that read's snapshot), which covers every change it
// cannot have seen. The stamp is not indexed, so the busy updates stay HOT; the catch-up scans.
export default defineMigration({
  up: `
    ALTER TABLE cars ADD COLUMN change_xid xid8 NOT NULL DEFAULT '0';

    CREATE FUNCTION cars_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.change_xid := pg_current_xact_id();
      RETURN NEW;
    END $$;
    CREATE TRIGGER cars_stamp_change BEFORE INSERT OR UPDATE ON cars
      FOR EACH ROW EXECUTE FUNCTION cars_stamp_change();

    CREATE FUNCTION cars_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('cars_changed', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER cars_notify_change AFTER INSERT OR UPDATE OR DELETE ON cars
      FOR EACH ROW EXECUTE FUNCTION cars_notify_change();
  `,
  down: `
    DROP TRIGGER cars_notify_change ON cars;
    DROP FUNCTION cars_notify_change();
    DROP TRIGGER cars_stamp_change ON cars;
    DROP FUNCTION cars_stamp_change();
    ALTER TABLE cars DROP COLUMN change_xid;
  `,
});
