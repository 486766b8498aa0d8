import { defineMigration } from '../src/platform/db/migrator.js';

// A trip's status may only move along the rows of trip_status_transitions; a trigger refuses any
// other change with a check violation named trips_status_transition, whatever code runs the UPDATE.
export default defineMigration({
  up: `
    CREATE TABLE trips (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL CONSTRAINT trips_name_check CHECK (char_length(name) BETWEEN 1 AND 120),
      destination text NOT NULL,
      destination_lat double precision CONSTRAINT trips_lat_check CHECK (destination_lat BETWEEN -90 AND 90),
      destination_lng double precision CONSTRAINT trips_lng_check CHECK (destination_lng BETWEEN -180 AND 180),
      time_zone text NOT NULL,
      start_date date NOT NULL,
      end_date date NOT NULL,
      travellers smallint NOT NULL DEFAULT 1 CONSTRAINT trips_travellers_check CHECK (travellers BETWEEN 1 AND 20),
      status text NOT NULL DEFAULT 'planning'
        CONSTRAINT trips_status_check CHECK (status IN ('planning', 'booked', 'completed', 'cancelled')),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trips_dates_check CHECK (start_date <= end_date AND end_date - start_date <= 60)
    );
    CREATE INDEX trips_owner_idx ON trips (owner_id, start_date DESC);
    CREATE INDEX trips_open_end_idx ON trips (end_date) WHERE status IN ('planning', 'booked');

    CREATE TABLE trip_status_transitions (
      from_status text NOT NULL CHECK (from_status IN ('planning', 'booked', 'completed', 'cancelled')),
      to_status text NOT NULL CHECK (to_status IN ('planning', 'booked', 'completed', 'cancelled')),
      PRIMARY KEY (from_status, to_status)
    );
    INSERT INTO trip_status_transitions (from_status, to_status) VALUES
      ('planning', 'booked'), ('planning', 'completed'), ('planning', 'cancelled'),
      ('booked', 'planning'), ('booked', 'completed'), ('booked', 'cancelled'),
      ('cancelled', 'planning');

    CREATE FUNCTION trips_check_status_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NOT EXISTS (
        SELECT 1 FROM trip_status_transitions WHERE from_status = OLD.status AND to_status = NEW.status
      ) THEN
        RAISE EXCEPTION 'a trip cannot go from % to %', OLD.status, NEW.status
          USING ERRCODE = 'check_violation', CONSTRAINT = 'trips_status_transition', TABLE = 'trips';
      END IF;
      IF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.status_changed_at := now();
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER trips_check_status_transition BEFORE UPDATE OF status ON trips
      FOR EACH ROW EXECUTE FUNCTION trips_check_status_transition();

    CREATE TABLE trip_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trip_id uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
      kind text NOT NULL CONSTRAINT trip_items_kind_check
        CHECK (kind IN ('car_booking', 'stay_booking', 'flight_booking', 'activity', 'note')),
      car_booking_id uuid REFERENCES bookings (id),
      stay_booking_id uuid REFERENCES stay_bookings (id),
      flight_booking_id uuid REFERENCES flight_bookings (id),
      poi_id uuid REFERENCES pois (id),
      title text,
      body text,
      starts_at timestamptz,
      ends_at timestamptz,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trip_items_fields_check CHECK (
        (kind = 'car_booking') = (car_booking_id IS NOT NULL)
        AND (kind = 'stay_booking') = (stay_booking_id IS NOT NULL)
        AND (kind = 'flight_booking') = (flight_booking_id IS NOT NULL)
        AND (kind = 'activity') = (poi_id IS NOT NULL)
        AND (kind <> 'activity' OR starts_at IS NOT NULL)
        AND (kind <> 'note' OR (title IS NOT NULL AND body IS NOT NULL))
      ),
      CONSTRAINT trip_items_times_check CHECK (ends_at IS NULL OR starts_at < ends_at),
      CONSTRAINT trip_items_car_key UNIQUE (trip_id, car_booking_id),
      CONSTRAINT trip_items_stay_key UNIQUE (trip_id, stay_booking_id),
      CONSTRAINT trip_items_flight_key UNIQUE (trip_id, flight_booking_id)
    );
    CREATE INDEX trip_items_trip_idx ON trip_items (trip_id, starts_at);

    CREATE TABLE trip_collaborators (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trip_id uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
      email text NOT NULL CONSTRAINT trip_collaborators_email_check CHECK (email = lower(btrim(email))),
      role text NOT NULL CONSTRAINT trip_collaborators_role_check CHECK (role IN ('viewer', 'editor')),
      invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trip_collaborators_trip_email_key UNIQUE (trip_id, email)
    );
    CREATE INDEX trip_collaborators_email_idx ON trip_collaborators (email);
  `,
  down: `
    DROP TABLE trip_collaborators;
    DROP TABLE trip_items;
    DROP TABLE trips;
    DROP FUNCTION trips_check_status_transition();
    DROP TABLE trip_status_transitions;
  `,
});
