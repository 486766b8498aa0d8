import { defineMigration } from '../src/platform/db/migrator.js';

// The point-of-interest catalogue the itinerary planner chooses from. Opening hours are seven
// lists (Monday first) of [open, close] local times; an empty list is a closed day.
export default defineMigration({
  up: `
    CREATE TABLE pois (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      city text NOT NULL,
      country char(2) NOT NULL CONSTRAINT pois_country_check CHECK (country ~ '^[A-Z]{2}$'),
      name text NOT NULL,
      category text NOT NULL CONSTRAINT pois_category_check CHECK (category IN (
        'museum', 'landmark', 'park', 'viewpoint', 'market', 'neighbourhood', 'religious', 'food', 'nightlife', 'shopping', 'beach'
      )),
      lat double precision NOT NULL CONSTRAINT pois_lat_check CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CONSTRAINT pois_lng_check CHECK (lng BETWEEN -180 AND 180),
      visit_minutes integer NOT NULL CONSTRAINT pois_visit_minutes_check CHECK (visit_minutes BETWEEN 10 AND 600),
      price_level smallint NOT NULL CONSTRAINT pois_price_level_check CHECK (price_level BETWEEN 0 AND 4),
      opening_hours jsonb NOT NULL CONSTRAINT pois_opening_hours_check
        CHECK (jsonb_typeof(opening_hours) = 'array' AND jsonb_array_length(opening_hours) = 7),
      time_zone text NOT NULL,
      description text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pois_city_name_key UNIQUE (city, name)
    );
    CREATE INDEX pois_city_idx ON pois (lower(city), category);
  `,
  down: `
    DROP TABLE pois;
  `,
});
