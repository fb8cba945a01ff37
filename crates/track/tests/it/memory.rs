//! Bounded memory: the fixed state per aircraft, and the whole tracker on the corpus.

use crate::support::{corpus_frames, TOULOUSE};
use vigia_track::{Tracker, TrackerConfig};

#[test]
fn state_per_aircraft_is_under_a_kibibyte() {
    let tracker = Tracker::new(TrackerConfig::default());
    let memory = tracker.memory();
    assert!(memory.per_aircraft_bytes <= 1024, "{memory:?}");
}

#[test]
fn silent_aircraft_are_dropped() {
    let frames = corpus_frames();
    let mut tracker = Tracker::new(TrackerConfig {
        receiver: Some(TOULOUSE),
        ..TrackerConfig::default()
    });
    let mut events = Vec::new();
    let mut most = 0;
    for (ts, message) in &frames {
        tracker.push_frame(*ts, message, &mut events);
        most = most.max(tracker.aircraft());
        events.clear();
    }
    let memory = tracker.memory();
    let stats = tracker.stats();
    // Never more than 11 aircraft at once: those heard at Toulouse are dropped after 10 min
    // of silence (1 min for one never confirmed), before Schiphol's are heard.
    assert_eq!(stats.aircraft_peak, most as u64);
    assert!((10..=11).contains(&most), "{most}");
    assert!(stats.expired >= 10, "{stats:?}");
    assert!(memory.aircraft <= 11, "{memory:?}");
    // A pending position per aircraft at most (two confirmations) and the window: a few KiB.
    assert!(memory.total() < 64 * 1024, "{memory:?}");
}

#[test]
fn a_spoofer_inventing_addresses_cannot_grow_the_table() {
    // 200 000 distinct addresses in 20 s, each heard once (a flood of spoofed positions),
    // interleaved with a real aircraft heard throughout: the table stays at the limit, the
    // unconfirmed are evicted first, the real aircraft keeps its track.
    use crate::support::position_frame;
    use vigia_modes::cpr::CprFormat;
    use vigia_modes::IcaoAddress;
    let config = TrackerConfig {
        max_aircraft: 10_000,
        ..TrackerConfig::default()
    };
    let mut tracker = Tracker::new(config);
    let mut events = Vec::new();
    let real = IcaoAddress::new(0x3c6444);
    let mut trusted_real = 0;
    for k in 0..200_000u32 {
        let ts = f64::from(k) * 1e-4;
        let spoofed = IcaoAddress::new(0x100000 + k);
        let frame = position_frame(
            spoofed,
            30.0 + f64::from(k % 100) * 0.01,
            -105.0,
            30_000,
            CprFormat::Even,
        );
        tracker.push_frame(ts, &frame, &mut events);
        if k % 500 == 0 {
            let format = if (k / 500) % 2 == 0 {
                CprFormat::Even
            } else {
                CprFormat::Odd
            };
            let lat = 29.0 + ts * 1e-3;
            tracker.push_frame(
                ts,
                &position_frame(real, lat, -104.0, 31_000, format),
                &mut events,
            );
        }
        trusted_real += events
            .iter()
            .filter(|e| matches!(e, vigia_track::TrackEvent::Position(p) if p.icao24 == real))
            .count();
        events.clear();
        assert!(tracker.aircraft() <= 10_000);
    }
    let stats = tracker.stats();
    // (The last 2 s of records are still in the reordering window.)
    assert!(stats.evicted >= 150_000, "{stats:?}");
    assert!(
        trusted_real > 300,
        "the real aircraft is still tracked: {trusted_real}"
    );
    let memory = tracker.memory();
    assert!(memory.total() < 16 << 20, "{memory:?}");
}

#[test]
fn time_passing_without_records_ends_flights() {
    // A live feed that falls silent: the tracker's clock moved only with data, so flights
    // never ended and never came out. `tick` lets wall time pass.
    use crate::support::position_frame;
    use vigia_modes::cpr::CprFormat;
    use vigia_modes::IcaoAddress;
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut events = Vec::new();
    let a = IcaoAddress::new(0x3c6444);
    for k in 0..20 {
        let format = if k % 2 == 0 {
            CprFormat::Even
        } else {
            CprFormat::Odd
        };
        let ts = 1000.0 + f64::from(k) * 0.5;
        let lat = 45.0 + f64::from(k) * 1e-4;
        tracker.push_frame(
            ts,
            &position_frame(a, lat, 7.0, 30_000, format),
            &mut events,
        );
    }
    let ended = |events: &[vigia_track::TrackEvent]| {
        events
            .iter()
            .filter(|e| matches!(e, vigia_track::TrackEvent::FlightEnded(_)))
            .count()
    };
    tracker.tick(1_100.0, &mut events);
    assert_eq!(ended(&events), 0, "ten minutes have not passed");
    assert!(events
        .iter()
        .any(|e| matches!(e, vigia_track::TrackEvent::Position(_))));
    tracker.tick(1_700.0, &mut events);
    assert_eq!(ended(&events), 1, "the silent aircraft's flight ends");
    assert_eq!(tracker.aircraft(), 0);
}

#[test]
fn a_huge_snapshot_at_one_instant_is_bounded_by_the_window_and_the_table() {
    // One aircraft.json-like snapshot of 300 000 aircraft all stamped the same second (a
    // 250 MB readsb document): the reordering window held every record until the end of input,
    // and reports did not respect `max_aircraft`. Both are bounded now.
    use vigia_modes::{IcaoAddress, StateVector};
    use vigia_track::SourceRef;
    use vigia_track::MAX_WINDOW_RECORDS;
    let mut tracker = Tracker::new(TrackerConfig {
        max_aircraft: 10_000,
        ..TrackerConfig::default()
    });
    let mut events = Vec::new();
    for k in 0..300_000u32 {
        let mut state = StateVector::new(IcaoAddress::new(0x100000 + k));
        state.ts = Some(1_738_703_700.0);
        state.latitude = Some(20.0 + f64::from(k % 1000) * 1e-3);
        state.longitude = Some(-100.0);
        tracker.push_state(&state, SourceRef::default(), &mut events);
        events.clear();
        assert!(tracker.aircraft() <= 10_000);
    }
    let stats = tracker.stats();
    assert!(
        stats.window_peak <= MAX_WINDOW_RECORDS as u64 + 1,
        "{stats:?}"
    );
    assert!(stats.window_full >= 100_000, "{stats:?}");
    assert!(stats.evicted >= 90_000, "{stats:?}");
    assert!(
        tracker.memory().total() < 96 << 20,
        "{:?}",
        tracker.memory()
    );
}
