//! Reproduces the figures of docs/evaluation.md: runs the real calibration flights and the
//! 40 airliners through the same pipeline as `vigia analyze` (feed → track → detect) and
//! prints, per flight, what the detectors found and the score.
//!
//! `cargo run --release -p vigia-detect --example evaluate`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig, EventKind};
use vigia_track::{SourceRef, Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../track/tests/data");
    let zones = Arc::new(ZoneIndex::new(
        &ZoneSet::parse_spec("MEX,USA").expect("bundled"),
    ));
    let mut best_airliner: f64 = 0.0;
    let mut worst_calibration: f64 = 1.0;
    println!(
        "| file | aircraft | callsign | duration | orbits (longest) | surveys | score | reasons |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for name in [
        "calibration_guatemala",
        "calibration_kingston",
        "calibration_montreal",
        "calibration_vancouver",
        "airliners_quickstart_40",
    ] {
        let reader =
            vigia_feed::open(&data.join(format!("{name}.csv.zst")), None).expect("fixture");
        let mut tracker = Tracker::new(TrackerConfig::default());
        let mut analyzer = Analyzer::new(
            zones.clone(),
            IdentityResolver::new(None),
            AnalyzerConfig::default(),
        );
        let (mut track_events, mut events) = (Vec::new(), Vec::new());
        for (k, record) in reader.flatten().enumerate() {
            let source = SourceRef {
                input: 0,
                record: k as u64 + 1,
                line: None,
                row: None,
            };
            tracker.push_record(&record, source, &mut track_events);
        }
        tracker.finish(&mut track_events);
        for e in &track_events {
            analyzer.push(e, &mut events);
        }
        for flight in events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Flight(_)))
        {
            let EventKind::Flight(f) = &flight.kind else {
                continue;
            };
            let orbits: Vec<f64> = events
                .iter()
                .filter(|e| e.flight_id == flight.flight_id)
                .filter_map(|e| match &e.kind {
                    EventKind::Orbit(o) => Some(o.duration_s()),
                    _ => None,
                })
                .collect();
            let surveys = events
                .iter()
                .filter(|e| {
                    e.flight_id == flight.flight_id && matches!(e.kind, EventKind::Survey(_))
                })
                .count();
            let longest = orbits.iter().copied().fold(0.0, f64::max);
            let reasons: Vec<&str> = f.reasons.iter().map(|r| r.code).collect();
            println!(
                "| {name} | {} | {} | {:.0} min | {} ({:.0} min) | {surveys} | {:.2} | {} |",
                flight.icao24,
                flight.callsign.map(|c| c.to_string()).unwrap_or_default(),
                (f.end_ts - f.start_ts) / 60.0,
                orbits.len(),
                longest / 60.0,
                f.score,
                reasons.join(", ")
            );
            if name.starts_with("calibration") && f.end_ts - f.start_ts > 1800.0 {
                worst_calibration = worst_calibration.min(f.score);
            } else if name.starts_with("airliners") {
                best_airliner = best_airliner.max(f.score);
            }
        }
    }
    println!("\nlowest calibration-flight score {worst_calibration:.2}; highest airliner score {best_airliner:.2}");
}
