import { defineMigration } from '../src/platform/db/migrator.js';

// A car's position is stored as an earthdistance point maintained by a trigger, so the GiST index
// is on a plain column: no function runs when a dump is restored.
export default defineMigration({
  up: `
    CREATE TABLE locations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      city text NOT NULL,
      country char(2) NOT NULL CONSTRAINT locations_country_check CHECK (country ~ '^[A-Z]{2}$'),
      lat double precision NOT NULL CONSTRAINT locations_lat_check CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CONSTRAINT locations_lng_check CHECK (lng BETWEEN -180 AND 180),
      time_zone text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX locations_city_idx ON locations (lower(city));

    CREATE TABLE cars (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      location_id uuid NOT NULL REFERENCES locations (id),
      make text NOT NULL,
      model text NOT NULL,
      class text NOT NULL CONSTRAINT cars_class_check
        CHECK (class IN ('economy', 'compact', 'midsize', 'fullsize', 'suv', 'premium', 'luxury', 'van')),
      seats smallint NOT NULL CONSTRAINT cars_seats_check CHECK (seats BETWEEN 1 AND 15),
      transmission text NOT NULL CONSTRAINT cars_transmission_check CHECK (transmission IN ('automatic', 'manual')),
      daily_rate integer NOT NULL CONSTRAINT cars_daily_rate_check CHECK (daily_rate > 0),
      currency char(3) NOT NULL CONSTRAINT cars_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
      lat double precision NOT NULL CONSTRAINT cars_lat_check CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CONSTRAINT cars_lng_check CHECK (lng BETWEEN -180 AND 180),
      position earth NOT NULL,
      status text NOT NULL DEFAULT 'active' CONSTRAINT cars_status_check CHECK (status IN ('active', 'maintenance', 'retired')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE FUNCTION cars_set_position() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.position := ll_to_earth(NEW.lat, NEW.lng);
      RETURN NEW;
    END $$;
    CREATE TRIGGER cars_set_position BEFORE INSERT OR UPDATE OF lat, lng ON cars
      FOR EACH ROW EXECUTE FUNCTION cars_set_position();

    CREATE INDEX cars_position_active_idx ON cars USING gist (position) WHERE status = 'active';
    CREATE INDEX cars_location_idx ON cars (location_id);
  `,
  down: `
    DROP TABLE cars;
    DROP FUNCTION cars_set_position();
    DROP TABLE locations;
  `,
});
