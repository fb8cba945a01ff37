//! The pipeline as a worker of the frame bus (`vigia worker`): one partition's frames, timed
//! by the gateway, and what it writes tied to how far into the partition it has read.
//!
//! Owns the three things that make a takeover lose and duplicate nothing:
//! - every batch carries the partition's offset (the last frame whose results it, or an
//!   earlier batch, holds), committed in the same transaction ([`vigia_store::BusOffset`]);
//! - a worker that takes the partition over first replays the frames published in the last
//!   `replay_s` before that offset, to rebuild its tracks, zones and pairs, writing none of
//!   their results (they are stored) — from the next frame on it writes as its predecessor
//!   would have; an event made again anyway is stored once (its key);
//! - the flights the predecessor had open are continued (same id, same row) when their
//!   aircraft's next position comes within the flight gap, and ended otherwise.

use rustc_hash::FxHashMap;
use vigia_modes::IcaoAddress;
use vigia_store::{BusOffset, FlightRow};
use vigia_track::FlightId;

use super::{FlightProgress, Pipeline};

/// What a worker of the frame bus gives its pipeline.
#[derive(Debug, Clone, Default)]
pub struct BusPart {
    /// The partition it reads.
    pub partition: u32,
    /// Frames up to this sequence had their results committed by an earlier worker: they
    /// rebuild state and are not written again (0: none).
    pub replay_until: u64,
    /// The flights stored open: those of this partition are continued.
    pub open_flights: Vec<FlightRow>,
    /// The number of partitions (to pick this partition's open flights).
    pub partitions: u32,
    /// Where the writer puts the sequence of the last frame whose results are committed.
    pub committed: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The bus side of a running pipeline.
#[derive(Debug, Default)]
pub(super) struct BusState {
    partition: u32,
    replay_until: u64,
    /// The last frame taken from the partition past the replay, not yet sent with a batch.
    pub(super) offset: Option<BusOffset>,
    /// Stored open flights not yet continued, by aircraft.
    seeded: FxHashMap<IcaoAddress, FlightId>,
}

impl BusState {
    /// The frame with sequence `seq` is replayed (its results are stored).
    pub(super) fn replaying(&self, seq: u64) -> bool {
        seq != 0 && seq <= self.replay_until
    }
}

/// A flight id as the store has it (`3944e1-1633608318`).
fn parse_flight_id(id: &str) -> Option<FlightId> {
    let (icao24, start) = id.split_once('-')?;
    Some(FlightId {
        icao24: icao24.parse().ok()?,
        start: start.parse().ok()?,
    })
}

impl Pipeline {
    /// Work as a worker of the frame bus on `part`: frames come timed by the gateway, results
    /// are tied to the partition's offset, the stored open flights of the partition go on.
    pub fn serve_partition(&mut self, part: BusPart) {
        let mut state = BusState {
            partition: part.partition,
            replay_until: part.replay_until,
            ..BusState::default()
        };
        for row in part.open_flights {
            let Some(id) = parse_flight_id(&row.id) else {
                continue;
            };
            let partition = vigia_feed::bus::partition_of_address(id.icao24.get(), part.partitions);
            if partition != part.partition {
                continue;
            }
            self.tracker.resume_flight(id, row.end_ts);
            state.seeded.insert(id.icao24, id);
            self.flights.insert(
                id,
                FlightProgress {
                    last_stored: row.end_ts,
                    last_written: row.end_ts,
                    dirty: false,
                    urgent: false,
                    row,
                },
            );
        }
        self.bus = Some(state);
    }

    /// A trusted position of `icao24` in flight `id`: a stored open flight of the aircraft that
    /// is not this one has ended.
    pub(super) fn bus_position(&mut self, icao24: IcaoAddress, id: FlightId) {
        let Some(bus) = &mut self.bus else {
            return;
        };
        if bus.seeded.is_empty() {
            return;
        }
        if let Some(seeded) = bus.seeded.remove(&icao24) {
            if seeded != id {
                self.flight_ended(seeded);
            }
        }
    }

    /// Stored open flights whose aircraft has not come back within the flight gap: ended.
    pub(super) fn bus_end_stale(&mut self) {
        let gap = self.tracker.config().flight_gap_s;
        let now = self.last_ts;
        let Some(bus) = &mut self.bus else {
            return;
        };
        if bus.seeded.is_empty() || !now.is_finite() {
            return;
        }
        let flights = &self.flights;
        let stale: Vec<FlightId> = bus
            .seeded
            .values()
            .filter(|id| flights.get(id).is_none_or(|p| now - p.row.end_ts > gap))
            .copied()
            .collect();
        for id in &stale {
            bus.seeded.remove(&id.icao24);
        }
        self.tracker.forget_resumes_before(now - gap);
        for id in stale {
            self.flight_ended(id);
        }
    }

    /// The frame with sequence `seq`, received by the gateway at `received`, is processed.
    pub(super) fn bus_processed(&mut self, seq: u64, received: f64) {
        if let Some(bus) = &mut self.bus {
            if seq > bus.replay_until {
                bus.offset = Some(BusOffset {
                    partition: bus.partition,
                    seq,
                    published: received,
                });
            }
        }
    }

    /// The offset to send with the next batch (taken: sent once).
    pub(super) fn take_offset(&mut self) -> Option<BusOffset> {
        self.bus.as_mut().and_then(|b| b.offset.take())
    }
}
