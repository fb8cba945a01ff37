//! Where the receivers hear: the share of an aircraft's position broadcasts that arrive, by
//! grid cell and altitude band, learned from the traffic itself.
//!
//! An airborne ADS-B transponder broadcasts a position twice a second. Between two
//! consecutive trusted positions of one flight segment `Δt` apart (at most
//! [`MAX_STEP_S`]), `2·Δt` position frames were sent and the tracker counted how many
//! arrived ([`vigia_track::TrustedPosition::position_frames`]); both numbers are added to the
//! cells the path between them crosses (in steps of at most [`STEP_S`], the frames spread
//! evenly). A cell's coverage is received ÷ expected, with the expected count as the weight of
//! evidence behind it. Only trusted positions from frames feed the model — rejected, spoofed
//! or implausible positions never do, nor archive rows or multilaterated positions (neither
//! says what the receivers missed); a step across a segment break is not counted.
//!
//! Owns the grid ([`Coverage`]: cells of [`CELL_DEG`] by band, at most `max_cells`, then new
//! cells are counted and dropped), the per-aircraft last positions it pairs (at most
//! `max_aircraft`), the estimate for a point and the merge of saved tallies. No I/O: the
//! store, the CLI and the map read and write [`CellTally`] values.

use rustc_hash::FxHashMap;
use vigia_modes::IcaoAddress;
use vigia_track::{Evidence, FlightId, TrustedPosition};

/// A cell's size, degrees of latitude and of longitude (5.6 km north–south; 4.8 km east–west
/// at 30°N).
pub const CELL_DEG: f64 = 0.05;
/// Lower limits of the altitude bands, feet: below 5 000, 5 000–15 000, 15 000–25 000, above.
pub const BAND_FLOORS_FT: [f64; 4] = [f64::NEG_INFINITY, 5_000.0, 15_000.0, 25_000.0];
/// The longest step between two positions counted (a longer gap's path is not known).
pub const MAX_STEP_S: f64 = 120.0;
/// Position broadcasts an airborne transponder sends per second.
pub const BROADCASTS_PER_S: f64 = 2.0;
/// A step is cut in pieces of at most this many seconds, each counted in its own cell.
pub const STEP_S: f64 = 10.0;

/// The band of an altitude, `0..BAND_FLOORS_FT.len()`.
pub fn band(altitude_ft: f64) -> u8 {
    BAND_FLOORS_FT
        .iter()
        .rposition(|floor| altitude_ft >= *floor)
        .unwrap_or(0) as u8
}

/// The band's limits, feet, for people (`"5000-15000"`; the lowest is `"<5000"`).
pub fn band_name(band: u8) -> String {
    let i = usize::from(band).min(BAND_FLOORS_FT.len() - 1);
    match (i, BAND_FLOORS_FT.get(i + 1)) {
        (0, Some(top)) => format!("<{top}"),
        (_, Some(top)) => format!("{}-{top}", BAND_FLOORS_FT[i]),
        (_, None) => format!(">={}", BAND_FLOORS_FT[i]),
    }
}

/// One cell of the grid: its south-west corner in cells and its band.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Cell {
    /// `floor(latitude / CELL_DEG)`.
    pub lat: i16,
    /// `floor(longitude / CELL_DEG)`.
    pub lon: i16,
    /// Altitude band.
    pub band: u8,
}

impl Cell {
    /// The cell holding a point at an altitude (`None` off the globe).
    pub fn at(lat: f64, lon: f64, altitude_ft: f64) -> Option<Cell> {
        if !(lat.is_finite() && lon.is_finite() && altitude_ft.is_finite()) || lat.abs() > 90.0 {
            return None;
        }
        let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
        Some(Cell {
            lat: (lat / CELL_DEG).floor() as i16,
            lon: (lon / CELL_DEG).floor() as i16,
            band: band(altitude_ft),
        })
    }

    /// South-west corner, degrees.
    pub fn south_west(&self) -> (f64, f64) {
        (
            f64::from(self.lat) * CELL_DEG,
            f64::from(self.lon) * CELL_DEG,
        )
    }

    /// The cell `dlat`, `dlon` cells away in the same band.
    pub fn offset(&self, dlat: i16, dlon: i16) -> Cell {
        Cell {
            lat: self.lat.saturating_add(dlat),
            lon: self.lon.saturating_add(dlon),
            band: self.band,
        }
    }
}

/// Frames expected and received in one cell.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Tally {
    /// Position broadcasts sent while aircraft were in the cell.
    pub expected: f64,
    /// Of them, received.
    pub received: f64,
}

impl Tally {
    /// Received ÷ expected, at most 1 (transponders' random spacing lets a short stretch
    /// deliver a little more than two a second).
    pub fn ratio(&self) -> f64 {
        if self.expected > 0.0 {
            (self.received / self.expected).min(1.0)
        } else {
            0.0
        }
    }
}

/// A cell and its tally, as saved and loaded.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CellTally {
    /// The cell.
    pub cell: Cell,
    /// What was expected and received in it.
    pub tally: Tally,
}

/// Limits of the model.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CoverageConfig {
    /// Most cells held; more are counted in [`CoverageStats::cells_dropped`]. Default 500 000
    /// (a 1 000 km square in four bands is 80 000).
    pub max_cells: usize,
    /// Most aircraft whose last position is held for pairing. Default 50 000.
    pub max_aircraft: usize,
}

impl Default for CoverageConfig {
    fn default() -> Self {
        Self {
            max_cells: 500_000,
            max_aircraft: 50_000,
        }
    }
}

/// Counters of the model.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CoverageStats {
    /// Steps counted.
    pub steps: u64,
    /// Steps not counted: longer than [`MAX_STEP_S`], across a segment break, or without
    /// altitude.
    pub skipped: u64,
    /// Pieces of steps that fell in new cells when the grid was full.
    pub cells_dropped: u64,
    /// Positions not paired because `max_aircraft` were held.
    pub aircraft_dropped: u64,
}

#[derive(Clone, Copy, Debug)]
struct Last {
    flight_id: FlightId,
    segment: u32,
    ts: f64,
    lat: f64,
    lon: f64,
    altitude_ft: f64,
    frames: u32,
}

/// The coverage model: a grid of tallies, learned from trusted positions.
#[derive(Debug, Default)]
pub struct Coverage {
    config: CoverageConfig,
    cells: FxHashMap<Cell, Tally>,
    last: FxHashMap<IcaoAddress, Last>,
    stats: CoverageStats,
}

/// What the model says of one point.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Estimate {
    /// Share of position broadcasts received, 0–1.
    pub ratio: f64,
    /// Broadcasts the estimate rests on.
    pub expected: f64,
}

impl Coverage {
    /// An empty model.
    pub fn new(config: CoverageConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> CoverageStats {
        self.stats
    }

    /// Cells held.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// No cell learned.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Learn from one trusted position.
    pub fn observe(&mut self, p: &TrustedPosition) {
        if p.position_frames > 0 {
            self.observe_heard(p, p.position_frames);
        }
    }

    /// Learn from one trusted position, `frames` being the position frames heard from the
    /// aircraft so far by whoever this model is for (one receiver: [`ReceiverCoverage`]).
    pub fn observe_heard(&mut self, p: &TrustedPosition, frames: u32) {
        let from_frames = matches!(
            p.evidence,
            Evidence::CprPair { .. } | Evidence::CprLocal { .. }
        );
        let altitude = p.altitude_ft.filter(|a| a.is_finite());
        if !from_frames || p.on_ground == Some(true) {
            return;
        }
        let Some(altitude_ft) = altitude else {
            self.stats.skipped += 1;
            return;
        };
        let next = Last {
            flight_id: p.flight_id,
            segment: p.segment,
            ts: p.ts,
            lat: p.lat,
            lon: p.lon,
            altitude_ft,
            frames,
        };
        let previous = match self.last.get_mut(&p.icao24) {
            Some(last) => std::mem::replace(last, next),
            None => {
                if self.last.len() >= self.config.max_aircraft {
                    self.stats.aircraft_dropped += 1;
                } else {
                    self.last.insert(p.icao24, next);
                }
                return;
            }
        };
        let dt = next.ts - previous.ts;
        if previous.flight_id != next.flight_id
            || previous.segment != next.segment
            || !(dt > 0.0 && dt <= MAX_STEP_S)
        {
            self.stats.skipped += 1;
            return;
        }
        let received = f64::from(next.frames.wrapping_sub(previous.frames));
        // A count that went back (its counter was reset) says nothing of this step.
        if next.frames < previous.frames || received > 3.0 * BROADCASTS_PER_S * dt + 2.0 {
            self.stats.skipped += 1;
            return;
        }
        self.stats.steps += 1;
        let pieces = (dt / STEP_S).ceil().max(1.0);
        for i in 0..pieces as usize {
            // The middle of each piece, along the straight line between the two positions.
            let f = (i as f64 + 0.5) / pieces;
            let lat = previous.lat + (next.lat - previous.lat) * f;
            let lon = previous.lon + crate::geometry::turn_deg(previous.lon, next.lon) * f;
            let alt = previous.altitude_ft + (next.altitude_ft - previous.altitude_ft) * f;
            self.add(
                lat,
                lon,
                alt,
                Tally {
                    expected: BROADCASTS_PER_S * dt / pieces,
                    received: received / pieces,
                },
            );
        }
    }

    /// Forget an aircraft's last position (its flight ended).
    pub fn forget(&mut self, icao24: IcaoAddress) {
        self.last.remove(&icao24);
    }

    fn add(&mut self, lat: f64, lon: f64, altitude_ft: f64, tally: Tally) {
        let Some(cell) = Cell::at(lat, lon, altitude_ft) else {
            return;
        };
        self.merge_cell(cell, tally);
    }

    fn merge_cell(&mut self, cell: Cell, tally: Tally) {
        let full = self.cells.len() >= self.config.max_cells;
        match self.cells.get_mut(&cell) {
            Some(t) => {
                t.expected += tally.expected;
                t.received += tally.received;
            }
            None if full => self.stats.cells_dropped += 1,
            None => {
                self.cells.insert(cell, tally);
            }
        }
    }

    /// Add saved tallies (a model learned earlier, from the store or a file).
    pub fn merge(&mut self, tallies: impl IntoIterator<Item = CellTally>) {
        for t in tallies {
            if t.tally.expected.is_finite()
                && t.tally.received.is_finite()
                && t.tally.expected >= 0.0
                && t.tally.received >= 0.0
            {
                self.merge_cell(t.cell, t.tally);
            }
        }
    }

    /// The tally of one cell.
    pub fn tally(&self, cell: Cell) -> Option<Tally> {
        self.cells.get(&cell).copied()
    }

    /// The estimate at a point and altitude.
    pub fn estimate(&self, lat: f64, lon: f64, altitude_ft: f64) -> Option<Estimate> {
        let t = self.tally(Cell::at(lat, lon, altitude_ft)?)?;
        Some(Estimate {
            ratio: t.ratio(),
            expected: t.expected,
        })
    }

    /// The estimate at a point pooled over its cell and the eight around it in the same band
    /// (a 15 km square): the share received in one cell wanders by a percent or so with the
    /// random spacing of broadcasts (0.4–0.6 s), the pooled share much less. `None` when the
    /// point's own cell was never learned.
    pub fn estimate_around(&self, lat: f64, lon: f64, altitude_ft: f64) -> Option<Estimate> {
        let cell = Cell::at(lat, lon, altitude_ft)?;
        self.tally(cell)?;
        let mut pooled = Tally::default();
        for dlat in -1..=1 {
            for dlon in -1..=1 {
                if let Some(t) = self.tally(cell.offset(dlat, dlon)) {
                    pooled.expected += t.expected;
                    pooled.received += t.received;
                }
            }
        }
        Some(Estimate {
            ratio: pooled.ratio(),
            expected: pooled.expected,
        })
    }

    /// Every cell, sorted (south to north, west to east, band), for saving and drawing.
    pub fn cells(&self) -> Vec<CellTally> {
        let mut out: Vec<CellTally> = self
            .cells
            .iter()
            .map(|(cell, tally)| CellTally {
                cell: *cell,
                tally: *tally,
            })
            .collect();
        out.sort_by_key(|c| c.cell);
        out
    }
}

/// Coverage per receiver: each receiver's own share of the broadcasts sent where the network
/// tracked aircraft — what it heard of them, counted from its own frames (an airborne position
/// squitter is recognised from its first bytes, without decoding), against the two a second
/// the trusted track says were sent. A receiver that never heard an aircraft learns 0 % along
/// its track: it does not hear there.
#[derive(Debug)]
pub struct ReceiverCoverage {
    counts: FxHashMap<(u16, IcaoAddress), u32>,
    models: Vec<Coverage>,
    config: CoverageConfig,
}

impl ReceiverCoverage {
    /// Receivers with a model at most (more are counted in the network model only).
    pub const MAX_RECEIVERS: usize = 64;
    /// Counters held at most; at the limit all restart (the steps they span are skipped).
    pub const MAX_COUNTS: usize = 200_000;

    /// Empty models; each receiver's holds at most `config.max_cells / 4` cells.
    pub fn new(config: CoverageConfig) -> Self {
        Self {
            counts: FxHashMap::default(),
            models: Vec::new(),
            config: CoverageConfig {
                max_cells: config.max_cells / 4,
                ..config
            },
        }
    }

    /// Receiver `receiver` delivered `message`.
    #[inline]
    pub fn frame(&mut self, receiver: u16, message: &[u8]) {
        let position = message.len() == 14
            && message[0] >> 3 == 17
            && matches!(message[4] >> 3, 9..=18 | 20..=22);
        if !position || usize::from(receiver) >= Self::MAX_RECEIVERS {
            return;
        }
        let icao24 = IcaoAddress::new(
            u32::from(message[1]) << 16 | u32::from(message[2]) << 8 | u32::from(message[3]),
        );
        while self.models.len() <= usize::from(receiver) {
            self.models.push(Coverage::new(self.config));
        }
        if self.counts.len() >= Self::MAX_COUNTS && !self.counts.contains_key(&(receiver, icao24)) {
            self.counts.clear();
        }
        let n = self.counts.entry((receiver, icao24)).or_default();
        *n = n.wrapping_add(1);
    }

    /// A trusted position: every receiver's model learns what it heard since the last one.
    pub fn observe(&mut self, p: &TrustedPosition) {
        for (r, model) in self.models.iter_mut().enumerate() {
            let heard = self.counts.get(&(r as u16, p.icao24)).copied().unwrap_or(0);
            model.observe_heard(p, heard);
        }
    }

    /// Forget an aircraft (its flight ended).
    pub fn forget(&mut self, icao24: IcaoAddress) {
        for (r, model) in self.models.iter_mut().enumerate() {
            model.forget(icao24);
            self.counts.remove(&(r as u16, icao24));
        }
    }

    /// Receiver `receiver`'s model, if it delivered a position frame.
    pub fn model(&self, receiver: u16) -> Option<&Coverage> {
        self.models.get(usize::from(receiver))
    }

    /// Receiver `receiver`'s model, to merge saved tallies into.
    pub fn model_mut(&mut self, receiver: u16) -> Option<&mut Coverage> {
        if usize::from(receiver) >= Self::MAX_RECEIVERS {
            return None;
        }
        while self.models.len() <= usize::from(receiver) {
            self.models.push(Coverage::new(self.config));
        }
        self.models.get_mut(usize::from(receiver))
    }

    /// Receivers with a model.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// No receiver has a model.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }
}

#[cfg(test)]
mod tests;
