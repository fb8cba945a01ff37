//! One module per subcommand: its clap `Args` and a `run` function returning the exit code.

pub mod aircraft_db;
pub mod analyze;
pub mod bus;
pub mod config;
pub mod coverage;
pub mod decode;
pub mod demo;
pub mod export;
pub mod network;
pub mod report;
pub mod run;
pub mod sim;
pub mod tracks;
pub mod zones;

/// Rejected input of a batch command (`decode`, `analyze`, `tracks`): how many records were
/// skipped, and what to print. Single bad records are listed for the first few only; notes
/// about a column and unreadable stretches (Parquet) are always printed.
#[derive(Debug, Default)]
pub struct BadInput {
    /// Input records skipped in all.
    pub records: u64,
    /// Inputs whose reading failed part-way (truncated or corrupt compression, I/O errors):
    /// what was read before is used, and the command exits with failure.
    pub cut_short: u64,
    listed: u64,
}

impl BadInput {
    /// Single bad records listed one by one.
    const LISTED: u64 = 5;

    /// Count `error`; the line to print now, if any.
    pub fn count(&mut self, error: &vigia_feed::FeedError) -> Option<String> {
        if matches!(error, vigia_feed::FeedError::Read { .. }) {
            self.cut_short += 1;
        }
        let records = error.records();
        self.records += records;
        if records != 1 {
            return Some(format!("vigia: {error}"));
        }
        (self.listed < Self::LISTED).then(|| {
            self.listed += 1;
            format!("vigia: skipped: {error}")
        })
    }

    /// The closing line when more was skipped than listed.
    pub fn summary(&self) -> Option<String> {
        (self.records > self.listed).then(|| match self.listed {
            0 => format!("vigia: {} malformed records skipped in all", self.records),
            listed => format!(
                "vigia: {} malformed records skipped in all (single records: the first {listed} listed)",
                self.records
            ),
        })
    }
}

/// What to say about times read from receiver counters: whether `--start` anchored them, and
/// how many receiver clocks one capture held.
pub fn receiver_clock_notes(start: Option<f64>, clocks: usize) -> Vec<String> {
    let mut notes = vec![match start {
        Some(start) => format!(
            "note: receiver-clock times anchored: each capture's first frame at {} (--start)",
            vigia_report::time::iso8601(start)
        ),
        None => "note: times are receiver-clock seconds (the input carries no wall-clock time; they are shown as `clock HH:MM:SS`, and --start UNIX|ISO anchors them)".to_string(),
    }];
    if clocks > 1 {
        notes.push(format!(
            "note: {clocks} receiver clocks in one capture (frames merged from several receivers): each is timed by its own counter, aligned where it first appears"
        ));
    }
    notes
}

/// The hint to give when surface positions could not be placed for want of a receiver
/// position.
pub fn surface_hint(stats: &vigia_track::TrackStats, has_ref: bool) -> Option<String> {
    (stats.surface_without_reference > 0 && !has_ref).then(|| {
        format!(
            "vigia: {} surface position frames could not be placed: surface positions need a reference; pass --ref LAT,LON (the receiver's position) to decode them and the flights that start on the ground",
            stats.surface_without_reference
        )
    })
}

/// Parse `--start`: Unix seconds or an ISO 8601 time (`2024-05-01T14:00:00Z`).
pub fn start_time(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .or_else(|| vigia_feed::parse_iso8601(text.trim()))
        .ok_or_else(|| format!("{text:?} is neither Unix seconds nor an ISO 8601 time"))
}

/// Archive records ordered by time in memory at once (`Inputs::order_by_time`): about 75 MB.
pub const ORDER_LIMIT: usize = 250_000;

/// The batch commands' `--threads`.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct Threads {
    /// Threads to use: 1 does everything on one; 2 or more cut the inputs into pieces that
    /// are read, parsed and decoded on all of them while one tracks and analyses (`tracks`
    /// also writes on a thread of its own) — the results are byte for byte the same. Default:
    /// the machine's cores. A receivers file's network path reads on one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
}

impl Threads {
    /// `n` threads.
    #[cfg(test)]
    pub fn exactly(n: u16) -> Self {
        Self { threads: Some(n) }
    }

    /// As asked, else the machine's cores.
    pub fn get(self) -> usize {
        self.threads
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
    }
}

/// The line saying that archives were read in time order, when any record needed it.
pub fn ordering_line(o: vigia_feed::OrderingStats) -> Option<String> {
    (o.out_of_order_records > 0 || o.too_large_inputs > 0).then(|| {
        let mut line = format!(
            "note: archives read in time order: {} record(s) were out of time order in their files ({} input(s) ordered; --no-sort reads them in file order)",
            o.out_of_order_records, o.ordered_inputs
        );
        if o.too_large_inputs > 0 {
            line.push_str(&format!(
                "; {} input(s) above {ORDER_LIMIT} records were ordered in chunks of that many",
                o.too_large_inputs
            ));
        }
        line
    })
}

/// The line to print for an input that cannot be read at all (`vigia: FILE: cannot open: why`).
pub fn unreadable(error: &vigia_feed::FeedError) -> String {
    match error {
        vigia_feed::FeedError::Open { input, cause } => {
            format!("vigia: {input}: cannot open: {cause}")
        }
        other => format!("vigia: {other}"),
    }
}

/// Parse `LAT,LON` in degrees (a receiver position flag).
pub fn lat_lon(text: &str) -> Result<vigia_modes::cpr::LatLon, String> {
    let (lat, lon) = text
        .split_once(',')
        .ok_or_else(|| format!("expected LAT,LON, got {text:?}"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("bad latitude {lat:?}"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("bad longitude {lon:?}"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("{text:?} is not a latitude,longitude in degrees"));
    }
    Ok(vigia_modes::cpr::LatLon { lat, lon })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use vigia_feed::{FeedError, FrameError, Location};

    fn frame_error(error: FrameError) -> FeedError {
        FeedError::Frame {
            input: "x.parquet".into(),
            error,
        }
    }

    #[test]
    fn bad_input_lists_the_first_records_and_every_bulk_skip() {
        let mut bad = BadInput::default();
        let single = |row| {
            frame_error(FrameError::BadTimestamp {
                at: Location::Row(row),
            })
        };
        let printed: Vec<Option<String>> = (1..=7).map(|row| bad.count(&single(row))).collect();
        assert_eq!(printed.iter().flatten().count(), 5);
        assert_eq!(
            printed[0].as_deref(),
            Some("vigia: skipped: x.parquet: row 1: bad timestamp")
        );
        assert!(printed[5].is_none() && printed[6].is_none());
        let bulk = frame_error(FrameError::UnreadableRows {
            at: Location::Row(8),
            rows: 100,
            cause: "corrupt page".into(),
        });
        assert_eq!(
            bad.count(&bulk).as_deref(),
            Some("vigia: x.parquet: row 8: 100 rows unreadable and skipped (corrupt page)")
        );
        assert_eq!(bad.records, 107);
        assert_eq!(
            bad.summary().as_deref(),
            Some(
                "vigia: 107 malformed records skipped in all (single records: the first 5 listed)"
            )
        );
        assert_eq!(BadInput::default().summary(), None);
        let mut only_bulk = BadInput::default();
        only_bulk.count(&bulk);
        assert_eq!(
            only_bulk.summary().as_deref(),
            Some("vigia: 100 malformed records skipped in all")
        );
    }
}
