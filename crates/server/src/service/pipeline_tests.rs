//! The pipeline on the real corpus: timing, positions, events, the live table.
use super::*;
use crate::service::metrics::Metrics;
use vigia_detect::identity::IdentityResolver;
use vigia_feed::net::SourceCounters;
use vigia_feed::RecordReader;
use vigia_zones::ZoneSet;

/// The seconds of the real corpus in which an aircraft flies into the box, arriving as
/// they were received.
pub(super) fn arrivals() -> Vec<Arrival> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/long_flight.csv.zst");
    RecordReader::new("corpus", std::fs::File::open(corpus).unwrap(), None)
        .unwrap()
        .filter_map(|r| match r {
            Ok(Record::Frame(f))
                if f.ts
                    .is_some_and(|t| (1_698_143_444.0..1_698_143_451.0).contains(&t)) =>
            {
                Some(Arrival {
                    seq: 0,
                    decoded: None,
                    source: 0,
                    received: f.ts.unwrap(),
                    record: Record::Frame(f),
                })
            }
            _ => None,
        })
        .collect()
}

pub(super) type Parts = (
    Pipeline,
    Arc<Metrics>,
    Arc<LiveView>,
    Receiver<WriterMessage>,
);

/// A pipeline watching `set`, with its metrics, live view and the writer's end.
pub(super) fn pipeline(set: &ZoneSet) -> Parts {
    let counters = Arc::new(SourceCounters::new());
    let queue = Arc::new(FrameQueue::new(16, vec![counters.clone()]));
    let metrics = Arc::new(Metrics::new(
        vec![("rx".into(), counters)],
        queue,
        Vec::new(),
    ));
    let view = Arc::new(LiveView::new());
    let (stream, _) = tokio::sync::broadcast::channel(16);
    let (writes, batches) = mpsc::sync_channel(1 << 16);
    let pipeline = Pipeline::new(
        PipelineSettings::default(),
        TrackerConfig::default(),
        AnalyzerConfig::default(),
        Arc::new(ZoneIndex::new(set)),
        IdentityResolver::new(None),
        vec!["rx".into()],
        metrics.clone(),
        view.clone(),
        stream,
        writes,
    );
    (pipeline, metrics, view, batches)
}

#[test]
fn a_replay_at_any_speed_keeps_the_aircraft_timing() {
    // Ten minutes of the real corpus with a receiver counter, arriving 1, 10 and 100 times
    // faster than they were received: timed by arrival, the fast replays turned valid
    // positions into impossible speeds and repeated messages into duplicates.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/long_flight.csv.zst");
    let frames: Vec<vigia_modes::RawFrame> =
        RecordReader::new("corpus", std::fs::File::open(corpus).unwrap(), None)
            .unwrap()
            .filter_map(|r| match r {
                Ok(Record::Frame(f)) => Some(f),
                _ => None,
            })
            .collect();
    // Ten minutes of the climb out of Toulouse (airborne positions: no receiver needed).
    let t0 = 1_698_143_000.0;
    let frames: Vec<_> = frames
        .into_iter()
        .filter(|f| f.ts.is_some_and(|t| (t0..t0 + 600.0).contains(&t)))
        .collect();
    let set = ZoneSet::from_geojson_str(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"BOX"},
        "geometry":{"type":"Polygon","coordinates":[[[0.5,45.6365],[1.5,45.6365],[1.5,46.5],[0.5,46.5],[0.5,45.6365]]]}}]}"#,
        "box.geojson",
    )
    .unwrap();
    let mut results = Vec::new();
    for speed in [1.0, 10.0, 100.0] {
        let (mut pipeline, metrics, _, _batches) = pipeline(&set);
        let mut arrivals: Vec<Arrival> = frames
            .iter()
            .map(|f| {
                let t = f.ts.unwrap();
                let mut frame = *f;
                frame.mlat_ticks = Some(((t - t0 + 1.0) * 12e6) as u64);
                Arrival {
                    seq: 0,
                    decoded: None,
                    source: 0,
                    received: 1_800_000_000.0 + (t - t0) / speed,
                    record: Record::Frame(frame),
                }
            })
            .collect();
        pipeline.process(&mut arrivals);
        let stats = pipeline.tracker.stats();
        results.push((
            stats.positions,
            stats.rejected_total(),
            metrics.duplicates.load(Ordering::Relaxed),
        ));
    }
    assert!(results[0].0 > 500, "{results:?}");
    assert_eq!(results[1], results[0], "10x: {results:?}");
    assert_eq!(results[2], results[0], "100x: {results:?}");
}

#[test]
fn frames_become_positions_an_event_a_flight_row_and_a_live_aircraft_in_its_zone() {
    let set = ZoneSet::from_geojson_str(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"BOX"},
        "geometry":{"type":"Polygon","coordinates":[[[0.5,45.6365],[1.5,45.6365],[1.5,46.5],[0.5,46.5],[0.5,45.6365]]]}}]}"#,
        "box.geojson",
    )
    .unwrap();
    let (mut pipeline, metrics, view, batches) = pipeline(&set);
    let mut arrivals = arrivals();
    let n = arrivals.len() as u64;
    let last = arrivals.last().unwrap().received;
    pipeline.process(&mut arrivals);
    pipeline.publish(last);
    pipeline.flush(true);
    let mut positions = 0;
    let mut entries = Vec::new();
    let mut zones_of_flights = Vec::new();
    while let Ok(message) = batches.try_recv() {
        let WriterMessage::Batch { batch, metas } = message else {
            continue;
        };
        assert_eq!(metas.len(), batch.events.len());
        positions += batch.positions.len();
        entries.extend(batch.events.into_iter().filter(|e| e.kind == "zone_entry"));
        zones_of_flights.extend(batch.flights.into_iter().flat_map(|f| f.zones));
    }
    assert_eq!(metrics.records.load(Ordering::Relaxed), n);
    assert!(
        positions > 3,
        "{positions} positions stored (one a second at most)"
    );
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].zone.as_deref(), Some("BOX"));
    assert_eq!(entries[0].document.evidence().len(), 2);
    assert!(zones_of_flights.iter().any(|z| z == "BOX"));
    // The live table: the aircraft, in the zone the analyzer found it in.
    let snapshot = view.get();
    let aircraft = snapshot
        .aircraft
        .iter()
        .find(|a| a.icao24 == entries[0].icao24)
        .unwrap();
    assert_eq!(aircraft.zones, ["BOX"]);
    assert!(aircraft.score >= 0.0 && aircraft.positions > 3);
}
