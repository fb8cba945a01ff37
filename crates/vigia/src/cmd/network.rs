//! The batch commands' two ways in: files read one after another (`vigia_feed::Inputs`), or
//! a receivers file whose captures are merged and multilaterated (`--receivers`).
//!
//! Wiring only: `vigia-feed` reads and merges the captures, `vigia-mlat` (through
//! `vigia_track::Network`) synchronises the clocks and locates replies; this module picks one
//! and prints what the network did.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use vigia_feed::{Format, InputItem, Inputs, NetworkInputs, Receivers};
use vigia_mlat::{Engine, EngineConfig};
use vigia_modes::{Record, SourceRef};
use vigia_track::{Network, TrackEvent, Tracker};

/// Where a batch command's records come from.
pub enum Records {
    /// Files, in order (read in pieces on several threads with `--threads 2` and more).
    Files(Box<Inputs>),
    /// A network's captures, merged, with multilateration.
    Network {
        /// The merged captures.
        inputs: Box<NetworkInputs>,
        /// The joint into the tracker.
        joint: Box<Network>,
        /// The receivers' ids, by index.
        ids: Vec<String>,
    },
}

impl Records {
    /// Files as the commands have always read them; with `threads` ≥ 2 read, parsed and
    /// decoded in pieces on that many threads, this one among them (the same records in the
    /// same order: identical results).
    pub fn files(
        paths: Vec<PathBuf>,
        format: Option<Format>,
        start: Option<f64>,
        no_sort: bool,
        threads: usize,
    ) -> Result<Self> {
        let mut inputs = Box::new(
            Inputs::new(paths, format)
                .receiver_clock(true)
                .start_at(start)
                .order_by_time(if no_sort { 0 } else { super::ORDER_LIMIT })
                .threads(threads),
        );
        inputs.start_reading();
        Ok(Records::Files(inputs))
    }

    /// A batch command's inputs: the receivers file's captures when one is given (`paths`
    /// are then combined captures), else the files `paths` (see [`Records::files`]).
    pub fn open(
        receivers: Option<&Path>,
        paths: &[PathBuf],
        format: Option<Format>,
        start: Option<f64>,
        no_sort: bool,
        threads: usize,
    ) -> Result<Self> {
        match receivers {
            Some(path) => Self::network(path, paths.to_vec(), format, start),
            None => Self::files(paths.to_vec(), format, start, no_sort, threads),
        }
    }

    /// The captures of a receivers file, and `combined` captures holding several receivers'
    /// frames tagged with their ids.
    pub fn network(
        path: &Path,
        combined: Vec<PathBuf>,
        format: Option<Format>,
        start: Option<f64>,
    ) -> Result<Self> {
        let receivers = Receivers::load(path).context("reading the receivers file")?;
        let stations = vigia_server::config::mlat_stations(&receivers.list);
        let engine = Engine::new(stations, EngineConfig::default());
        Ok(Records::Network {
            inputs: Box::new(NetworkInputs::new(&receivers.list, format, start).combined(combined)),
            joint: Box::new(Network::new(engine)),
            ids: receivers.list.iter().map(|r| r.id.clone()).collect(),
        })
    }

    /// What each evidence source index names: the files, or the receivers' ids.
    pub fn names(&self) -> Vec<String> {
        match self {
            Records::Files(inputs) => inputs.names(),
            Records::Network { ids, .. } => ids.clone(),
        }
    }

    /// The next item.
    pub fn next_item(&mut self) -> Option<InputItem> {
        match self {
            Records::Files(inputs) => inputs.next(),
            Records::Network { inputs, .. } => inputs.next(),
        }
    }

    /// Hand one record to the tracker (a network's frames through multilateration).
    pub fn track(
        &mut self,
        record: &Record,
        source: SourceRef,
        tracker: &mut Tracker,
        out: &mut Vec<TrackEvent>,
    ) {
        match (self, record) {
            (Records::Network { joint, .. }, Record::Frame(frame)) => {
                joint.push(source.input as u16, frame, source, tracker, out);
            }
            (Records::Files(inputs), Record::Frame(frame)) if inputs.decodes() => {
                tracker.push_raw_decoded(frame, inputs.message(), out);
            }
            (_, record) => tracker.push_record(record, source, out),
        }
    }

    /// End of input: what the network still holds goes to the tracker.
    pub fn finish(&mut self, tracker: &mut Tracker, out: &mut Vec<TrackEvent>) {
        if let Records::Network { joint, .. } = self {
            joint.finish(tracker, out);
        }
    }

    /// The files' reader, for the notes only files have (read on a second thread: once every
    /// record has been handed out).
    pub fn inputs(&self) -> Option<&Inputs> {
        match self {
            Records::Files(inputs) => Some(inputs),
            Records::Network { .. } => None,
        }
    }

    /// Total size of the input files, bytes (a network: 0).
    pub fn total_bytes(&self) -> u64 {
        match self {
            Records::Files(inputs) => inputs.total_bytes(),
            Records::Network { .. } => 0,
        }
    }

    /// Bytes of the input files read so far (a network: 0).
    pub fn bytes_read(&self) -> u64 {
        match self {
            Records::Files(inputs) => inputs.bytes_read(),
            Records::Network { .. } => 0,
        }
    }

    /// Inputs opened (a network: captures that gave a frame).
    pub fn opened(&self) -> usize {
        match self {
            Records::Files(inputs) => inputs.opened(),
            Records::Network { inputs, .. } => {
                inputs.stats().frames.iter().filter(|f| **f > 0).count()
            }
        }
    }

    /// What the network did, for people: per receiver and for multilateration.
    pub fn network_lines(&self) -> Vec<String> {
        let Records::Network { inputs, joint, ids } = self else {
            return Vec::new();
        };
        let s = inputs.stats();
        let m = joint.mlat();
        let mut lines = vec![format!(
            "network: {} receivers; {} transmissions, {} clock references, {} replies of aircraft without a position, {} located by MLAT ({} inconsistent, {} poor geometry, {} ambiguous, {} with too few synchronised receivers); {} receivers synchronised at the end",
            ids.len(),
            m.groups,
            m.clock_references,
            m.candidates,
            m.solved,
            m.inconsistent,
            m.bad_geometry,
            m.ambiguous,
            m.not_enough_synced,
            joint.engine().synced()
        )];
        for (i, id) in ids.iter().enumerate() {
            let offset = match (s.offsets_s[i], s.unaligned[i]) {
                (_, true) => "NOT aligned (shares no message with the others)".to_string(),
                (Some(o), false) if s.matches[i] > 0 => {
                    format!("aligned on {} messages (offset {o:+.3} s)", s.matches[i])
                }
                (Some(_), false) => "reference clock".to_string(),
                (None, _) => "no frames".to_string(),
            };
            let mut line = format!(
                "  receiver {id}: {} frames, {offset}, used in {} MLAT positions",
                s.frames[i], m.used[i]
            );
            if s.untimed[i] > 0 {
                line.push_str(&format!(", {} without a counter (dropped)", s.untimed[i]));
            }
            if s.realigned[i] > 0 {
                line.push_str(&format!(
                    ", its counter stepped {} times (aligned again)",
                    s.realigned[i]
                ));
            }
            let jumps = joint.engine().clock_jumps(i as u16);
            if jumps > 0 {
                line.push_str(&format!(
                    ", its clock jumped {jumps} times (resynchronised)"
                ));
            }
            if m.duplicates[i] > 0 {
                line.push_str(&format!(
                    ", gave {} transmissions twice (a replay, or two receivers under its id: not used)",
                    m.duplicates[i]
                ));
            }
            if m.blamed[i] > 0 {
                line.push_str(&format!(
                    ", inconsistent with the others {} times (wrong position or clock?)",
                    m.blamed[i]
                ));
            }
            lines.push(line);
        }
        if s.untagged > 0 {
            lines.push(format!(
                "  {} frames of the combined captures came before any receiver id (not used)",
                s.untagged
            ));
        }
        if s.unknown > 0 {
            lines.push(format!(
                "  {} frames of the combined captures came from receivers not in the receivers file ({}); add them with their uuid to use them",
                s.unknown,
                s.unknown_ids.join(", ")
            ));
        }
        if m.duplicate_copies > 0 {
            lines.push(format!(
                "  {} transmissions heard twice by one receiver (a replay, or two receivers under one id): those copies were not used",
                m.duplicate_copies
            ));
        }
        lines
    }
}
