//! The live service's orbit alerts: with `live_orbits`, the MQ-9 scenario's orbit is reported
//! while it is flown — long before the flight ends — and once only.

use std::sync::Arc;

use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig, EventKind};
use vigia_sim::{simulate_bundled, Options};
use vigia_track::{Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

#[test]
fn an_orbit_is_reported_while_it_is_flown() {
    let sim = simulate_bundled("mq9-orbit-sonora", &Options::default()).unwrap();
    let zones = Arc::new(ZoneIndex::new(&ZoneSet::parse_spec("MEX").unwrap()));
    let config = AnalyzerConfig {
        live_orbits: true,
        ..AnalyzerConfig::default()
    };
    let mut analyzer = Analyzer::new(zones, IdentityResolver::new(None), config);
    let mut tracker = Tracker::new(TrackerConfig::default());
    let (mut te, mut events) = (Vec::new(), Vec::new());
    let mut first_orbit_at: Option<f64> = None;
    for f in &sim.frames {
        tracker.push_frame(f.ts, f.message(), &mut te);
        for e in te.drain(..) {
            analyzer.push(&e, &mut events);
        }
        if first_orbit_at.is_none() && events.iter().any(|e| matches!(e.kind, EventKind::Orbit(_)))
        {
            first_orbit_at = Some(f.ts);
        }
    }
    tracker.finish(&mut te);
    for e in te.drain(..) {
        analyzer.push(&e, &mut events);
    }
    let start = sim.frames[0].ts;
    let end = sim.frames.last().unwrap().ts;
    let reported = first_orbit_at.expect("an orbit reported live");
    // The first station's orbit starts at +961 s; it qualifies after 20 min of turning and is
    // reported within one check period (120 s) after that — hours before the flight ends.
    assert!(
        reported - start < 961.0 + 1200.0 + 600.0,
        "reported at +{:.0} s",
        reported - start
    );
    assert!(end - reported > 3600.0);
    let orbits = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Orbit(_)))
        .count();
    assert_eq!(
        orbits, 2,
        "one report per station, none repeated at the flight's end"
    );
}
