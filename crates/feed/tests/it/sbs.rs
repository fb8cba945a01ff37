//! SBS framing of `trace_ac671b.sbs`, the real readsb trace rewritten as BaseStation lines.

use crate::common::{assert_split_invariant, fixture, partition};
use vigia_feed::framer::{frame_all, ReadsbTraceFramer, SbsFramer};
use vigia_feed::{FrameError, Location, StateVector};

fn states() -> Vec<StateVector> {
    let (states, errors) = partition(frame_all(SbsFramer::new(), &fixture("trace_ac671b.sbs")));
    assert!(errors.is_empty(), "{errors:?}");
    states
}

#[test]
fn sbs_file_has_726_msg_records() {
    // 300 MSG,3 + 287 MSG,4 + 71 MSG,6 + 68 MSG,1 (`cut -d, -f1,2 | sort | uniq -c`); the SEL and
    // STA records are skipped without error.
    let states = states();
    assert_eq!(states.len(), 726);
    assert_eq!(states.iter().filter(|s| s.latitude.is_some()).count(), 300);
    assert_eq!(
        states.iter().filter(|s| s.groundspeed_kt.is_some()).count(),
        287
    );
    assert_eq!(states.iter().filter(|s| s.squawk.is_some()).count(), 71);
    assert_eq!(states.iter().filter(|s| s.callsign.is_some()).count(), 68);
    assert!(states.iter().all(|s| s.icao24.to_string() == "ac671b"));
    assert_eq!(states[0].callsign, None);
    let first_callsign = states.iter().find_map(|s| s.callsign).unwrap();
    assert_eq!(first_callsign.as_str(), "DAL1812");
    assert_eq!(states.iter().find_map(|s| s.squawk), Some(0o4637));
}

#[test]
fn sbs_positions_equal_the_trace_they_came_from() {
    let trace: Vec<StateVector> =
        frame_all(ReadsbTraceFramer::new(), &fixture("trace_full_ac671b.json"))
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
    let positions: Vec<StateVector> = states()
        .into_iter()
        .filter(|s| s.latitude.is_some())
        .collect();
    for (sbs, point) in positions.iter().zip(&trace) {
        assert_eq!(
            (sbs.latitude, sbs.longitude),
            (point.latitude, point.longitude)
        );
        assert_eq!(sbs.altitude_ft, point.altitude_ft);
        assert_eq!(
            sbs.on_ground.unwrap_or(false),
            point.on_ground.unwrap_or(false)
        );
        // SBS keeps milliseconds
        assert!(
            (sbs.ts.unwrap() - point.ts.unwrap()).abs() < 1e-3,
            "{sbs:?} {point:?}"
        );
    }
}

#[test]
fn sbs_split_anywhere_equals_unsplit() {
    let input = fixture("trace_ac671b.sbs");
    let splits = (0..6000).chain((6000..=input.len()).step_by(11));
    assert_eq!(
        assert_split_invariant(SbsFramer::new, &input, splits).len(),
        726
    );
}

#[test]
fn bad_sbs_lines_are_counted_and_skipped() {
    let text = String::from_utf8(fixture("trace_ac671b.sbs")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[0].starts_with("MSG,3,"));
    lines[0] = lines[0].replace("AC671B", "AC67"); // short hex ident
    lines[2] = lines[2].replace("2025/02/04", "2025/02/31"); // no such date
    lines[4] = lines[4].replace("16.", "160."); // latitude out of range
    lines[5] = "MSG,3,1,1,AC671B".into();
    lines[6] = "garbage".into();
    let input = lines.join("\r\n");
    let items = assert_split_invariant(SbsFramer::new, input.as_bytes(), (0..2000).step_by(3));
    let (states, errors) = partition(items);
    let line = Location::Line;
    assert_eq!(
        errors,
        vec![
            FrameError::BadField {
                at: line(1),
                field: "hex ident"
            },
            FrameError::BadTimestamp { at: line(3) },
            FrameError::MissingFields {
                at: line(6),
                found: 5,
                expected: 10
            },
            FrameError::Unrecognised { at: line(7) },
        ]
    );
    // The out-of-range latitude drops the position, not the record.
    assert_eq!(states.len(), 726 - 4);
    let dropped: Vec<_> = states.iter().filter(|s| !s.dropped.is_empty()).collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!((dropped[0].latitude, dropped[0].longitude), (None, None));
    assert_eq!(dropped[0].dropped.iter().collect::<Vec<_>>(), ["latitude"]);
}
