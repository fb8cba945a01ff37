use super::*;
use crate::testing::frame_position;

/// An aircraft flying east along 10.52 N at FL200, a position every `every_s` seconds, hearing
/// `per_position` frames for each.
fn fly(coverage: &mut Coverage, icao: u32, every_s: f64, per_position: u32, seconds: f64) {
    let mut frames = 0u32;
    let mut t = 0.0;
    while t <= seconds {
        frames += per_position;
        let lon = 20.1 + t * 0.0005;
        coverage.observe(&frame_position(icao, 0, t, 10.52, lon, 20_000.0, frames));
        t += every_s;
    }
}

#[test]
fn every_broadcast_heard_is_full_coverage() {
    let mut c = Coverage::new(CoverageConfig::default());
    fly(&mut c, 1, 0.5, 1, 200.0);
    let e = c.estimate(10.52, 20.12, 21_000.0).unwrap();
    assert!((e.ratio - 1.0).abs() < 1e-9, "{e:?}");
    assert!(e.expected > 100.0);
    // Another band at the same place knows nothing.
    assert!(c.estimate(10.52, 20.12, 3_000.0).is_none());
}

#[test]
fn half_the_broadcasts_is_half_coverage() {
    let mut c = Coverage::new(CoverageConfig::default());
    // A position a second, each from one frame: one of the two broadcasts arrives.
    fly(&mut c, 1, 1.0, 1, 400.0);
    let e = c.estimate(10.52, 20.12, 20_000.0).unwrap();
    assert!((e.ratio - 0.5).abs() < 1e-9, "{e:?}");
    // Pooled with the cells around (the same track): the same share.
    let around = c.estimate_around(10.52, 20.12, 20_000.0).unwrap();
    assert!((around.ratio - 0.5).abs() < 1e-9 && around.expected > e.expected);
}

#[test]
fn a_long_gap_counts_missing_frames_along_its_path() {
    let mut c = Coverage::new(CoverageConfig::default());
    let p = |t, lon, frames| frame_position(7, 0, t, 10.52, lon, 20_000.0, frames);
    c.observe(&p(0.0, 20.1, 1));
    // 100 s later, 0.5° east, one frame more: 200 broadcasts sent, one heard, spread over ten
    // pieces in the cells the path crosses.
    c.observe(&p(100.0, 20.6, 2));
    let cells = c.cells();
    let expected: f64 = cells.iter().map(|t| t.tally.expected).sum();
    let received: f64 = cells.iter().map(|t| t.tally.received).sum();
    assert!((expected - 200.0).abs() < 1e-9);
    assert!((received - 1.0).abs() < 1e-9);
    assert!(cells.len() >= 9, "{}", cells.len());
}

#[test]
fn what_is_not_counted() {
    let mut c = Coverage::new(CoverageConfig::default());
    let p = |t, frames| frame_position(7, 0, t, 10.52, 20.1, 20_000.0, frames);
    c.observe(&p(0.0, 1));
    // Longer than MAX_STEP_S: the path is not known.
    c.observe(&p(500.0, 2));
    // Across a segment break.
    let mut q = p(501.0, 3);
    q.segment = 1;
    c.observe(&q);
    // Another flight.
    let mut q = p(502.0, 4);
    q.flight_id.start = 502;
    c.observe(&q);
    // An archive row, a surface position.
    let mut q = p(503.0, 5);
    q.evidence = vigia_track::Evidence::Report(vigia_track::SourceRef::default());
    c.observe(&q);
    let mut q = p(504.0, 6);
    q.on_ground = Some(true);
    c.observe(&q);
    assert!(c.is_empty());
    assert_eq!(c.stats().steps, 0);
    assert_eq!(c.stats().skipped, 3);
}

#[test]
fn the_grid_is_bounded() {
    let mut c = Coverage::new(CoverageConfig {
        max_cells: 5,
        max_aircraft: 1,
    });
    fly(&mut c, 1, 0.5, 1, 2_000.0);
    assert_eq!(c.len(), 5);
    assert!(c.stats().cells_dropped > 0);
    // A second aircraft is not paired at all.
    c.observe(&frame_position(2, 0, 0.0, 10.0, 20.0, 1_000.0, 1));
    assert_eq!(c.stats().aircraft_dropped, 1);
}

#[test]
fn saved_tallies_merge_and_bands_have_names() {
    let mut a = Coverage::new(CoverageConfig::default());
    fly(&mut a, 1, 0.5, 1, 100.0);
    let mut b = Coverage::new(CoverageConfig::default());
    b.merge(a.cells());
    b.merge(a.cells());
    for (x, y) in a.cells().iter().zip(b.cells()) {
        assert_eq!(x.cell, y.cell);
        assert!((2.0 * x.tally.expected - y.tally.expected).abs() < 1e-9);
    }
    // Hostile tallies are ignored.
    b.merge([CellTally {
        cell: Cell::at(0.0, 0.0, 0.0).unwrap(),
        tally: Tally {
            expected: f64::NAN,
            received: 1.0,
        },
    }]);
    assert!(b.tally(Cell::at(0.0, 0.0, 0.0).unwrap()).is_none());
    assert_eq!(band(-100.0), 0);
    assert_eq!(band(18_000.0), 2);
    assert_eq!(band_name(0), "<5000");
    assert_eq!(band_name(1), "5000-15000");
    assert_eq!(band_name(3), ">=25000");
    assert!(Cell::at(91.0, 0.0, 0.0).is_none());
    assert_eq!(
        Cell::at(10.52, 200.0, 0.0).unwrap().lon,
        (-160.0f64 / CELL_DEG).floor() as i16
    );
}

#[test]
fn each_receiver_learns_its_own_share() {
    // Receiver 0 hears every broadcast, receiver 1 every other one, receiver 2 none of this
    // aircraft (but another's): 100 %, 50 % and 0 % along the track.
    let mut network = Coverage::new(CoverageConfig::default());
    let mut receivers = ReceiverCoverage::new(CoverageConfig::default());
    let frame = |address: u32| {
        let mut m = [0u8; 14];
        m[0] = 0x8d;
        m[1..4].copy_from_slice(&address.to_be_bytes()[1..]);
        m[4] = 0x58; // TC 11, an airborne position
        m
    };
    receivers.frame(2, &frame(0x999));
    let mut t = 0.0;
    let mut frames = 0;
    while t <= 300.0 {
        frames += 1;
        receivers.frame(0, &frame(1));
        if frames % 2 == 0 {
            receivers.frame(1, &frame(1));
        }
        // Not a position: not counted.
        receivers.frame(1, &[0x5d, 0, 0, 1, 0, 0, 0]);
        let p = frame_position(1, 0, t, 10.52, 20.1 + t * 0.0005, 20_000.0, frames);
        network.observe(&p);
        receivers.observe(&p);
        t += 0.5;
    }
    let share = |c: &Coverage| {
        let cells = c.cells();
        let e: f64 = cells.iter().map(|c| c.tally.expected).sum();
        let r: f64 = cells.iter().map(|c| c.tally.received).sum();
        r / e
    };
    assert_eq!(receivers.len(), 3);
    assert!((share(&network) - 1.0).abs() < 1e-9);
    assert!((share(receivers.model(0).unwrap()) - 1.0).abs() < 1e-9);
    assert!((share(receivers.model(1).unwrap()) - 0.5).abs() < 0.01);
    assert!(share(receivers.model(2).unwrap()) < 1e-9);
    assert!(receivers.model(3).is_none());
    // Too many receivers: the network model only.
    receivers.frame(ReceiverCoverage::MAX_RECEIVERS as u16, &frame(1));
    assert_eq!(receivers.len(), 3);
}
