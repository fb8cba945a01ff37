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
    // of silence, before Schiphol's are heard.
    assert_eq!(stats.aircraft_peak, most as u64);
    assert_eq!(most, 11);
    assert_eq!(stats.expired, 10);
    assert!(memory.aircraft <= 11, "{memory:?}");
    // A pending position per aircraft at most (two confirmations) and the window: a few KiB.
    assert!(memory.total() < 64 * 1024, "{memory:?}");
}
