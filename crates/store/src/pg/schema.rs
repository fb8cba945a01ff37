//! The PostgreSQL schema: its migrations, in order.

/// Migration `i` brings the schema from version `i` to `i + 1`. Add at the end; never edit one
/// that has shipped.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: receivers, flights, positions (partitioned by day), events with geometries, coverage.
    "CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE TABLE receivers (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        first_seen DOUBLE PRECISION NOT NULL,
        last_seen DOUBLE PRECISION NOT NULL,
        geom geometry(Point, 4326) GENERATED ALWAYS AS (
            CASE WHEN lat IS NOT NULL AND lon IS NOT NULL
            THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED
    );
    CREATE TABLE flights (
        id TEXT PRIMARY KEY,
        icao24 TEXT NOT NULL,
        callsign TEXT,
        start_ts DOUBLE PRECISION NOT NULL,
        end_ts DOUBLE PRECISION NOT NULL,
        positions BIGINT NOT NULL DEFAULT 0,
        last_lat DOUBLE PRECISION,
        last_lon DOUBLE PRECISION,
        last_altitude_ft DOUBLE PRECISION,
        zones TEXT NOT NULL DEFAULT '',
        score DOUBLE PRECISION,
        military BOOLEAN,
        ended BOOLEAN NOT NULL DEFAULT false,
        summary JSONB,
        last_geom geometry(Point, 4326) GENERATED ALWAYS AS (
            CASE WHEN last_lat IS NOT NULL AND last_lon IS NOT NULL
            THEN ST_SetSRID(ST_MakePoint(last_lon, last_lat), 4326) END) STORED
    );
    CREATE INDEX flights_icao24 ON flights (icao24, start_ts);
    CREATE INDEX flights_icao24_end ON flights (icao24, end_ts, id);
    CREATE INDEX flights_end ON flights (end_ts, id);
    CREATE INDEX flights_start ON flights (start_ts, id);
    CREATE TABLE positions (
        flight_id TEXT NOT NULL,
        icao24 TEXT NOT NULL,
        ts DOUBLE PRECISION NOT NULL,
        lat DOUBLE PRECISION NOT NULL,
        lon DOUBLE PRECISION NOT NULL,
        altitude_ft DOUBLE PRECISION,
        groundspeed_kt DOUBLE PRECISION,
        track_deg DOUBLE PRECISION,
        vertical_rate_fpm DOUBLE PRECISION,
        on_ground BOOLEAN,
        geom geometry(Point, 4326) GENERATED ALWAYS AS (
            ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
    ) PARTITION BY RANGE (ts);
    CREATE INDEX positions_flight ON positions (flight_id, ts);
    CREATE INDEX positions_icao24 ON positions (icao24, ts);
    CREATE INDEX positions_geom ON positions USING gist (geom);
    CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        type TEXT NOT NULL,
        icao24 TEXT NOT NULL,
        flight_id TEXT NOT NULL,
        zone TEXT,
        ts DOUBLE PRECISION NOT NULL,
        score DOUBLE PRECISION,
        committed_at DOUBLE PRECISION NOT NULL,
        acknowledged_at DOUBLE PRECISION,
        document JSONB NOT NULL,
        geom geometry(Point, 4326),
        segment geometry(LineString, 4326)
    );
    CREATE INDEX events_ts ON events (ts, id);
    CREATE INDEX events_type ON events (type, ts);
    CREATE INDEX events_zone ON events (zone, ts);
    CREATE INDEX events_icao24 ON events (icao24, ts);
    CREATE INDEX events_flight ON events (flight_id);
    CREATE INDEX events_geom ON events USING gist (geom);
    CREATE TABLE coverage (
        receiver TEXT NOT NULL,
        cell_lat INTEGER NOT NULL,
        cell_lon INTEGER NOT NULL,
        band INTEGER NOT NULL,
        expected DOUBLE PRECISION NOT NULL,
        received DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (receiver, cell_lat, cell_lon, band)
    );",
    // 2: an event's key (the same event made twice — by a worker that took over a partition
    // and replayed its last frames — is stored once) and the bus offsets committed with the
    // writes they led to (`vigia worker`).
    "ALTER TABLE events ADD COLUMN key TEXT;
    CREATE UNIQUE INDEX events_key ON events (key);
    CREATE TABLE bus_offsets (
        partition INTEGER PRIMARY KEY,
        seq BIGINT NOT NULL,
        published DOUBLE PRECISION NOT NULL,
        committed_at DOUBLE PRECISION NOT NULL
    );",
];

/// The schema version this build writes.
pub(super) const PG_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
