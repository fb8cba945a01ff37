//! The rows going in and out of the store, and the filters of its queries.
//!
//! Owns plain values with column-shaped fields (strings for ids, seconds as `f64`): the store
//! is an edge of the pipeline, where values become records. Building them from pipeline values
//! is the caller's job (`vigia-server`'s pipeline), except [`NewEvent::from_event`].

use vigia_detect::{Event, EventRecord};

/// One trusted position to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionRow {
    /// Flight id (`3944e1-1633608318`).
    pub flight_id: String,
    /// ICAO address, lowercase hex.
    pub icao24: String,
    /// Time, seconds since the Unix epoch.
    pub ts: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet.
    pub altitude_ft: Option<f64>,
    /// Ground speed, knots.
    pub groundspeed_kt: Option<f64>,
    /// Track, degrees from true north.
    pub track_deg: Option<f64>,
    /// Vertical rate, feet per minute.
    pub vertical_rate_fpm: Option<f64>,
    /// On the ground.
    pub on_ground: Option<bool>,
}

/// A flight as it is known now: inserted when first seen, updated as it grows, finalised with
/// its summary when it ends.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlightRow {
    /// Flight id.
    pub id: String,
    /// ICAO address.
    pub icao24: String,
    /// Latest callsign heard (an update keeps the stored one when this is `None`).
    pub callsign: Option<String>,
    /// First trusted position, seconds.
    pub start_ts: f64,
    /// Latest trusted position, seconds.
    pub end_ts: f64,
    /// Trusted positions so far.
    pub positions: u64,
    /// Latest position: latitude, longitude, altitude (feet).
    pub last: Option<(f64, f64, Option<f64>)>,
    /// Zones the flight has been in (added to those stored).
    pub zones: Vec<String>,
    /// Surveillance score (live until the flight ends, then final).
    pub score: Option<f64>,
    /// Military by address block or database.
    pub military: Option<bool>,
    /// The flight has ended; `summary` is its flight record.
    pub ended: bool,
    /// The flight record (`type: flight` event document) once ended.
    pub summary: Option<EventRecord>,
}

/// A flight read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFlight {
    /// The row as stored (zones merged).
    pub row: FlightRow,
}

/// A receiver (source) of the live service.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiverRow {
    /// Its id.
    pub id: String,
    /// `beast://host:port` or `beast-listen://addr`.
    pub url: String,
    /// Position, degrees.
    pub position: Option<(f64, f64)>,
    /// Now, seconds (first_seen on insert, last_seen always).
    pub seen: f64,
}

/// An event to commit.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// `zone_entry`, `orbit`, ... ([`EventKind::type_name`]).
    pub kind: String,
    /// ICAO address.
    pub icao24: String,
    /// Flight id.
    pub flight_id: String,
    /// The zone it concerns, if any.
    pub zone: Option<String>,
    /// Event time, seconds.
    pub ts: f64,
    /// The flight's surveillance score when the event was made.
    pub score: Option<f64>,
    /// The whole event with its evidence, as the event contract has it.
    pub document: EventRecord,
}

impl NewEvent {
    /// From a detector's event: `inputs` names the sources (see
    /// [`EventRecord::new`]), `score` the flight's score at the time.
    pub fn from_event(event: &Event, inputs: &[String], score: Option<f64>) -> Self {
        let document = EventRecord::new(event, inputs).with_live_score(score);
        NewEvent {
            kind: document.type_name().to_string(),
            icao24: document.icao24.clone(),
            flight_id: document.flight_id.clone(),
            zone: document.zone().map(str::to_string),
            ts: event.ts,
            score,
            document,
        }
    }

    /// The event's identity: the same event made twice (a partition's last frames replayed by
    /// the worker that took it over) has the same key and is stored once. Type, aircraft,
    /// flight, zone and time to the millisecond.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}/{}",
            self.kind,
            self.icao24,
            self.flight_id,
            self.zone.as_deref().unwrap_or(""),
            (self.ts * 1000.0).round() as i64
        )
    }

    /// From an event record made by the service itself (a flood, a spoofing warning).
    pub fn from_record(document: EventRecord) -> Self {
        NewEvent {
            kind: document.type_name().to_string(),
            icao24: document.icao24.clone(),
            flight_id: document.flight_id.clone(),
            zone: document.zone().map(str::to_string),
            ts: document.ts,
            score: document.score,
            document,
        }
    }
}

/// An event read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Its id (assigned at commit, increasing).
    pub id: i64,
    /// Type name.
    pub kind: String,
    /// ICAO address.
    pub icao24: String,
    /// Flight id.
    pub flight_id: String,
    /// Zone.
    pub zone: Option<String>,
    /// Event time, seconds.
    pub ts: f64,
    /// Score when made.
    pub score: Option<f64>,
    /// When it was committed (system clock, seconds).
    pub committed_at: f64,
    /// When it was acknowledged through the API, if it was.
    pub acknowledged_at: Option<f64>,
    /// The event with its evidence.
    pub document: EventRecord,
}

/// Which events to list (all conditions must hold), newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventFilter {
    /// Type name.
    pub kind: Option<String>,
    /// Zone.
    pub zone: Option<String>,
    /// ICAO address.
    pub icao24: Option<String>,
    /// Flight id.
    pub flight_id: Option<String>,
    /// Event time at or after, seconds.
    pub since: Option<f64>,
    /// Only ids greater than this (for polling).
    pub after_id: Option<i64>,
    /// At most this many (0: the default of 1000).
    pub limit: usize,
}

/// What an export takes: a time window (seconds, each end optional) and a zone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportWindow {
    /// From this time on.
    pub since: Option<f64>,
    /// Up to this time.
    pub until: Option<f64>,
    /// Only this zone's events, only flights that were in it.
    pub zone: Option<String>,
}

/// Which flights to list, latest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlightFilter {
    /// Flights still going at or after this time, seconds.
    pub since: Option<f64>,
    /// ICAO address.
    pub icao24: Option<String>,
    /// Flights that were in this zone.
    pub zone: Option<String>,
    /// At most this many (0: the default of 1000).
    pub limit: usize,
    /// The page after this flight (its `end_ts` and id, as the last row of the previous page
    /// has them): flights are listed newest end first, then by id, so a cursor is stable while
    /// flights are added.
    pub before: Option<(f64, String)>,
}

/// Everything one commit writes: one transaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WriteBatch {
    /// Positions to append.
    pub positions: Vec<PositionRow>,
    /// Flights to insert or update.
    pub flights: Vec<FlightRow>,
    /// Events to insert (a batch with events is committed durably). An event whose
    /// [key](NewEvent::key) is stored already is not inserted again.
    pub events: Vec<NewEvent>,
    /// How far into its partition of the bus the writes go (`vigia worker`): committed in the
    /// same transaction, so that a worker taking the partition over knows exactly which frames
    /// led to what is stored.
    pub offset: Option<BusOffset>,
}

/// A position in one partition of the frame bus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BusOffset {
    /// The partition.
    pub partition: u32,
    /// The stream sequence of the last frame whose results are in the batch (or earlier ones).
    pub seq: u64,
    /// When that frame was published, seconds since the Unix epoch.
    pub published: f64,
}

impl WriteBatch {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
            && self.flights.is_empty()
            && self.events.is_empty()
            && self.offset.is_none()
    }

    /// Empty it, keeping the allocations.
    pub fn clear(&mut self) {
        self.positions.clear();
        self.flights.clear();
        self.events.clear();
        self.offset = None;
    }
}

/// The zones a flight visited as stored: `,MEX,USA,` (each name between commas, so that a
/// filter matches whole names), merged with what was stored before, in order, each once.
pub(crate) struct ZoneColumn;

impl ZoneColumn {
    /// The names in a stored column.
    pub(crate) fn parse(column: &str) -> Vec<String> {
        column
            .split(',')
            .filter(|z| !z.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Add `new` to `all` (those not there yet, in order); the column text of the result.
    pub(crate) fn merge(all: &mut Vec<String>, new: &[String]) -> String {
        for z in new {
            if !all.contains(z) {
                all.push(z.clone());
            }
        }
        format!(",{},", all.join(","))
    }
}

impl FlightRow {
    /// The summary document as stored (JSON), if the flight has one.
    pub(crate) fn summary_json(&self) -> Result<Option<String>, crate::StoreError> {
        self.summary
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|source| crate::StoreError::Encode {
                what: "flight",
                source,
            })
    }
}
