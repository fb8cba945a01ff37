//! The pipeline under a flood of invented border-crossers (see `flood.rs`).
use super::tests::pipeline as pipeline_over;
use super::*;
use std::collections::BTreeMap;
use vigia_detect::contract::EventBody;
use vigia_modes::StateVector;
use vigia_zones::ZoneSet;

/// Reports of `icao24` flying north across latitude 30 (the box's southern edge) from
/// `t0`, one every 5 s.
fn crosser(icao24: u32, t0: f64, steps: usize) -> Vec<Arrival> {
    (0..steps)
        .map(|k| {
            let ts = t0 + 5.0 * k as f64;
            let mut s = StateVector::new(IcaoAddress::new(icao24));
            s.ts = Some(ts);
            s.latitude = Some(30.0 - 0.005 * (steps as f64 - 1.0) / 2.0 + 0.005 * k as f64);
            s.longitude = Some(-100.0 + f64::from(icao24 % 1000) * 1e-3);
            s.altitude_ft = Some(20_000.0);
            Arrival {
                seq: 0,
                decoded: None,
                source: 0,
                received: ts,
                record: Record::State(Box::new(s)),
            }
        })
        .collect()
}

#[test]
fn five_thousand_invented_crossers_become_one_flood_and_a_real_entry_still_comes_out() {
    let set = ZoneSet::from_geojson_str(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"BOX"},
        "geometry":{"type":"Polygon","coordinates":[[[-101,30],[-98,30],[-98,32],[-101,32],[-101,30]]]}}]}"#,
        "box.geojson",
    )
    .unwrap();
    let (mut pipeline, metrics, _, batches) = pipeline_over(&set);
    let t0 = 1_700_000_000.0;
    // A real aircraft heard for 20 minutes south of the box, crossing in the flood.
    let mut arrivals = crosser(0xa00001, t0 - 1200.0 + 26.0, 244);
    // 5 000 invented addresses crossing within 26 s, each heard for 15 s.
    for k in 0..5000u32 {
        arrivals.extend(crosser(0x100000 + k, t0 + f64::from(k) * 26.0 / 5000.0, 4));
    }
    arrivals.sort_by(|a, b| a.received.total_cmp(&b.received));
    pipeline.process(&mut arrivals);
    pipeline.flush(true);
    // The flood is over a minute after its last folded event.
    pipeline.flood_due(t0 + 200.0);
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut real_entry = false;
    let mut flood = None;
    while let Ok(message) = batches.try_recv() {
        let WriterMessage::Batch { batch, metas } = message else {
            continue;
        };
        assert_eq!(metas.len(), batch.events.len());
        for e in batch.events {
            *kinds.entry(e.kind.clone()).or_default() += 1;
            real_entry |= e.kind == "zone_entry" && e.icao24 == "a00001";
            if e.kind == "flood" {
                flood = Some(e);
            }
        }
    }
    assert!(
        real_entry,
        "the established aircraft's entry is stored: {kinds:?}"
    );
    assert!(kinds["zone_entry"] <= 100, "{kinds:?}");
    let flood = flood.expect("one flood event");
    assert_eq!(kinds["flood"], 1);
    let EventBody::Flood(r) = &flood.document.body else {
        panic!()
    };
    let folded = metrics.events_folded.load(Ordering::Relaxed);
    assert_eq!(r.events, folded);
    assert!(r.by_type["zone_entry"] >= 4900, "{r:?}");
    assert_eq!(r.by_zone["BOX"], r.by_type["zone_entry"]);
    assert!(r.addresses >= 4900);
}
