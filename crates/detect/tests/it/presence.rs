//! Presence: an aircraft already inside a country when first seen is in its sovereign airspace
//! — the seed's own case — and every behaviour event says where it lies.

use std::sync::Arc;

use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig, Event, EventKind};
use vigia_feed::{Record, RecordReader};
use vigia_modes::SourceRef;
use vigia_sim::{simulate_bundled, Options};
use vigia_track::{Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

fn analyzer(spec: &str) -> Analyzer {
    let zones = Arc::new(ZoneIndex::new(&ZoneSet::parse_spec(spec).unwrap()));
    Analyzer::new(
        zones,
        IdentityResolver::new(None),
        AnalyzerConfig::default(),
    )
}

fn drain(
    tracker_events: &mut Vec<vigia_track::TrackEvent>,
    a: &mut Analyzer,
    out: &mut Vec<Event>,
) {
    for e in tracker_events.drain(..) {
        a.push(&e, out);
    }
}

#[test]
fn the_drone_orbiting_inside_sonora_is_present_in_mexico_and_its_orbits_say_so() {
    let sim = simulate_bundled("mq9-orbit-sonora", &Options::default()).unwrap();
    let mut a = analyzer("MEX,USA");
    let mut tracker = Tracker::new(TrackerConfig::default());
    let (mut te, mut events) = (Vec::new(), Vec::new());
    for f in &sim.frames {
        tracker.push_frame(f.ts, f.message(), &mut te);
        drain(&mut te, &mut a, &mut events);
    }
    tracker.finish(&mut te);
    drain(&mut te, &mut a, &mut events);
    let drone = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::ZonePresence(_)))
        .expect("a presence");
    let EventKind::ZonePresence(p) = &drone.kind else {
        unreachable!()
    };
    assert_eq!(p.zone, "MEX");
    assert!(p.second.ts > p.first.ts);
    // Sonora, tens of miles south of the border.
    assert!(p.depth_nm.is_some_and(|d| d > 20.0), "{p:?}");
    let orbits: Vec<&Event> = events
        .iter()
        .filter(|e| e.icao24 == drone.icao24 && matches!(e.kind, EventKind::Orbit(_)))
        .collect();
    assert_eq!(orbits.len(), 2);
    for o in &orbits {
        let mex = o.places.iter().find(|p| p.zone == "MEX").unwrap();
        assert!(mex.centre_inside && mex.share_inside == 1.0, "{mex:?}");
        assert!(mex.centre_distance_nm.is_some_and(|d| d > 50.0), "{mex:?}");
        let usa = o.places.iter().find(|p| p.zone == "USA").unwrap();
        assert!(!usa.centre_inside && usa.share_inside == 0.0, "{usa:?}");
    }
    let record = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Flight(f) if e.icao24 == drone.icao24 => Some(f),
            _ => None,
        })
        .unwrap();
    let visit = &record.zones[0];
    assert_eq!(
        (visit.zone.as_str(), visit.first_seen_inside),
        ("MEX", true)
    );
    assert!(visit.time_inside_s > 3.0 * 3600.0, "{visit:?}");
    assert!(visit.depth.is_some_and(|d| d.max_nm > 50.0), "{visit:?}");
}

/// A real airliner's trajectory (OpenSky, over France), moved as it flew to pass over Isla
/// Guadalupe, Mexico: it enters and leaves Mexico's territorial sea. Cut to start inside, the
/// same flight is present, then leaves at the same instant.
#[test]
fn a_real_flight_cut_to_start_inside_is_present_then_leaves_when_the_whole_flight_does() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../track/tests/data/airliners_quickstart_40.csv.zst"
    );
    let mut states: Vec<_> =
        RecordReader::new("airliners", std::fs::File::open(path).unwrap(), None)
            .unwrap()
            .filter_map(|r| match r {
                Ok(Record::State(s)) if s.icao24.to_string() == "06a2b1" => Some(s),
                _ => None,
            })
            .collect();
    states.sort_by(|a, b| a.ts.unwrap_or(0.0).total_cmp(&b.ts.unwrap_or(0.0)));
    // Its first position moved to (29.29 N, 117.81 W); it flies 240° for 106 km.
    let (lat0, lon0) = (states[0].latitude.unwrap(), states[0].longitude.unwrap());
    for s in &mut states {
        s.latitude = s.latitude.map(|l| l + 29.29 - lat0);
        s.longitude = s.longitude.map(|l| l - 117.81 - lon0);
    }
    let run = |from_ts: f64| {
        let mut a = analyzer("MEX");
        let mut tracker = Tracker::new(TrackerConfig::default());
        let (mut te, mut events) = (Vec::new(), Vec::new());
        for (k, s) in states
            .iter()
            .filter(|s| s.ts.unwrap_or(0.0) >= from_ts)
            .enumerate()
        {
            let source = SourceRef {
                record: k as u64 + 1,
                ..SourceRef::default()
            };
            tracker.push_record(&Record::State(s.clone()), source, &mut te);
            drain(&mut te, &mut a, &mut events);
        }
        tracker.finish(&mut te);
        drain(&mut te, &mut a, &mut events);
        events
    };
    let exit_ts = |events: &[Event]| {
        events.iter().find_map(|e| match &e.kind {
            EventKind::ZoneExit { crossing, .. } => Some(crossing.crossing.ts),
            _ => None,
        })
    };
    let whole = run(f64::NEG_INFINITY);
    let entry = whole
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ZoneEntry(z) => Some(z.crossing.ts),
            _ => None,
        })
        .expect("the whole flight enters");
    assert!(!whole
        .iter()
        .any(|e| matches!(e.kind, EventKind::ZonePresence(_))));
    let cut = run(entry + 30.0);
    assert!(!cut
        .iter()
        .any(|e| matches!(e.kind, EventKind::ZoneEntry(_))));
    let presence = cut
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ZonePresence(p) => Some(p),
            _ => None,
        })
        .expect("the cut flight is present");
    assert!(presence.first.ts >= entry + 30.0 && presence.depth_nm.is_some_and(|d| d > 0.0));
    let (whole_exit, cut_exit) = (exit_ts(&whole).unwrap(), exit_ts(&cut).unwrap());
    assert_eq!(whole_exit, cut_exit);
    assert!(presence.first.ts < cut_exit);
}
