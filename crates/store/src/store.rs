//! The SQLite backend of [`crate::Store`]: the connection, its settings, and every query.
//!
//! Owns how rows are written (one transaction per [`WriteBatch`], durable when it carries
//! events) and read. One `Store` is one connection: the service's pipeline writes through
//! one, the HTTP API reads through others ([`crate::Store::open_read_only`]) — WAL lets readers run
//! beside the writer without blocking it.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use vigia_detect::coverage::{Cell, CellTally, Tally};

use crate::error::{SqlContext, StoreError};
use crate::rows::{
    BusOffset, EventFilter, ExportWindow, FlightFilter, FlightRow, PositionRow, ReceiverRow,
    StoredEvent, StoredFlight, WriteBatch, ZoneColumn,
};
use crate::schema;

/// Rows a list query returns when the filter says 0.
pub const DEFAULT_LIMIT: usize = 1000;
/// Most rows one listing returns, whatever the caller asks (a `limit` of 2⁶⁴−1 once became
/// SQLite's `LIMIT -1`: everything). Page with `before` (flights) or `after_id` (events).
pub const MAX_LIMIT: usize = 10_000;

/// A connection to a SQLite vigia database.
pub(crate) struct Sqlite {
    conn: Connection,
    path: String,
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Sqlite {
    /// Open (creating if needed) the database at `path` for writing: WAL mode,
    /// `synchronous=NORMAL`, schema migrated to [`crate::SCHEMA_VERSION`].
    pub(crate) fn open(path: impl AsRef<Path>) -> Result<Sqlite, StoreError> {
        let path_text = path.as_ref().display().to_string();
        let open_error = |source| StoreError::Open {
            path: path_text.clone(),
            source,
        };
        let mut conn = Connection::open(path.as_ref()).map_err(open_error)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_error)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA journal_size_limit = 67108864;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(open_error)?;
        schema::migrate(&mut conn, &path_text)?;
        Ok(Sqlite {
            conn,
            path: path_text,
        })
    }

    /// Open an existing database for reading only (the HTTP API, reports).
    pub(crate) fn open_read_only(path: impl AsRef<Path>) -> Result<Sqlite, StoreError> {
        let path_text = path.as_ref().display().to_string();
        let open_error = |source| StoreError::Open {
            path: path_text.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            path.as_ref(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_error)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_error)?;
        Ok(Sqlite {
            conn,
            path: path_text,
        })
    }

    /// The file.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The schema version of the file.
    pub(crate) fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT coalesce(max(version), 0) FROM migrations",
                [],
                |r| r.get(0),
            )
            .sql("reading the schema version")
    }

    /// Write `batch` in one transaction. With events, the commit is durable
    /// (`synchronous=FULL`) before this returns their ids, in order; positions and flights
    /// alone are committed without an fsync.
    pub(crate) fn commit(&mut self, batch: &WriteBatch) -> Result<Vec<Option<i64>>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let durable = !batch.events.is_empty();
        if durable {
            self.conn
                .execute_batch("PRAGMA synchronous = FULL")
                .sql("making the commit durable")?;
        }
        let result = self.write(batch);
        if durable {
            self.conn
                .execute_batch("PRAGMA synchronous = NORMAL")
                .sql("restoring synchronous=NORMAL")?;
        }
        result
    }

    fn write(&mut self, batch: &WriteBatch) -> Result<Vec<Option<i64>>, StoreError> {
        let tx = self.conn.transaction().sql("starting a write")?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO positions (flight_id, icao24, ts, lat, lon, altitude_ft,
                     groundspeed_kt, track_deg, vertical_rate_fpm, on_ground)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .sql("preparing position inserts")?;
            for p in &batch.positions {
                insert
                    .execute(params![
                        p.flight_id,
                        p.icao24,
                        p.ts,
                        p.lat,
                        p.lon,
                        p.altitude_ft,
                        p.groundspeed_kt,
                        p.track_deg,
                        p.vertical_rate_fpm,
                        p.on_ground,
                    ])
                    .sql("inserting positions")?;
            }
        }
        for f in &batch.flights {
            upsert_flight(&tx, f)?;
        }
        let mut ids = Vec::with_capacity(batch.events.len());
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events (type, icao24, flight_id, zone, ts, score, committed_at,
                     document, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (key) DO NOTHING",
                )
                .sql("preparing event inserts")?;
            let committed_at = now();
            for e in &batch.events {
                insert
                    .execute(params![
                        e.kind,
                        e.icao24,
                        e.flight_id,
                        e.zone,
                        e.ts,
                        e.score,
                        committed_at,
                        serde_json::to_string(&e.document).map_err(|source| {
                            StoreError::Encode {
                                what: "event",
                                source,
                            }
                        })?,
                        e.key(),
                    ])
                    .sql("inserting events")?;
                ids.push((tx.changes() > 0).then(|| tx.last_insert_rowid()));
            }
        }
        if let Some(o) = &batch.offset {
            tx.execute(
                "INSERT INTO bus_offsets (partition, seq, published, committed_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (partition) DO UPDATE SET seq = excluded.seq,
                 published = excluded.published, committed_at = excluded.committed_at
                 WHERE excluded.seq > bus_offsets.seq",
                params![o.partition, o.seq as i64, o.published, now()],
            )
            .sql("recording the bus offset")?;
        }
        tx.commit().sql("committing")?;
        Ok(ids)
    }

    /// Record a receiver (insert, or update its URL, position and last-seen time).
    pub(crate) fn upsert_receiver(&mut self, r: &ReceiverRow) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO receivers (id, url, lat, lon, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (id) DO UPDATE SET url = excluded.url, lat = excluded.lat,
                 lon = excluded.lon, last_seen = excluded.last_seen",
                params![
                    r.id,
                    r.url,
                    r.position.map(|p| p.0),
                    r.position.map(|p| p.1),
                    r.seen
                ],
            )
            .sql("recording a receiver")?;
        Ok(())
    }

    /// Replace saved coverage models with these (one transaction): each `(receiver, cells)`,
    /// the network's under receiver `""`.
    pub(crate) fn save_coverage(
        &mut self,
        models: &[(String, Vec<CellTally>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction().sql("saving coverage")?;
        for (receiver, cells) in models {
            tx.execute("DELETE FROM coverage WHERE receiver = ?1", [receiver])
                .sql("saving coverage")?;
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO coverage (receiver, cell_lat, cell_lon, band, expected, received)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .sql("saving coverage")?;
            for c in cells {
                stmt.execute(params![
                    receiver,
                    c.cell.lat,
                    c.cell.lon,
                    c.cell.band,
                    c.tally.expected,
                    c.tally.received
                ])
                .sql("saving coverage")?;
            }
        }
        tx.commit().sql("saving coverage")
    }

    /// A saved coverage model (the network's: receiver `""`), cells in order.
    pub(crate) fn coverage(&self, receiver: &str) -> Result<Vec<CellTally>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT cell_lat, cell_lon, band, expected, received FROM coverage
                 WHERE receiver = ?1 ORDER BY cell_lat, cell_lon, band",
            )
            .sql("reading coverage")?;
        let rows = stmt
            .query_map([receiver], |r| {
                Ok(CellTally {
                    cell: Cell {
                        lat: r.get(0)?,
                        lon: r.get(1)?,
                        band: r.get(2)?,
                    },
                    tally: Tally {
                        expected: r.get(3)?,
                        received: r.get(4)?,
                    },
                })
            })
            .sql("reading coverage")?;
        rows.collect::<Result<_, _>>().sql("reading coverage")
    }

    /// Every receiver, by id.
    pub(crate) fn receivers(&self) -> Result<Vec<ReceiverRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, url, lat, lon, last_seen FROM receivers ORDER BY id")
            .sql("listing receivers")?;
        let rows = stmt
            .query_map([], |r| {
                let lat: Option<f64> = r.get(2)?;
                let lon: Option<f64> = r.get(3)?;
                Ok(ReceiverRow {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    position: lat.zip(lon),
                    seen: r.get(4)?,
                })
            })
            .sql("listing receivers")?;
        rows.collect::<Result<_, _>>().sql("listing receivers")
    }

    /// One event by id.
    pub(crate) fn event(&self, id: i64) -> Result<Option<StoredEvent>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
                [id],
                raw_event,
            )
            .optional()
            .sql("reading an event")?;
        row.map(RawEvent::parse).transpose()
    }

    /// Events matching `filter`, newest first (by id).
    pub(crate) fn events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR zone = ?2)
                 AND (?3 IS NULL OR icao24 = ?3) AND (?4 IS NULL OR flight_id = ?4)
                 AND (?5 IS NULL OR ts >= ?5) AND (?6 IS NULL OR id > ?6)
                 ORDER BY id DESC LIMIT ?7"
            ))
            .sql("listing events")?;
        let limit = if filter.limit == 0 {
            DEFAULT_LIMIT
        } else {
            filter.limit.min(MAX_LIMIT)
        };
        let rows = stmt
            .query_map(
                params![
                    filter.kind,
                    filter.zone,
                    filter.icao24.as_deref().map(str::to_ascii_lowercase),
                    filter.flight_id,
                    filter.since,
                    filter.after_id,
                    limit as i64
                ],
                raw_event,
            )
            .sql("listing events")?
            .collect::<Result<Vec<_>, _>>()
            .sql("listing events")?;
        rows.into_iter().map(RawEvent::parse).collect()
    }

    /// One page of the events in a time window (event time within `[since, until]`, both
    /// optional), of one zone if given, oldest first (then by id), after the `(ts, id)` of the
    /// previous page's last event: an export reads a month page by page, never all at once.
    pub(crate) fn events_in(
        &self,
        window: &ExportWindow,
        after: Option<(f64, i64)>,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE (?1 IS NULL OR ts >= ?1) AND (?2 IS NULL OR ts <= ?2)
                 AND (?3 IS NULL OR zone = ?3)
                 AND (?4 IS NULL OR ts > ?4 OR (ts = ?4 AND id > ?5))
                 ORDER BY ts, id LIMIT ?6"
            ))
            .sql("exporting events")?;
        let rows = stmt
            .query_map(
                params![
                    window.since,
                    window.until,
                    window.zone,
                    after.map(|a| a.0),
                    after.map(|a| a.1),
                    limit.clamp(1, MAX_LIMIT) as i64
                ],
                raw_event,
            )
            .sql("exporting events")?
            .collect::<Result<Vec<_>, _>>()
            .sql("exporting events")?;
        rows.into_iter().map(RawEvent::parse).collect()
    }

    /// One page of the flights that overlap a time window (ended at or after `since`, started
    /// at or before `until`), that were in a zone if given, by start (then id), after the
    /// `(start_ts, id)` of the previous page's last flight; with their summary documents.
    pub(crate) fn flights_in(
        &self,
        window: &ExportWindow,
        after: Option<(f64, String)>,
        limit: usize,
    ) -> Result<Vec<StoredFlight>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {FLIGHT_COLUMNS} FROM flights
                 WHERE (?1 IS NULL OR end_ts >= ?1) AND (?2 IS NULL OR start_ts <= ?2)
                 AND (?3 IS NULL OR instr(zones, ',' || ?3 || ',') > 0)
                 AND (?4 IS NULL OR start_ts > ?4 OR (start_ts = ?4 AND id > ?5))
                 ORDER BY start_ts, id LIMIT ?6"
            ))
            .sql("exporting flights")?;
        let rows = stmt
            .query_map(
                params![
                    window.since,
                    window.until,
                    window.zone,
                    after.as_ref().map(|a| a.0),
                    after.as_ref().map(|a| a.1.as_str()),
                    limit.clamp(1, MAX_LIMIT) as i64
                ],
                raw_flight,
            )
            .sql("exporting flights")?
            .collect::<Result<Vec<_>, _>>()
            .sql("exporting flights")?;
        rows.into_iter().map(RawFlight::parse).collect()
    }

    /// Mark an event acknowledged at `at` (seconds); `false` if there is no such event.
    pub(crate) fn acknowledge(&mut self, id: i64, at: f64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE events SET acknowledged_at = coalesce(acknowledged_at, ?2) WHERE id = ?1",
                params![id, at],
            )
            .sql("acknowledging an event")?;
        Ok(n > 0)
    }

    /// One flight by id.
    pub(crate) fn flight(&self, id: &str) -> Result<Option<StoredFlight>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {FLIGHT_COLUMNS} FROM flights WHERE id = ?1"),
                [id],
                raw_flight,
            )
            .optional()
            .sql("reading a flight")?;
        row.map(RawFlight::parse).transpose()
    }

    /// Flights matching `filter`, latest activity first (then by id), without their summary
    /// documents (read one flight for that), at most [`MAX_LIMIT`]; `filter.before` pages on.
    pub(crate) fn flights(&self, filter: &FlightFilter) -> Result<Vec<StoredFlight>, StoreError> {
        // Listing reads no summary documents (the large part of a row): `flight` has them.
        // With an address the condition is written plainly: SQLite does not use an index
        // behind `?2 IS NULL OR icao24 = ?2` (12 ms for one address among 60 000 flights,
        // against 0.1 ms).
        let address = if filter.icao24.is_some() {
            "icao24 = ?2"
        } else {
            "?2 IS NULL"
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {FLIGHT_LIST_COLUMNS} FROM flights
                 WHERE (?1 IS NULL OR end_ts >= ?1) AND {address}
                 AND (?3 IS NULL OR instr(zones, ',' || ?3 || ',') > 0)
                 AND (?5 IS NULL OR end_ts < ?5 OR (end_ts = ?5 AND id < ?6))
                 ORDER BY end_ts DESC, id DESC LIMIT ?4"
            ))
            .sql("listing flights")?;
        let limit = if filter.limit == 0 {
            DEFAULT_LIMIT
        } else {
            filter.limit.min(MAX_LIMIT)
        };
        let rows = stmt
            .query_map(
                params![
                    filter.since,
                    filter.icao24.as_deref().map(str::to_ascii_lowercase),
                    filter.zone,
                    limit as i64,
                    filter.before.as_ref().map(|b| b.0),
                    filter.before.as_ref().map(|b| b.1.as_str()),
                ],
                raw_flight,
            )
            .sql("listing flights")?
            .collect::<Result<Vec<_>, _>>()
            .sql("listing flights")?;
        rows.into_iter().map(RawFlight::parse).collect()
    }

    /// A flight's stored positions, in time order.
    pub(crate) fn flight_track(&self, id: &str) -> Result<Vec<PositionRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT flight_id, icao24, ts, lat, lon, altitude_ft, groundspeed_kt, track_deg,
                 vertical_rate_fpm, on_ground FROM positions WHERE flight_id = ?1 ORDER BY ts",
            )
            .sql("reading a track")?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(PositionRow {
                    flight_id: r.get(0)?,
                    icao24: r.get(1)?,
                    ts: r.get(2)?,
                    lat: r.get(3)?,
                    lon: r.get(4)?,
                    altitude_ft: r.get(5)?,
                    groundspeed_kt: r.get(6)?,
                    track_deg: r.get(7)?,
                    vertical_rate_fpm: r.get(8)?,
                    on_ground: r.get(9)?,
                })
            })
            .sql("reading a track")?;
        rows.collect::<Result<_, _>>().sql("reading a track")
    }

    /// Delete positions older than `days` before `now` (seconds); events, their evidence and
    /// flights are kept. Returns the number of positions deleted.
    pub(crate) fn retain(&mut self, days: f64, now: f64) -> Result<u64, StoreError> {
        let cutoff = now - days * 86_400.0;
        let n = self
            .conn
            .execute("DELETE FROM positions WHERE ts < ?1", [cutoff])
            .sql("deleting old positions")?;
        Ok(n as u64)
    }

    /// Mark every flight still open as ended: at start-up, the flights of a previous run were
    /// cut by its stop (their summaries were never made). Returns how many.
    pub(crate) fn close_open_flights(&mut self) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute("UPDATE flights SET ended = 1 WHERE ended = 0", [])
            .sql("closing the flights of a previous run")?;
        Ok(n as u64)
    }

    /// The offset last committed for `partition` of the frame bus.
    pub(crate) fn bus_offset(&self, partition: u32) -> Result<Option<BusOffset>, StoreError> {
        self.conn
            .query_row(
                "SELECT seq, published FROM bus_offsets WHERE partition = ?1",
                [partition],
                |r| {
                    Ok(BusOffset {
                        partition,
                        seq: r.get::<_, i64>(0)?.max(0) as u64,
                        published: r.get(1)?,
                    })
                },
            )
            .optional()
            .sql("reading the bus offset")
    }

    /// Flights not ended.
    pub(crate) fn open_flights(&self) -> Result<Vec<FlightRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {FLIGHT_COLUMNS} FROM flights WHERE ended = 0 ORDER BY id"
            ))
            .sql("reading open flights")?;
        let rows = stmt
            .query_map([], raw_flight)
            .sql("reading open flights")?
            .collect::<Result<Vec<_>, _>>()
            .sql("reading open flights")?;
        rows.into_iter().map(|r| r.parse().map(|f| f.row)).collect()
    }

    /// Counts of rows: positions, flights, events.
    pub(crate) fn counts(&self) -> Result<(u64, u64, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM positions), (SELECT count(*) FROM flights),
                 (SELECT count(*) FROM events)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .sql("counting rows")
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound file, else SQLite's findings.
    pub(crate) fn integrity_check(&self) -> Result<String, StoreError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .sql("checking integrity")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .sql("checking integrity")?
            .collect::<Result<Vec<_>, _>>()
            .sql("checking integrity")?;
        Ok(lines.join("\n"))
    }

    /// Stop (0) or set SQLite's automatic checkpoints of this connection, in WAL pages. A
    /// writer that must not stall hands checkpoints to another connection
    /// ([`Sqlite::checkpoint_passive`] on a thread of its own).
    pub(crate) fn set_auto_checkpoint(&mut self, pages: u32) -> Result<(), StoreError> {
        self.conn
            .execute_batch(&format!("PRAGMA wal_autocheckpoint = {pages}"))
            .sql("setting automatic checkpoints")
    }

    /// Copy what it can of the WAL into the main file without blocking the writer or readers
    /// (`PRAGMA wal_checkpoint(PASSIVE)`). Returns the WAL's length in pages. Should the WAL
    /// still exceed `max_pages` (the writer never paused long enough for it to restart from its
    /// beginning), a `RESTART` checkpoint waits for a gap between writes and rewinds it, so the
    /// file stays bounded.
    pub(crate) fn checkpoint_passive(&mut self, max_pages: u64) -> Result<u64, StoreError> {
        let (_, log_pages, _): (i64, i64, i64) = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .sql("checkpointing")?;
        let log_pages = log_pages.max(0) as u64;
        if log_pages > max_pages {
            self.conn
                .query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))
                .sql("checkpointing")?;
        }
        Ok(log_pages)
    }

    /// Copy the WAL into the main file (on clean shutdown), so the file stands alone.
    pub(crate) fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .sql("checkpointing")
    }
}

fn upsert_flight(tx: &rusqlite::Transaction<'_>, f: &FlightRow) -> Result<(), StoreError> {
    let mut zones: Option<String> = None;
    if !f.zones.is_empty() {
        let stored: Option<String> = tx
            .query_row("SELECT zones FROM flights WHERE id = ?1", [&f.id], |r| {
                r.get(0)
            })
            .optional()
            .sql("reading a flight's zones")?;
        let mut all = ZoneColumn::parse(&stored.unwrap_or_default());
        zones = Some(ZoneColumn::merge(&mut all, &f.zones));
    }
    tx.prepare_cached(
        "INSERT INTO flights (id, icao24, callsign, start_ts, end_ts, positions, last_lat,
         last_lon, last_altitude_ft, zones, score, military, ended, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, ''), ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET
           callsign = coalesce(excluded.callsign, callsign),
           start_ts = min(start_ts, excluded.start_ts),
           end_ts = max(end_ts, excluded.end_ts),
           positions = max(positions, excluded.positions),
           last_lat = coalesce(excluded.last_lat, last_lat),
           last_lon = coalesce(excluded.last_lon, last_lon),
           last_altitude_ft = coalesce(excluded.last_altitude_ft, last_altitude_ft),
           zones = coalesce(?10, zones),
           score = coalesce(excluded.score, score),
           military = coalesce(excluded.military, military),
           ended = max(ended, excluded.ended),
           summary = coalesce(excluded.summary, summary)",
    )
    .sql("preparing flight upserts")?
    .execute(params![
        f.id,
        f.icao24,
        f.callsign,
        f.start_ts,
        f.end_ts,
        f.positions as i64,
        f.last.map(|l| l.0),
        f.last.map(|l| l.1),
        f.last.and_then(|l| l.2),
        zones,
        f.score,
        f.military,
        f.ended,
        f.summary_json()?,
    ])
    .sql("writing a flight")?;
    Ok(())
}

const EVENT_COLUMNS: &str =
    "id, type, icao24, flight_id, zone, ts, score, committed_at, acknowledged_at, document";

/// An event row as read, its document not yet parsed.
struct RawEvent {
    id: i64,
    kind: String,
    icao24: String,
    flight_id: String,
    zone: Option<String>,
    ts: f64,
    score: Option<f64>,
    committed_at: f64,
    acknowledged_at: Option<f64>,
    document: String,
}

fn raw_event(r: &Row<'_>) -> rusqlite::Result<RawEvent> {
    Ok(RawEvent {
        id: r.get(0)?,
        kind: r.get(1)?,
        icao24: r.get(2)?,
        flight_id: r.get(3)?,
        zone: r.get(4)?,
        ts: r.get(5)?,
        score: r.get(6)?,
        committed_at: r.get(7)?,
        acknowledged_at: r.get(8)?,
        document: r.get(9)?,
    })
}

impl RawEvent {
    fn parse(self) -> Result<StoredEvent, StoreError> {
        let document =
            serde_json::from_str(&self.document).map_err(|source| StoreError::Document {
                what: "event",
                id: self.id.to_string(),
                source,
            })?;
        Ok(StoredEvent {
            id: self.id,
            kind: self.kind,
            icao24: self.icao24,
            flight_id: self.flight_id,
            zone: self.zone,
            ts: self.ts,
            score: self.score,
            committed_at: self.committed_at,
            acknowledged_at: self.acknowledged_at,
            document,
        })
    }
}

const FLIGHT_COLUMNS: &str =
    "id, icao24, callsign, start_ts, end_ts, positions, last_lat, last_lon,
    last_altitude_ft, zones, score, military, ended, summary";
/// The same, without the summary document (listings).
const FLIGHT_LIST_COLUMNS: &str =
    "id, icao24, callsign, start_ts, end_ts, positions, last_lat, last_lon,
    last_altitude_ft, zones, score, military, ended, NULL";

struct RawFlight {
    row: FlightRow,
    summary: Option<String>,
}

fn raw_flight(r: &Row<'_>) -> rusqlite::Result<RawFlight> {
    let lat: Option<f64> = r.get(6)?;
    let lon: Option<f64> = r.get(7)?;
    let zones: String = r.get(9)?;
    Ok(RawFlight {
        row: FlightRow {
            id: r.get(0)?,
            icao24: r.get(1)?,
            callsign: r.get(2)?,
            start_ts: r.get(3)?,
            end_ts: r.get(4)?,
            positions: r.get::<_, i64>(5)?.max(0) as u64,
            last: lat.zip(lon).map(|(a, b)| (a, b, None)),
            zones: ZoneColumn::parse(&zones),
            score: r.get(10)?,
            military: r.get(11)?,
            ended: r.get(12)?,
            summary: None,
        },
        summary: r.get(13)?,
    })
    .and_then(|mut f: RawFlight| {
        if let Some(last) = &mut f.row.last {
            last.2 = r.get(8)?;
        }
        Ok(f)
    })
}

impl RawFlight {
    fn parse(self) -> Result<StoredFlight, StoreError> {
        let mut row = self.row;
        row.summary = self
            .summary
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|source| StoreError::Document {
                what: "flight",
                id: row.id.clone(),
                source,
            })?;
        Ok(StoredFlight { row })
    }
}
