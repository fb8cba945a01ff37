//! The event contract as consumers read it: one event of every type, made by the real tracker
//! and analyzer from the simulator's border scenarios, pinned as JSON (insta snapshots), and
//! every event of every scenario read back to exactly the record that was written.

use std::collections::BTreeMap;
use std::sync::Arc;

use vigia_detect::contract::{EventRecord, SCHEMA_VERSION};
use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig, Event};
use vigia_sim::{simulate_bundled, Options};
use vigia_track::{Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

/// Every event of a bundled scenario, through the same pipeline `vigia analyze` runs.
fn events(scenario: &str, zones: &Arc<ZoneIndex>) -> Vec<Event> {
    let sim = simulate_bundled(scenario, &Options::default()).unwrap();
    let mut analyzer = Analyzer::new(
        zones.clone(),
        IdentityResolver::new(None),
        AnalyzerConfig::default(),
    );
    let mut tracker = Tracker::new(TrackerConfig::default());
    let (mut te, mut out) = (Vec::new(), Vec::new());
    let mut frames: Vec<_> = sim.frames.iter().collect();
    frames.sort_by(|a, b| a.ts.total_cmp(&b.ts));
    for f in frames {
        analyzer.source_frame(f.receiver as u16, f.ts, f.message());
        tracker.push_frame(f.ts, f.message(), &mut te);
        for e in te.drain(..) {
            analyzer.push(&e, &mut out);
        }
    }
    tracker.finish(&mut te);
    for e in te.drain(..) {
        analyzer.push(&e, &mut out);
    }
    out
}

#[test]
fn every_event_type_keeps_its_shape_and_reads_back_whole() {
    let zones = Arc::new(ZoneIndex::new(&ZoneSet::parse_spec("MEX,USA").unwrap()));
    let inputs = vec!["receiver".to_string()];
    let mut first_of_type: BTreeMap<&'static str, EventRecord> = BTreeMap::new();
    let mut total = 0;
    for scenario in [
        "p8-baja-clip",
        "rc135-gulf",
        "mq9-orbit-sonora",
        "border-airliners",
        "going-dark-sonora",
    ] {
        for event in events(scenario, &zones) {
            let record = EventRecord::new(&event, &inputs);
            assert_eq!(record.type_name(), event.kind.type_name());
            let text = serde_json::to_string(&record).unwrap();
            let back: EventRecord = serde_json::from_str(&text).unwrap();
            assert_eq!(back, record, "{text}");
            first_of_type.entry(record.type_name()).or_insert(record);
            total += 1;
        }
    }
    assert!(total > 10, "{total} events");
    // The scenarios make every type but survey, whose shape the unit test below pins.
    for kind in [
        "zone_entry",
        "zone_presence",
        "zone_exit",
        "closest_approach",
        "orbit",
        "flight",
        "signal_lost",
        "signal_regained",
        "inferred_crossing",
        "appeared_inside",
    ] {
        let record = first_of_type
            .get(kind)
            .unwrap_or_else(|| panic!("no {kind}"));
        // Through a Value, as `vigia analyze` writes it: sorted keys.
        let value = serde_json::to_value(record).unwrap();
        insta::assert_snapshot!(
            format!("v{SCHEMA_VERSION}_{kind}"),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
