//! The schema, as an ordered list of migrations, and the code that applies them.
//!
//! Owns table definitions only. Each migration runs once, in its own transaction, and is
//! recorded in `migrations(version, applied_at)`; a database whose latest version is newer
//! than [`SCHEMA_VERSION`] is refused rather than guessed at. Add a migration at the end;
//! never edit one that has shipped.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{SqlContext, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: receivers, flights, positions, events.
    "CREATE TABLE receivers (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        lat REAL,
        lon REAL,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL
    );
    CREATE TABLE flights (
        id TEXT PRIMARY KEY,
        icao24 TEXT NOT NULL,
        callsign TEXT,
        start_ts REAL NOT NULL,
        end_ts REAL NOT NULL,
        positions INTEGER NOT NULL DEFAULT 0,
        last_lat REAL,
        last_lon REAL,
        last_altitude_ft REAL,
        zones TEXT NOT NULL DEFAULT '',
        score REAL,
        military INTEGER,
        ended INTEGER NOT NULL DEFAULT 0,
        summary TEXT
    );
    CREATE INDEX flights_icao24 ON flights (icao24, start_ts);
    CREATE INDEX flights_end ON flights (end_ts);
    CREATE TABLE positions (
        flight_id TEXT NOT NULL,
        icao24 TEXT NOT NULL,
        ts REAL NOT NULL,
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        altitude_ft REAL,
        groundspeed_kt REAL,
        track_deg REAL,
        vertical_rate_fpm REAL,
        on_ground INTEGER
    );
    CREATE INDEX positions_flight ON positions (flight_id, ts);
    CREATE INDEX positions_ts ON positions (ts);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        icao24 TEXT NOT NULL,
        flight_id TEXT NOT NULL,
        zone TEXT,
        ts REAL NOT NULL,
        score REAL,
        committed_at REAL NOT NULL,
        acknowledged_at REAL,
        document TEXT NOT NULL
    );
    CREATE INDEX events_ts ON events (ts);
    CREATE INDEX events_type ON events (type, ts);
    CREATE INDEX events_zone ON events (zone, ts);
    CREATE INDEX events_icao24 ON events (icao24, ts);
    CREATE INDEX events_flight ON events (flight_id);",
    // 2: the coverage model (vigia_detect::coverage): broadcasts expected and received per
    // grid cell and altitude band, for the network (receiver '') and each receiver; a model's
    // rows are replaced at each save.
    "CREATE TABLE coverage (
        receiver TEXT NOT NULL,
        cell_lat INTEGER NOT NULL,
        cell_lon INTEGER NOT NULL,
        band INTEGER NOT NULL,
        expected REAL NOT NULL,
        received REAL NOT NULL,
        PRIMARY KEY (receiver, cell_lat, cell_lon, band)
    ) WITHOUT ROWID;",
    // 3: the flights of one address, latest first (`Store::flights` with an address): the
    // index on start time made SQLite scan every flight by end time instead.
    "CREATE INDEX flights_icao24_end ON flights (icao24, end_ts, id);",
    // 4: an event's key (the same event made twice — by a worker that took over a partition
    // and replayed its last frames — is stored once) and the bus offsets committed with the
    // writes they led to (`vigia worker`).
    "ALTER TABLE events ADD COLUMN key TEXT;
    CREATE UNIQUE INDEX events_key ON events (key);
    CREATE TABLE bus_offsets (
        partition INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        published REAL NOT NULL,
        committed_at REAL NOT NULL
    );",
];

/// Bring `conn` to [`SCHEMA_VERSION`]; returns the version found before.
pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<i64, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS migrations (
            version INTEGER PRIMARY KEY,
            applied_at REAL NOT NULL
        )",
    )
    .sql("creating the migrations table")?;
    let found: i64 = conn
        .query_row("SELECT max(version) FROM migrations", [], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .optional()
        .sql("reading the schema version")?
        .flatten()
        .unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_string(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction().sql("starting a migration")?;
        tx.execute_batch(sql).sql("applying a migration")?;
        tx.execute(
            "INSERT INTO migrations (version, applied_at) VALUES (?1, unixepoch('subsec'))",
            [i as i64 + 1],
        )
        .sql("recording a migration")?;
        tx.commit().sql("committing a migration")?;
    }
    Ok(found)
}
