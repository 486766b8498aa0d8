import { defineMigration } from '../src/platform/db/migrator.js';

// One inventory row per room type and night. Booking adds 1 to every night of the stay in one
// UPDATE; the CHECK makes that statement fail as a whole when any night is full, so a stay takes
// all its nights or none, and concurrent bookings can never oversell the last room.
export default defineMigration({
  up: `
    CREATE TABLE properties (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      city text NOT NULL,
      country char(2) NOT NULL CONSTRAINT properties_country_check CHECK (country ~ '^[A-Z]{2}$'),
      address text NOT NULL DEFAULT '',
      lat double precision NOT NULL CONSTRAINT properties_lat_check CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CONSTRAINT properties_lng_check CHECK (lng BETWEEN -180 AND 180),
      position earth NOT NULL,
      stars smallint NOT NULL CONSTRAINT properties_stars_check CHECK (stars BETWEEN 1 AND 5),
      amenities text[] NOT NULL DEFAULT '{}',
      check_in_time time NOT NULL DEFAULT '15:00',
      check_out_time time NOT NULL DEFAULT '11:00',
      time_zone text NOT NULL,
      currency char(3) NOT NULL CONSTRAINT properties_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
      status text NOT NULL DEFAULT 'active' CONSTRAINT properties_status_check CHECK (status IN ('active', 'inactive')),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE FUNCTION properties_set_position() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.position := ll_to_earth(NEW.lat, NEW.lng);
      RETURN NEW;
    END $$;
    CREATE TRIGGER properties_set_position BEFORE INSERT OR UPDATE OF lat, lng ON properties
      FOR EACH ROW EXECUTE FUNCTION properties_set_position();
    CREATE INDEX properties_position_active_idx ON properties USING gist (position) WHERE status = 'active';
    CREATE INDEX properties_city_idx ON properties (lower(city));

    CREATE TABLE room_types (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      property_id uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
      name text NOT NULL,
      max_guests smallint NOT NULL CONSTRAINT room_types_max_guests_check CHECK (max_guests BETWEEN 1 AND 20),
      nightly_rate integer NOT NULL CONSTRAINT room_types_nightly_rate_check CHECK (nightly_rate > 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX room_types_property_idx ON room_types (property_id);

    CREATE TABLE room_inventory (
      room_type_id uuid NOT NULL REFERENCES room_types (id) ON DELETE CASCADE,
      night date NOT NULL,
      capacity integer NOT NULL CONSTRAINT room_inventory_capacity_check CHECK (capacity >= 0),
      booked integer NOT NULL DEFAULT 0,
      rate integer NOT NULL CONSTRAINT room_inventory_rate_check CHECK (rate > 0),
      PRIMARY KEY (room_type_id, night),
      CONSTRAINT room_inventory_not_overbooked CHECK (booked <= capacity),
      CONSTRAINT room_inventory_booked_nonnegative CHECK (booked >= 0)
    );

    CREATE TABLE stay_bookings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      property_id uuid NOT NULL REFERENCES properties (id),
      room_type_id uuid NOT NULL REFERENCES room_types (id),
      check_in date NOT NULL,
      check_out date NOT NULL,
      guests smallint NOT NULL CONSTRAINT stay_bookings_guests_check CHECK (guests >= 1),
      status text NOT NULL DEFAULT 'confirmed' CONSTRAINT stay_bookings_status_check CHECK (status IN ('confirmed', 'cancelled')),
      total_amount bigint NOT NULL CONSTRAINT stay_bookings_total_check CHECK (total_amount >= 0),
      currency char(3) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      cancelled_at timestamptz,
      CONSTRAINT stay_bookings_dates_check CHECK (check_in < check_out)
    );
    CREATE INDEX stay_bookings_user_created_idx ON stay_bookings (user_id, created_at DESC, id DESC);
    CREATE INDEX stay_bookings_room_type_idx ON stay_bookings (room_type_id, check_in);
  `,
  down: `
    DROP TABLE stay_bookings;
    DROP TABLE room_inventory;
    DROP TABLE room_types;
    DROP TABLE properties;
    DROP FUNCTION properties_set_position();
  `,
});
