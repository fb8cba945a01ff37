//! The pipeline as a worker of the frame bus, on the real corpus: a replay rebuilds state and
//! writes nothing; from the next frame on it writes what a worker that never stopped writes,
//! each batch with its offset; a frame published twice is dropped.
use super::tests::pipeline;
use super::*;
use vigia_zones::ZoneSet;

fn boxed() -> ZoneSet {
    ZoneSet::from_geojson_str(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"BOX"},
        "geometry":{"type":"Polygon","coordinates":[[[0.5,45.6365],[1.5,45.6365],[1.5,46.5],[0.5,46.5],[0.5,45.6365]]]}}]}"#,
        "box.geojson",
    )
    .unwrap()
}

/// The corpus seconds of the box entry as the bus delivers them: numbered, timed.
fn from_the_bus() -> Vec<Arrival> {
    let mut arrivals = super::tests::arrivals();
    for (i, a) in arrivals.iter_mut().enumerate() {
        a.seq = i as u64 + 1;
    }
    arrivals
}

struct Written {
    entries: Vec<NewEvent>,
    positions: Vec<f64>,
    offsets: Vec<u64>,
}

fn work(replay_until: u64, arrivals: &mut Vec<Arrival>) -> (Written, Pipeline, Arc<Metrics>) {
    let (mut pipeline, metrics, _, batches) = pipeline(&boxed());
    pipeline.serve_partition(BusPart {
        partition: 0,
        partitions: 1,
        replay_until,
        ..BusPart::default()
    });
    pipeline.process(arrivals);
    pipeline.flush(true);
    let mut written = Written {
        entries: Vec::new(),
        positions: Vec::new(),
        offsets: Vec::new(),
    };
    while let Ok(message) = batches.try_recv() {
        let WriterMessage::Batch { batch, .. } = message else {
            continue;
        };
        written
            .entries
            .extend(batch.events.into_iter().filter(|e| e.kind == "zone_entry"));
        written
            .positions
            .extend(batch.positions.iter().map(|p| p.ts));
        written.offsets.extend(batch.offset.map(|o| o.seq));
    }
    (written, pipeline, metrics)
}

#[test]
fn a_replay_writes_nothing_and_the_frames_after_it_write_what_they_always_did() {
    let all = from_the_bus();
    let n = all.len() as u64;
    let (whole, _, _) = work(0, &mut all.clone());
    assert_eq!(whole.entries.len(), 1);
    assert_eq!(whole.offsets.last(), Some(&n));
    let entry_ts = whole.entries[0].ts;
    // A third of the frames were handled by a worker that died: replayed, not written.
    let k = n / 3;
    let replayed_until = all[k as usize - 1].received;
    assert!(replayed_until < entry_ts - 1.0);
    let (taken_over, _, metrics) = work(k, &mut all.clone());
    assert_eq!(taken_over.entries, whole.entries, "the same entry, once");
    assert!(taken_over.positions.iter().all(|&t| t > replayed_until));
    assert!(!taken_over.positions.is_empty());
    assert!(taken_over.offsets.iter().all(|&s| s > k));
    assert_eq!(taken_over.offsets.last(), Some(&n));
    assert_eq!(metrics.records.load(Ordering::Relaxed), n);
    // Everything replayed: nothing written at all.
    let (nothing, mut pipeline, metrics) = work(n, &mut all.clone());
    assert!(nothing.entries.is_empty() && nothing.positions.is_empty());
    assert!(nothing.offsets.is_empty());
    // A frame published again after an outage: older than the partition's clock — dropped.
    let mut again = vec![all[k as usize].clone()];
    again[0].seq = n + 1;
    pipeline.process(&mut again);
    assert_eq!(metrics.bus_late.load(Ordering::Relaxed), 1);
}
