//! [`Store`]: one connection to the vigia database, SQLite (a file, the embedded default) or
//! PostgreSQL + PostGIS (a `postgres://` address), the same rows and reads either way.
//!
//! Owns choosing the backend from the address and handing each call to it. The backends own
//! their schemas and queries (`store.rs`, `pg.rs`).

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use vigia_detect::coverage::CellTally;

use crate::error::StoreError;
use crate::pg::PgStore;
use crate::rows::{
    BusOffset, EventFilter, ExportWindow, FlightFilter, PositionRow, ReceiverRow, StoredEvent,
    StoredFlight, WriteBatch,
};
use crate::store::Sqlite;
use crate::FlightRow;

/// A connection to the vigia database.
pub struct Store {
    backend: Backend,
}

enum Backend {
    Sqlite(Sqlite),
    /// A client needs `&mut` even to read; reads through `&Store` take the lock (one
    /// connection is used by one thread at a time anyway).
    Postgres(Mutex<PgStore>),
}

/// Whether `address` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres(address: &Path) -> bool {
    let text = address.to_string_lossy();
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// `address` as it may be shown: a file's path, or a PostgreSQL address without its password.
pub fn shown(address: &Path) -> String {
    if is_postgres(address) {
        crate::pg::without_password(&address.to_string_lossy())
    } else {
        address.display().to_string()
    }
}

macro_rules! each {
    ($self:ident, $s:ident => $e:expr) => {
        match &$self.backend {
            Backend::Sqlite($s) => $e,
            Backend::Postgres(pg) => {
                let mut guard = pg.lock().unwrap_or_else(PoisonError::into_inner);
                let $s = &mut *guard;
                $e
            }
        }
    };
}

macro_rules! each_mut {
    ($self:ident, $s:ident => $e:expr) => {
        match &mut $self.backend {
            Backend::Sqlite($s) => $e,
            Backend::Postgres(pg) => {
                let $s = pg.get_mut().unwrap_or_else(PoisonError::into_inner);
                $e
            }
        }
    };
}

impl Store {
    /// Open the database for writing, creating and migrating it as needed: a SQLite file
    /// (WAL mode, `synchronous=NORMAL`), or with a `postgres://user@host:port/db` address a
    /// PostgreSQL database (its role may create the `postgis` extension, or it exists).
    pub fn open(address: impl AsRef<Path>) -> Result<Store, StoreError> {
        let address = address.as_ref();
        let backend = if is_postgres(address) {
            Backend::Postgres(Mutex::new(PgStore::connect(
                &address.to_string_lossy(),
                true,
            )?))
        } else {
            Backend::Sqlite(Sqlite::open(address)?)
        };
        Ok(Store { backend })
    }

    /// Open an existing database for reading (the HTTP API, reports, exports).
    pub fn open_read_only(address: impl AsRef<Path>) -> Result<Store, StoreError> {
        let address = address.as_ref();
        let backend = if is_postgres(address) {
            Backend::Postgres(Mutex::new(PgStore::connect(
                &address.to_string_lossy(),
                false,
            )?))
        } else {
            Backend::Sqlite(Sqlite::open_read_only(address)?)
        };
        Ok(Store { backend })
    }

    /// The file, or the address without its password.
    pub fn path(&self) -> String {
        each!(self, s => s.path().to_string())
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        each!(self, s => s.schema_version())
    }

    /// Write `batch` in one transaction. With events, the commit is durable before this
    /// returns their ids, in order (`None` for an event stored before: same
    /// [key](crate::NewEvent::key)); positions and flights alone are committed without
    /// waiting for the disk.
    pub fn commit(&mut self, batch: &WriteBatch) -> Result<Vec<Option<i64>>, StoreError> {
        each_mut!(self, s => s.commit(batch))
    }

    /// The offset last committed for `partition` of the frame bus, if any.
    pub fn bus_offset(&self, partition: u32) -> Result<Option<BusOffset>, StoreError> {
        each!(self, s => s.bus_offset(partition))
    }

    /// Flights not ended, with their summaries (none yet) — those a worker taking over a
    /// partition continues.
    pub fn open_flights(&self) -> Result<Vec<FlightRow>, StoreError> {
        each!(self, s => s.open_flights())
    }

    /// Record a receiver (insert, or update its URL, position and last-seen time).
    pub fn upsert_receiver(&mut self, r: &ReceiverRow) -> Result<(), StoreError> {
        each_mut!(self, s => s.upsert_receiver(r))
    }

    /// Replace saved coverage models with these (one transaction): each `(receiver, cells)`,
    /// the network's under receiver `""`.
    pub fn save_coverage(&mut self, models: &[(String, Vec<CellTally>)]) -> Result<(), StoreError> {
        each_mut!(self, s => s.save_coverage(models))
    }

    /// A saved coverage model (the network's: receiver `""`), cells in order.
    pub fn coverage(&self, receiver: &str) -> Result<Vec<CellTally>, StoreError> {
        each!(self, s => s.coverage(receiver))
    }

    /// Every receiver, by id.
    pub fn receivers(&self) -> Result<Vec<ReceiverRow>, StoreError> {
        each!(self, s => s.receivers())
    }

    /// One event by id.
    pub fn event(&self, id: i64) -> Result<Option<StoredEvent>, StoreError> {
        each!(self, s => s.event(id))
    }

    /// Events matching `filter`, newest first (by id).
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        each!(self, s => s.events(filter))
    }

    /// One page of the events in a time window (event time within `[since, until]`, both
    /// optional), of one zone if given, oldest first (then by id), after the `(ts, id)` of the
    /// previous page's last event: an export reads a month page by page, never all at once.
    pub fn events_in(
        &self,
        window: &ExportWindow,
        after: Option<(f64, i64)>,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        each!(self, s => s.events_in(window, after, limit))
    }

    /// One page of the flights that overlap a time window (ended at or after `since`, started
    /// at or before `until`), that were in a zone if given, by start (then id), after the
    /// `(start_ts, id)` of the previous page's last flight; with their summary documents.
    pub fn flights_in(
        &self,
        window: &ExportWindow,
        after: Option<(f64, String)>,
        limit: usize,
    ) -> Result<Vec<StoredFlight>, StoreError> {
        each!(self, s => s.flights_in(window, after, limit))
    }

    /// Mark an event acknowledged at `at` (seconds); `false` if there is no such event.
    pub fn acknowledge(&mut self, id: i64, at: f64) -> Result<bool, StoreError> {
        each_mut!(self, s => s.acknowledge(id, at))
    }

    /// One flight by id.
    pub fn flight(&self, id: &str) -> Result<Option<StoredFlight>, StoreError> {
        each!(self, s => s.flight(id))
    }

    /// Flights matching `filter`, latest activity first (then by id), without their summary
    /// documents (read one flight for that), at most [`crate::MAX_LIMIT`]; `filter.before`
    /// pages on.
    pub fn flights(&self, filter: &FlightFilter) -> Result<Vec<StoredFlight>, StoreError> {
        each!(self, s => s.flights(filter))
    }

    /// A flight's stored positions, in time order.
    pub fn flight_track(&self, id: &str) -> Result<Vec<PositionRow>, StoreError> {
        each!(self, s => s.flight_track(id))
    }

    /// Delete positions older than `days` before `now` (seconds); events, their evidence and
    /// flights are kept (PostgreSQL: whole day partitions are dropped). Returns the number of
    /// positions deleted.
    pub fn retain(&mut self, days: f64, now: f64) -> Result<u64, StoreError> {
        each_mut!(self, s => s.retain(days, now))
    }

    /// Mark every flight still open as ended: at start-up, the flights of a previous run were
    /// cut by its stop (their summaries were never made). Returns how many.
    pub fn close_open_flights(&mut self) -> Result<u64, StoreError> {
        each_mut!(self, s => s.close_open_flights())
    }

    /// Counts of rows: positions, flights, events.
    pub fn counts(&self) -> Result<(u64, u64, u64), StoreError> {
        each!(self, s => s.counts())
    }

    /// `"ok"` for a sound database, else the findings (SQLite's `integrity_check`;
    /// PostgreSQL: event geometries PostGIS finds invalid).
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        each!(self, s => s.integrity_check())
    }

    /// SQLite: stop (0) or set automatic checkpoints of this connection, in WAL pages (a
    /// writer that must not stall hands them to another connection). PostgreSQL: nothing to do.
    pub fn set_auto_checkpoint(&mut self, pages: u32) -> Result<(), StoreError> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.set_auto_checkpoint(pages),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// SQLite: copy what it can of the WAL into the main file without blocking anyone, and
    /// rewind a WAL past `max_pages`; returns the WAL's pages. PostgreSQL: 0 (its own
    /// checkpointer does this).
    pub fn checkpoint_passive(&mut self, max_pages: u64) -> Result<u64, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.checkpoint_passive(max_pages),
            Backend::Postgres(_) => Ok(0),
        }
    }

    /// SQLite: copy the WAL into the main file (on clean shutdown). PostgreSQL: nothing.
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.checkpoint(),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// PostgreSQL: the day partitions of `positions`, by name with their first second.
    /// SQLite: none (one table).
    pub fn partitions(&mut self) -> Result<Vec<(String, i64)>, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(_) => Ok(Vec::new()),
            Backend::Postgres(pg) => pg
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .partitions(),
        }
    }
}
