//! The real frame corpus: KLM1302 (486257) from the gate at Toulouse to the gate at Schiphol,
//! with the ground traffic heard at both airports.

use crate::support::{
    by_aircraft, corpus_frames, flights, rejected, track_frames, trusted, TOULOUSE,
};
use vigia_modes::cpr::{self, CprFormat};
use vigia_modes::{decode, IcaoAddress};
use vigia_track::{
    Evidence, FlightEnd, LocalReference, RejectKind, TrackerConfig, TrustedPosition,
};

fn with_receiver() -> TrackerConfig {
    TrackerConfig {
        receiver: Some(TOULOUSE),
        ..TrackerConfig::default()
    }
}

const KLM1302: IcaoAddress = IcaoAddress::new(0x486257);

#[test]
fn one_flight_gate_to_gate() {
    let events = track_frames(&corpus_frames(), with_receiver());
    let flights = flights(&events);
    let klm: Vec<_> = flights.iter().filter(|f| f.id.icao24 == KLM1302).collect();
    assert_eq!(klm.len(), 1);
    let f = klm[0];
    assert_eq!(f.id.to_string(), "486257-1698141708");
    assert_eq!(f.callsigns.len(), 1);
    assert_eq!(f.callsigns[0].as_str(), "KLM1302");
    assert_eq!(f.points, 12_200);
    assert_eq!(f.rejected, 0);
    assert_eq!(f.end, FlightEnd::EndOfInput);
    // From the apron at Toulouse-Blagnac to the apron at Schiphol (taxiing at both ends).
    assert!((43.62..43.63).contains(&f.bbox.min_lat), "{:?}", f.bbox);
    assert!((52.3..52.6).contains(&f.bbox.max_lat), "{:?}", f.bbox);
    let positions: Vec<&TrustedPosition> =
        trusted(&events).filter(|p| p.icao24 == KLM1302).collect();
    let first = positions[0];
    let last = positions[positions.len() - 1];
    assert_eq!(first.on_ground, Some(true));
    assert_eq!(last.on_ground, Some(true));
    assert!((first.lat - 43.63).abs() < 0.02 && (first.lon - 1.37).abs() < 0.02);
    assert!((last.lat - 52.3).abs() < 0.05 && (last.lon - 4.76).abs() < 0.05);
    // Two flights took off or landed while heard: KLM1302, and CCM320N landing at Toulouse;
    // the others are ground movements at the two airports.
    let airborne: Vec<String> = flights
        .iter()
        .filter(|f| f.airborne)
        .map(|f| f.callsigns[0].to_string())
        .collect();
    assert_eq!(airborne, vec!["CCM320N", "KLM1302"]);
    assert_eq!(flights.len(), 13);
}

#[test]
fn without_a_receiver_the_flight_starts_at_take_off() {
    let events = track_frames(&corpus_frames(), TrackerConfig::default());
    let flights = flights(&events);
    // Surface positions need a reference: before the first airborne pair there is none, so
    // the taxi out is not placed; the taxi in is placed against the aircraft's own track.
    assert_eq!(flights.len(), 2);
    let f = flights.iter().find(|f| f.id.icao24 == KLM1302).unwrap();
    assert_eq!(f.id.to_string(), "486257-1698142245");
    assert!(f.bbox.max_lat > 52.3);
    let last = trusted(&events)
        .filter(|p| p.icao24 == KLM1302)
        .last()
        .unwrap();
    assert_eq!(last.on_ground, Some(true));
    assert_eq!(rejected(&events).count(), 0);
}

#[test]
fn every_trusted_position_comes_from_frames_of_its_aircraft() {
    let events = track_frames(&corpus_frames(), with_receiver());
    let mut by_method = [0usize; 3];
    for p in trusted(&events) {
        let frames: Vec<_> = p.evidence.frames().collect();
        assert!(!frames.is_empty());
        for frame in &frames {
            assert_eq!(decode(frame.message()).unwrap().address, p.icao24);
            assert!(frame.ts <= p.ts);
        }
        assert_eq!(frames[0].ts, p.ts);
        let cpr_of = |bytes: &[u8]| match decode(bytes).unwrap().me() {
            Some(vigia_modes::adsb::Me::AirbornePosition(a)) => a.cpr,
            Some(vigia_modes::adsb::Me::SurfacePosition(s)) => s.cpr,
            other => panic!("{other:?}"),
        };
        match p.evidence {
            Evidence::CprPair { newest, partner } => {
                by_method[0] += 1;
                let (a, b) = (cpr_of(newest.message()), cpr_of(partner.message()));
                assert_ne!(a.format, b.format);
                if p.on_ground == Some(false) {
                    let (even, odd) = if a.format == CprFormat::Even {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    let again = cpr::airborne_global(even, odd, a.format).unwrap();
                    assert!((again.lat - p.lat).abs() < 1e-9 && (again.lon - p.lon).abs() < 1e-9);
                }
            }
            Evidence::CprLocal {
                reference: LocalReference::Aircraft { ts },
                ..
            } => {
                by_method[1] += 1;
                assert!(ts < p.ts && p.ts - ts <= 300.0);
            }
            Evidence::CprLocal {
                reference: LocalReference::Receiver,
                ..
            } => by_method[2] += 1,
            Evidence::Report(_) | Evidence::Mlat(_) => {
                panic!("frames of one receiver in, CPR positions out")
            }
        }
    }
    // Global pairs carry most positions.
    assert!(
        by_method[0] > 10 * (by_method[1] + by_method[2]),
        "{by_method:?}"
    );
}

#[test]
fn rejections_on_the_corpus_are_unconfirmed_first_frames() {
    // With a receiver at Toulouse, single frames of Schiphol's ground traffic decode next to
    // Toulouse: they never confirm a track, and global pairs put those aircraft where they are.
    let events = track_frames(&corpus_frames(), with_receiver());
    let kinds: Vec<_> = rejected(&events).map(|r| r.reason.kind()).collect();
    assert_eq!(kinds.len(), 28);
    assert!(kinds.iter().all(|k| *k == RejectKind::Unconfirmed));
    for (icao24, events) in by_aircraft(&events) {
        for p in trusted(&events) {
            if p.ts > 1_698_147_000.0 && icao24.to_string().starts_with("48") {
                // Everything trusted at the end of the corpus is at Schiphol (or flying to it).
                assert!(p.lat > 50.0, "{icao24} {p:?}");
            }
        }
    }
}

#[test]
fn a_second_tracker_continues_the_flight_the_first_had_open() {
    // A worker that takes over a partition of the frame bus continues the flights the dead
    // one had open: the flight keeps its id across the cut, and only within the flight gap.
    let frames = corpus_frames();
    let cut = frames.len() / 2;
    let first = track_frames(&frames[..cut], with_receiver());
    let open = trusted(&first)
        .filter(|p| p.icao24 == KLM1302)
        .last()
        .map(|p| (p.flight_id, p.ts))
        .unwrap();
    assert_eq!(open.0.to_string(), "486257-1698141708");
    let second = |end_ts: f64| {
        let mut tracker = vigia_track::Tracker::new(with_receiver());
        tracker.resume_flight(open.0, end_ts);
        let mut events = Vec::new();
        for (ts, message) in &frames[cut..] {
            tracker.push_frame(*ts, message, &mut events);
        }
        tracker.finish(&mut events);
        flights(&events)
            .into_iter()
            .filter(|f| f.id.icao24 == KLM1302)
            .map(|f| f.id.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(second(open.1), ["486257-1698141708"]);
    // Last seen longer ago than the flight gap (30 min): a flight of its own.
    let own = second(open.1 - 3600.0);
    assert_eq!(own.len(), 1);
    assert_ne!(own[0], "486257-1698141708");
}
