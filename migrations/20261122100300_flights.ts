import { defineMigration } from '../src/platform/db/migrator.js';

// Voyage's own flight inventory (airports, routes, scheduled flights with seats per cabin) and the
// flight bookings of every supplier. Seats are taken with one UPDATE whose CHECK keeps them from
// ever going negative, whatever the concurrency.
export default defineMigration({
  up: `
    CREATE TABLE airports (
      iata char(3) PRIMARY KEY CONSTRAINT airports_iata_check CHECK (iata ~ '^[A-Z]{3}$'),
      name text NOT NULL,
      city text NOT NULL,
      country char(2) NOT NULL CONSTRAINT airports_country_check CHECK (country ~ '^[A-Z]{2}$'),
      lat double precision NOT NULL CONSTRAINT airports_lat_check CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CONSTRAINT airports_lng_check CHECK (lng BETWEEN -180 AND 180),
      time_zone text NOT NULL
    );

    CREATE TABLE flight_routes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      origin char(3) NOT NULL REFERENCES airports (iata),
      destination char(3) NOT NULL REFERENCES airports (iata),
      flight_number text NOT NULL CONSTRAINT flight_routes_flight_number_check CHECK (flight_number ~ '^[A-Z0-9]{2}[0-9]{1,4}$'),
      departure_time time NOT NULL,
      duration_minutes integer NOT NULL CONSTRAINT flight_routes_duration_check CHECK (duration_minutes BETWEEN 20 AND 1440),
      aircraft text NOT NULL DEFAULT '',
      currency char(3) NOT NULL CONSTRAINT flight_routes_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
      -- [{"cabin": "economy", "seats": 150, "fare": 12000}, …]: what each scheduled flight gets.
      cabins jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT flight_routes_distinct_airports CHECK (origin <> destination),
      CONSTRAINT flight_routes_flight_number_key UNIQUE (flight_number)
    );
    CREATE INDEX flight_routes_pair_idx ON flight_routes (origin, destination);

    CREATE TABLE scheduled_flights (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      route_id uuid NOT NULL REFERENCES flight_routes (id) ON DELETE CASCADE,
      departure_at timestamptz NOT NULL,
      arrival_at timestamptz NOT NULL,
      CONSTRAINT scheduled_flights_times_check CHECK (departure_at < arrival_at),
      CONSTRAINT scheduled_flights_route_departure_key UNIQUE (route_id, departure_at)
    );

    CREATE TABLE flight_cabins (
      flight_id uuid NOT NULL REFERENCES scheduled_flights (id) ON DELETE CASCADE,
      cabin text NOT NULL CONSTRAINT flight_cabins_cabin_check
        CHECK (cabin IN ('economy', 'premium_economy', 'business', 'first')),
      capacity integer NOT NULL CONSTRAINT flight_cabins_capacity_check CHECK (capacity >= 0),
      seats_available integer NOT NULL,
      fare integer NOT NULL CONSTRAINT flight_cabins_fare_check CHECK (fare > 0),
      PRIMARY KEY (flight_id, cabin),
      CONSTRAINT flight_cabins_seats_nonnegative CHECK (seats_available >= 0),
      CONSTRAINT flight_cabins_seats_within_capacity CHECK (seats_available <= capacity)
    );

    CREATE TABLE flight_bookings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      supplier text NOT NULL CONSTRAINT flight_bookings_supplier_check CHECK (supplier IN ('own-schedule', 'duffel')),
      offer_id text NOT NULL,
      supplier_order_id text NOT NULL,
      booking_reference text NOT NULL,
      status text NOT NULL DEFAULT 'confirmed' CONSTRAINT flight_bookings_status_check CHECK (status IN ('confirmed', 'cancelled')),
      cabin text NOT NULL,
      origin char(3) NOT NULL,
      destination char(3) NOT NULL,
      departure_at timestamptz NOT NULL,
      arrival_at timestamptz NOT NULL,
      segments jsonb NOT NULL,
      passengers jsonb NOT NULL,
      seats integer NOT NULL CONSTRAINT flight_bookings_seats_check CHECK (seats BETWEEN 1 AND 9),
      own_flight_id uuid REFERENCES scheduled_flights (id),
      total_amount bigint NOT NULL CONSTRAINT flight_bookings_total_check CHECK (total_amount >= 0),
      currency char(3) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      cancelled_at timestamptz,
      CONSTRAINT flight_bookings_offer_key UNIQUE (offer_id),
      CONSTRAINT flight_bookings_order_key UNIQUE (supplier, supplier_order_id)
    );
    CREATE INDEX flight_bookings_user_created_idx ON flight_bookings (user_id, created_at DESC, id DESC);
  `,
  down: `
    DROP TABLE flight_bookings;
    DROP TABLE flight_cabins;
    DROP TABLE scheduled_flights;
    DROP TABLE flight_routes;
    DROP TABLE airports;
  `,
});
