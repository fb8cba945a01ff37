//! The truth of each bundled scenario says what the scenario claims, and reads back.

use vigia_sim::truth::{EventDirection, Pattern, Truth};
use vigia_sim::{Content, FrameFault};

fn events<'a>(truth: &'a Truth, zone: &str) -> Vec<&'a vigia_sim::truth::ZoneEvent> {
    truth
        .zone_events
        .iter()
        .filter(|e| e.zone == zone)
        .collect()
}

#[test]
fn p8_clips_the_territorial_sea_for_about_two_minutes() {
    let truth = &crate::bundled("p8-baja-clip").truth;
    let mex = events(truth, "MEX");
    assert_eq!(mex.len(), 2, "{mex:?}");
    assert_eq!(mex[0].direction, EventDirection::Entry);
    assert_eq!(mex[1].direction, EventDirection::Exit);
    let inside_s = mex[1].ts - mex[0].ts;
    assert!((90.0..=150.0).contains(&inside_s), "{inside_s} s inside");
    // Off Baja California, around Isla San Martín.
    for e in &mex {
        assert!(
            (30.2..30.6).contains(&e.lat) && (-116.5..-116.1).contains(&e.lon),
            "{e:?}"
        );
    }
    assert!(events(truth, "USA").is_empty());
    assert!(
        truth.aircraft[0].zones_at_start.is_empty() && truth.aircraft[0].zones_at_end.is_empty()
    );
}

#[test]
fn rc135_comes_within_a_few_miles_but_never_enters() {
    let truth = &crate::bundled("rc135-gulf").truth;
    assert!(truth.zone_events.is_empty(), "{:?}", truth.zone_events);
    let approach = truth
        .closest_approaches
        .iter()
        .find(|c| c.zone == "MEX")
        .expect("closest approach to MEX");
    assert!((3.0..=8.0).contains(&approach.distance_nm), "{approach:?}");
    let index = crate::zones();
    let mex = index.id("MEX").unwrap();
    assert!(truth
        .samples
        .iter()
        .all(|s| !index.contains(mex, s.lat, s.lon)));
    let racetracks: Vec<_> = truth
        .maneuvers
        .iter()
        .filter(|m| matches!(m.pattern, Pattern::Racetrack { laps: 4, .. }))
        .collect();
    assert_eq!(racetracks.len(), 1);
    // Four laps of 2 × 66 nm + two half circles of 6 nm at 380 kt: about 1 h 55 min.
    let hours = (racetracks[0].end - racetracks[0].start) / 3600.0;
    assert!((1.8..2.3).contains(&hours), "{hours}");
}

#[test]
fn mq9_orbits_for_hours_entirely_inside_mexico() {
    let truth = &crate::bundled("mq9-orbit-sonora").truth;
    assert!(truth.zone_events.is_empty(), "{:?}", truth.zone_events);
    let a = &truth.aircraft[0];
    assert_eq!(
        (a.zones_at_start.as_slice(), a.zones_at_end.as_slice()),
        (&["MEX".to_string()][..], &["MEX".to_string()][..])
    );
    assert!(a.last_seen - a.first_seen > 3.5 * 3600.0);
    let index = crate::zones();
    let mex = index.id("MEX").unwrap();
    assert!(truth
        .samples
        .iter()
        .all(|s| index.contains(mex, s.lat, s.lon)));
    let orbits: Vec<_> = truth
        .maneuvers
        .iter()
        .filter_map(|m| match m.pattern {
            Pattern::Orbit {
                centre, radius_nm, ..
            } => Some((m, centre, radius_nm)),
            _ => None,
        })
        .collect();
    assert_eq!(orbits.len(), 2);
    // Once settled, the flown orbit is the planned circle to within half a mile.
    let (m, centre, radius) = orbits[0];
    let centre = vigia_sim::geo::Point::new(centre[0], centre[1]);
    for s in truth
        .samples
        .iter()
        .filter(|s| s.ts > m.start + 900.0 && s.ts < m.end)
    {
        let r =
            vigia_sim::geo::distance_m(centre, vigia_sim::geo::Point::new(s.lat, s.lon)) / 1852.0;
        assert!((r - radius).abs() < 0.5, "{r} nm at {}", s.ts);
    }
    assert!(m.end - m.start > 2.0 * 3600.0);
}

#[test]
fn border_airliners_each_cross_between_mexico_and_the_united_states() {
    let sim = crate::bundled("border-airliners");
    let truth = &sim.truth;
    let expected = [
        ("0d0a5c", EventDirection::Exit),  // AMX into San Diego: leaves MEX
        ("a4f2b1", EventDirection::Entry), // AAL to Mexico City
        ("a2c3d4", EventDirection::Entry), // AAL El Paso departure
        ("0d09a1", EventDirection::Entry), // VIV into Juárez
    ];
    for (icao, direction) in expected {
        let mine = truth.events_of(icao);
        let mex: Vec<_> = mine.iter().filter(|e| e.zone == "MEX").collect();
        let usa: Vec<_> = mine.iter().filter(|e| e.zone == "USA").collect();
        assert_eq!((mex.len(), usa.len()), (1, 1), "{icao}: {mine:?}");
        assert_eq!(mex[0].direction, direction, "{icao}");
        assert_ne!(
            usa[0].direction, direction,
            "{icao}: into one, out of the other"
        );
        // The two countries share the boundary: both events at the same moment.
        assert!((mex[0].ts - usa[0].ts).abs() < 1.0, "{icao}");
    }
    // The El Paso departure starts on the ground and is heard as surface positions.
    let surface = sim
        .frames
        .iter()
        .filter(|f| matches!(f.content, Content::SurfacePosition { .. }))
        .count();
    assert!(surface > 50, "{surface}");
    assert!(truth.samples.iter().any(|s| s.on_ground));
}

#[test]
fn the_spoofer_jumps_into_mexico_but_the_true_track_never_does() {
    let sim = crate::bundled("spoofer");
    let truth = &sim.truth;
    assert!(events(truth, "MEX").is_empty(), "{:?}", truth.zone_events);
    let index = crate::zones();
    let mex = index.id("MEX").unwrap();
    // Every spoofed or displaced position frame puts the aircraft inside Mexico.
    let mut spoofed = 0;
    for f in &sim.frames {
        if let (
            Some(FrameFault::Spoofed | FrameFault::Displaced),
            Content::AirbornePosition { at, .. },
        ) = (f.fault, f.content)
        {
            assert!(index.contains(mex, at.lat, at.lon), "{at:?}");
            spoofed += 1;
        }
    }
    let by_kind = |kind: &str| truth.faults.iter().find(|f| f.kind == kind).unwrap().frames;
    assert_eq!(spoofed, by_kind("spoof") + by_kind("displaced_position"));
    assert!(by_kind("spoof") > 2000, "two receivers, 15 minutes at 2/s");
    assert!(by_kind("displaced_position") >= 1);
    assert!(by_kind("garbage") > 1000);
    // Two receivers: most frames are heard twice.
    let receivers = &truth.scenario.receivers;
    assert_eq!(receivers.len(), 2);
    assert!(receivers.iter().all(|r| r.frames > 10_000));
}

#[test]
fn crossing_times_lie_between_samples_on_either_side() {
    let truth = &crate::bundled("border-airliners").truth;
    let index = crate::zones();
    for e in &truth.zone_events {
        let zone = index.id(&e.zone).unwrap();
        let icao = u32::from_str_radix(&e.icao24, 16).unwrap();
        let track: Vec<_> = truth.samples.iter().filter(|s| s.icao24 == icao).collect();
        let after = track.iter().position(|s| s.ts > e.ts).unwrap();
        let (a, b) = (track[after - 1], track[after]);
        let inside = |s: &vigia_sim::truth::Sample| index.contains(zone, s.lat, s.lon);
        assert_eq!(inside(a), e.direction == EventDirection::Exit, "{e:?}");
        assert_eq!(inside(b), e.direction == EventDirection::Entry, "{e:?}");
    }
}

#[test]
fn truth_reads_back_from_json_lines() {
    let truth = &crate::bundled("p8-baja-clip").truth;
    let mut text = Vec::new();
    truth.write_jsonl(&mut text).unwrap();
    let first = String::from_utf8_lossy(&text[..text.iter().position(|&b| b == b'\n').unwrap()])
        .to_string();
    assert!(
        first.starts_with(r#"{"type":"scenario","name":"p8-baja-clip""#),
        "{first}"
    );
    let back = Truth::read_jsonl(std::io::Cursor::new(text)).unwrap();
    // serde_json parses floats to within an ulp or so, not always exactly.
    assert_eq!(back.scenario.name, truth.scenario.name);
    assert_eq!(back.aircraft, truth.aircraft);
    assert_eq!(back.samples.len(), truth.samples.len());
    for (a, b) in back.samples.iter().zip(&truth.samples) {
        assert_eq!((a.icao24, a.on_ground), (b.icao24, b.on_ground));
        assert!(
            (a.ts - b.ts).abs() < 1e-6
                && (a.lat - b.lat).abs() < 1e-12
                && (a.lon - b.lon).abs() < 1e-12
        );
    }
    assert_eq!(back.zone_events.len(), truth.zone_events.len());
    for (a, b) in back.zone_events.iter().zip(&truth.zone_events) {
        assert_eq!(
            (&a.icao24, &a.zone, a.direction),
            (&b.icao24, &b.zone, b.direction)
        );
        assert!((a.ts - b.ts).abs() < 1e-6);
    }
}
