use super::*;
use crate::coverage::CoverageConfig;
use crate::testing::{frame_position, sovereign_box};
use vigia_modes::IcaoAddress;

const SPEED_DEG_S: f64 = 0.00025;

/// Traffic that teaches the model full coverage at FL200 over three rows of cells along
/// 10.5 N, from 19.6 E to 20.6 E.
fn learned() -> Coverage {
    let mut c = Coverage::new(CoverageConfig::default());
    for (i, lat) in [10.475, 10.525, 10.575].into_iter().enumerate() {
        let mut frames = 0;
        let mut t = 0.0;
        while t <= 4_000.0 {
            frames += 1;
            c.observe(&frame_position(
                0x100 + i as u32,
                0,
                t,
                lat,
                19.6 + t * SPEED_DEG_S,
                20_000.0,
                frames,
            ));
            t += 0.5;
        }
    }
    c
}

fn moving(icao: u32, t: f64, lat: f64, lon: f64, frames: u32) -> vigia_track::TrustedPosition {
    let mut p = frame_position(icao, 0, t, lat, lon, 20_000.0, frames);
    p.groundspeed_kt = Some(SPEED_DEG_S * 60.0 * (10.5f64).to_radians().cos() * 3600.0);
    p.track_deg = Some(90.0);
    p
}

/// The target flies east along 10.525 N from 19.75 E for 200 s, every broadcast heard
/// (`per_position` frames a position every half second... or one a second).
fn target(
    watch: &mut DarkWatch,
    zones: &ZoneIndex,
    c: &Coverage,
    every_s: f64,
    out: &mut Vec<Finding>,
) -> f64 {
    let mut t = 0.0;
    let mut frames = 0;
    while t <= 200.0 {
        frames += 1;
        watch.source_heard(0, t);
        watch.position(
            &moving(0xabc, t, 10.525, 19.75 + t * SPEED_DEG_S, frames),
            zones,
            c,
            out,
        );
        t += every_s;
    }
    t - every_s
}

fn quiet(since: f64, now: f64, other: u32) -> Quiet {
    let icao24 = IcaoAddress::new(0xabc);
    Quiet {
        icao24,
        flight_id: vigia_track::FlightId { icao24, start: 0 },
        since,
        now,
        position_frames: 0,
        other_frames: other,
        last_heard: since,
    }
}

#[test]
fn silence_in_good_coverage_is_lost_then_regained_across_a_border() {
    let (zones, c) = (sovereign_box(), learned());
    let mut w = DarkWatch::new(DarkConfig::default());
    let mut out = Vec::new();
    let last = target(&mut w, &zones, &c, 0.5, &mut out);
    assert!(out.is_empty(), "{out:?}");
    // The receiver keeps delivering frames of other aircraft.
    for t in 201..=260 {
        w.source_heard(0, f64::from(t));
    }
    w.quiet(&quiet(last, last + 60.0, 0), &zones, &c, &mut out);
    let [Finding::Lost(lost)] = &out[..] else {
        panic!("{out:?}");
    };
    assert_eq!(lost.kind, DarkKind::Silent);
    assert!(lost.reliability > 0.99);
    assert!(lost.path.len() >= 7 && lost.path.iter().all(|p| p.coverage > 0.99));
    assert!(
        lost.path.last().unwrap().lon > lost.path[0].lon,
        "dead reckoning east"
    );
    let b = lost.boundary.as_ref().unwrap();
    assert!(!b.inside && b.zone == "BOX");
    assert!(
        (b.distance_nm - 0.2 * 60.0 * 10.5f64.to_radians().cos()).abs() < 1.0,
        "{b:?}"
    );
    assert!(lost.last.len() <= 4 && lost.last.last().unwrap().ts == last);
    // Reported once.
    out.clear();
    w.quiet(&quiet(last, last + 70.0, 0), &zones, &c, &mut out);
    assert!(out.is_empty());
    // Heard again 20 minutes later, inside BOX: regained, and an inferred entry.
    let p = moving(0xabc, last + 1_200.0, 10.525, 20.3, 500);
    w.position(&p, &zones, &c, &mut out);
    let [Finding::Regained(r), Finding::Crossing(x)] = &out[..] else {
        panic!("{out:?}");
    };
    assert!((r.gap_s - 1_200.0).abs() < 1e-9);
    assert!(r.distance_nm > 25.0 && r.implied_speed_kt < 100.0);
    assert_eq!(x.zone, "BOX");
    assert_eq!(x.direction, Direction::Entry);
    assert!((x.lon - 20.0).abs() < 1e-3);
    assert!(x.ts > r.before.ts && x.ts < r.after.ts);
}

#[test]
fn replies_still_heard_make_it_adsb_off() {
    let (zones, c) = (sovereign_box(), learned());
    let mut w = DarkWatch::new(DarkConfig::default());
    let mut out = Vec::new();
    let last = target(&mut w, &zones, &c, 0.5, &mut out);
    for t in 201..=260 {
        w.source_heard(0, f64::from(t));
    }
    w.quiet(&quiet(last, last + 60.0, 12), &zones, &c, &mut out);
    assert!(matches!(&out[..], [Finding::Lost(l)] if l.kind == DarkKind::AdsbOff));
}

#[test]
fn a_receiver_outage_is_not_the_aircraft_going_dark() {
    let (zones, c) = (sovereign_box(), learned());
    let mut w = DarkWatch::new(DarkConfig::default());
    let mut out = Vec::new();
    let last = target(&mut w, &zones, &c, 0.5, &mut out);
    // Nothing from the receiver for 40 s, then frames again.
    w.source_heard(0, last + 40.0);
    w.quiet(&quiet(last, last + 60.0, 0), &zones, &c, &mut out);
    assert!(out.is_empty());
    assert_eq!(w.stats().receiver_outages, 1);
    // Still silent now (nothing since the gap began): an outage too.
    let mut w = DarkWatch::new(DarkConfig::default());
    let last = target(&mut w, &zones, &c, 0.5, &mut out);
    w.quiet(&quiet(last, last + 60.0, 0), &zones, &c, &mut out);
    assert!(out.is_empty());
    assert_eq!(w.stats().receiver_outages, 1);
}

#[test]
fn no_event_without_reliable_reception_or_coverage() {
    let zones = sovereign_box();
    // Half the broadcasts heard in the minute before: not reliable.
    let c = learned();
    let mut w = DarkWatch::new(DarkConfig::default());
    let mut out = Vec::new();
    let last = target(&mut w, &zones, &c, 1.0, &mut out);
    for t in 201..=260 {
        w.source_heard(0, f64::from(t));
    }
    w.quiet(&quiet(last, last + 60.0, 0), &zones, &c, &mut out);
    assert!(out.is_empty());
    assert_eq!(w.stats().unreliable, 1);
    // No coverage known there.
    let empty = Coverage::new(CoverageConfig::default());
    let mut w = DarkWatch::new(DarkConfig::default());
    let last = target(&mut w, &zones, &empty, 0.5, &mut out);
    for t in 201..=260 {
        w.source_heard(0, f64::from(t));
    }
    w.quiet(&quiet(last, last + 60.0, 0), &zones, &empty, &mut out);
    assert!(out.is_empty());
    assert_eq!(w.stats().poor_coverage, 1);
}

#[test]
fn appearing_inside_well_covered_airspace() {
    let (zones, c) = (sovereign_box(), learned());
    let mut w = DarkWatch::new(DarkConfig::default());
    let mut out = Vec::new();
    w.position(&moving(0xdef, 10.0, 10.525, 20.3, 1), &zones, &c, &mut out);
    let [Finding::Appeared(a)] = &out[..] else {
        panic!("{out:?}");
    };
    assert_eq!(a.zone, "BOX");
    assert!(a.coverage > 0.99 && a.around_min > 0.99);
    assert!((a.depth_nm.unwrap() - 0.3 * 60.0 * 10.5f64.to_radians().cos()).abs() < 1.0);
    // Its next positions are not new appearances.
    out.clear();
    w.position(
        &moving(0xdef, 10.5, 10.525, 20.3001, 2),
        &zones,
        &c,
        &mut out,
    );
    assert!(out.is_empty());
    // At the coverage edge (the row north is not covered), outside BOX, climbing out below
    // 12 000 ft, on the ground: nothing.
    w.position(&moving(0x1, 10.0, 10.575, 20.3, 1), &zones, &c, &mut out);
    w.position(&moving(0x2, 10.0, 10.525, 19.9, 1), &zones, &c, &mut out);
    let mut climbing = moving(0x3, 10.0, 10.525, 20.3, 1);
    climbing.altitude_ft = Some(11_000.0);
    climbing.vertical_rate_fpm = Some(2_000.0);
    w.position(&climbing, &zones, &c, &mut out);
    let mut ground = moving(0x4, 10.0, 10.525, 20.3, 1);
    ground.on_ground = Some(true);
    w.position(&ground, &zones, &c, &mut out);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn the_watch_is_bounded() {
    let (zones, c) = (sovereign_box(), Coverage::default());
    let mut w = DarkWatch::new(DarkConfig {
        max_aircraft: 100,
        ..DarkConfig::default()
    });
    let mut out = Vec::new();
    for i in 0..1_000u32 {
        w.position(
            &moving(i + 1, f64::from(i), 10.0, 19.0, 1),
            &zones,
            &c,
            &mut out,
        );
    }
    assert!(w.watches.len() <= 100);
    assert!(w.stats().dropped >= 900);
}
