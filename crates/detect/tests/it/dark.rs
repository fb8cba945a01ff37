//! Going dark on the simulator: every case of `going-dark-sonora` against its truth — the
//! transponder switched off across the border (an inferred crossing), ADS-B off inside Mexico
//! (`adsb_off`), a drone first heard deep inside, and the aircraft that vanish for ordinary
//! reasons (out of range, below the horizon, a take-off inside) raising nothing.

use std::sync::Arc;

use vigia_detect::dark::DarkKind;
use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig, Event, EventKind};
use vigia_sim::{simulate_bundled, Options, Truth};
use vigia_track::{Tracker, TrackerConfig};
use vigia_zones::{Direction, ZoneIndex, ZoneSet};

/// Seconds after a gap starts by which `signal_lost` is out: the tracker's `quiet_after_s`,
/// its sweep period, and the reordering window.
const DETECTION_DELAY_S: f64 = 60.0 + 10.0 + 2.0;

fn analyse(name: &str) -> (Vec<Event>, Truth, Analyzer) {
    let sim = simulate_bundled(name, &Options::default()).unwrap();
    let zones = Arc::new(ZoneIndex::new(&ZoneSet::parse_spec("MEX,USA").unwrap()));
    let mut a = Analyzer::new(
        zones,
        IdentityResolver::new(None),
        AnalyzerConfig::default(),
    );
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut frames: Vec<_> = sim.frames.iter().collect();
    frames.sort_by(|x, y| x.ts.total_cmp(&y.ts));
    let (mut te, mut events) = (Vec::new(), Vec::new());
    for f in frames {
        a.source_frame(f.receiver as u16, f.ts, f.message());
        tracker.push_frame(f.ts, f.message(), &mut te);
        for e in te.drain(..) {
            a.push(&e, &mut events);
        }
    }
    tracker.finish(&mut te);
    for e in te.drain(..) {
        a.push(&e, &mut events);
    }
    (events, sim.truth, a)
}

fn dark(e: &Event) -> bool {
    matches!(
        e.kind,
        EventKind::SignalLost(_)
            | EventKind::SignalRegained(_)
            | EventKind::InferredCrossing(_)
            | EventKind::AppearedInside(_)
    )
}

#[test]
fn going_dark_sonora_every_case_against_its_truth() {
    let (events, truth, analyzer) = analyse("going-dark-sonora");
    let of = |icao: &str| -> Vec<&Event> {
        events
            .iter()
            .filter(|e| e.icao24.to_string() == icao && dark(e))
            .collect()
    };
    for e in events.iter().filter(|e| dark(e)) {
        eprintln!(
            "{} {:.1} {}",
            e.icao24,
            e.ts - truth.scenario.start,
            e.kind.type_name()
        );
    }
    let silence = |icao: &str| truth.silences.iter().find(|s| s.icao24 == icao).unwrap();

    // Transponder off from 30 nm north of the border to 30 nm inside Mexico.
    let s = silence("a0d001");
    assert_eq!(s.transmit, "none");
    let d1 = of("a0d001");
    let [lost, regained, crossings @ ..] = &d1[..] else {
        panic!("{d1:?}");
    };
    let EventKind::SignalLost(l) = &lost.kind else {
        panic!("{lost:?}")
    };
    assert_eq!(l.kind, DarkKind::Silent);
    assert!(
        l.since <= s.start && s.start - l.since < 2.0,
        "{} vs {}",
        l.since,
        s.start
    );
    assert!(
        l.noticed - s.start <= DETECTION_DELAY_S,
        "{}",
        l.noticed - s.start
    );
    assert!(l.path.iter().all(|p| p.coverage >= 0.99));
    let b = l.boundary.as_ref().unwrap();
    assert!(b.zone == "USA" || b.zone == "MEX");
    assert!((b.distance_nm - 30.0).abs() < 3.0, "{b:?}");
    let EventKind::SignalRegained(r) = &regained.kind else {
        panic!("{regained:?}")
    };
    assert!(
        r.after.ts >= s.end && r.after.ts - s.end < 5.0,
        "{} vs {}",
        r.after.ts,
        s.end
    );
    assert!((r.distance_nm - 60.0).abs() < 3.0, "{r:?}");
    let mut found: Vec<(String, Direction)> = crossings
        .iter()
        .map(|e| match &e.kind {
            EventKind::InferredCrossing(c) => {
                assert!(c.ts > r.before.ts && c.ts < r.after.ts);
                assert!(
                    (c.lat - 31.43).abs() < 0.03 && (c.lon + 111.375).abs() < 0.01,
                    "{c:?}"
                );
                (c.zone.clone(), c.direction)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        [
            ("MEX".into(), Direction::Entry),
            ("USA".into(), Direction::Exit)
        ]
    );
    // Nobody observed the crossing.
    assert!(!events.iter().any(|e| e.icao24.to_string() == "a0d001"
        && matches!(e.kind, EventKind::ZoneEntry(_) | EventKind::ZoneExit { .. })));

    // ADS-B off inside Mexico, still answering radars.
    let s = silence("a0d002");
    let d2 = of("a0d002");
    let [lost, regained] = &d2[..] else {
        panic!("{d2:?}");
    };
    let EventKind::SignalLost(l) = &lost.kind else {
        panic!("{lost:?}")
    };
    assert_eq!(l.kind, DarkKind::AdsbOff);
    assert!(l.other_frames >= 10, "{l:?}");
    assert!(s.start - l.since < 2.0 && l.noticed - s.start <= DETECTION_DELAY_S);
    assert!(l
        .boundary
        .as_ref()
        .is_some_and(|b| b.zone == "MEX" && b.inside));
    assert!(matches!(&regained.kind, EventKind::SignalRegained(r) if r.after.ts - s.end < 5.0));

    // The drone first heard 40 nm inside.
    let d6 = of("a0d006");
    let [appeared] = &d6[..] else {
        panic!("{d6:?}");
    };
    let EventKind::AppearedInside(a) = &appeared.kind else {
        panic!("{appeared:?}")
    };
    assert_eq!(a.zone, "MEX");
    assert!(a.depth_nm.is_some_and(|d| (d - 40.0).abs() < 5.0), "{a:?}");
    // Pooled over the cells around, at least 99 %; each cell's own share wanders by a percent.
    assert!(a.coverage >= 0.99 && a.around_min >= 0.95, "{a:?}");

    // Out of range, below the horizon, a take-off inside, and the traffic: nothing.
    for quiet in [
        "a0d003", "a0d004", "a0d005", "a0c001", "a0c002", "a0c003", "a0c004", "a0c005", "a0c006",
    ] {
        assert!(of(quiet).is_empty(), "{quiet}: {:?}", of(quiet));
    }
    let stats = analyzer.dark_stats();
    assert!(stats.quiet >= 3, "{stats:?}");
    assert!(analyzer.coverage().len() > 100);
}

#[test]
fn spoofed_positions_never_teach_the_coverage_model() {
    // The spoofer puts positions under a business jet's address 90 nm south of its real track
    // (inside Mexico) for 15 minutes: the tracker rejects them, and the model learns cells
    // along the real track only — none south of the border, where nothing real flew.
    let (events, truth, analyzer) = analyse("spoofer");
    assert!(!events.iter().any(dark), "{events:?}");
    let cells = analyzer.coverage().cells();
    assert!(cells.len() > 50);
    let southmost = truth
        .samples
        .iter()
        .map(|s| s.lat)
        .fold(f64::INFINITY, f64::min);
    for c in &cells {
        let (lat, _) = c.cell.south_west();
        assert!(
            lat + 0.05 >= southmost - 0.1,
            "{c:?} south of every real position ({southmost})"
        );
    }
}
