//! Property tests: CPR encode → decode round trips everywhere on the globe (poles, the
//! antimeridian, zone boundaries included), and CRC detection of any single flipped bit.

use proptest::prelude::*;
use vigia_modes::cpr::{self, CprError, CprFormat, LatLon};
use vigia_modes::{crc, decode, DecodeError};

/// One CPR step of latitude for the even (coarser) encoding, degrees.
const LAT_STEP: f64 = 360.0 / 60.0 / 131_072.0;

fn lon_gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// The longitude resolution at a latitude for an encoding (degrees per CPR step).
fn lon_step(lat: f64, odd: bool) -> f64 {
    let ni = (cpr::nl(lat) - u32::from(odd)).max(1);
    360.0 / f64::from(ni) / 131_072.0
}

/// Latitudes where the number of longitude zones changes (NL transitions) are where a pair
/// may legitimately straddle two zones.
fn near_nl_transition(lat: f64) -> bool {
    cpr::nl(lat - 2.0 * LAT_STEP) != cpr::nl(lat + 2.0 * LAT_STEP)
}

fn latitude() -> impl Strategy<Value = f64> {
    prop_oneof![
        -90.0..=90.0f64,
        // the poles and the NL = 1 caps
        prop_oneof![
            Just(90.0),
            Just(-90.0),
            Just(87.0),
            Just(-87.0),
            86.9..90.0f64
        ],
        // zone boundaries of the even/odd latitude grids
        (0i32..=30).prop_map(|k| f64::from(k) * 6.0 - 90.0),
        (0i32..59)
            .prop_map(|k| f64::from(k) * 360.0 / 59.0 - 180.0)
            .prop_filter("lat", |l| l.abs() <= 90.0),
    ]
}

fn longitude() -> impl Strategy<Value = f64> {
    prop_oneof![
        -180.0..180.0f64,
        prop_oneof![
            Just(-180.0),
            Just(179.999_999),
            -180.0..-179.99f64,
            179.99..180.0f64
        ],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn airborne_pair_round_trip(lat in latitude(), lon in longitude(), odd_last in any::<bool>()) {
        let even = cpr::encode(lat, lon, CprFormat::Even, false);
        let odd = cpr::encode(lat, lon, CprFormat::Odd, false);
        let newest = if odd_last { CprFormat::Odd } else { CprFormat::Even };
        match cpr::airborne_global(even, odd, newest) {
            Ok(p) => {
                prop_assert!((p.lat - lat).abs() <= LAT_STEP, "lat {} vs {}", p.lat, lat);
                if lat.abs() < 90.0 {
                    prop_assert!(lon_gap(p.lon, lon) <= lon_step(p.lat, odd_last) * 1.0001,
                        "lon {} vs {} at lat {}", p.lon, lon, lat);
                }
                prop_assert!((-180.0..180.0).contains(&p.lon));
            }
            Err(CprError::ZoneMismatch) => prop_assert!(near_nl_transition(lat), "mismatch at {lat}"),
            Err(e) => prop_assert!(false, "{e} at {lat},{lon}"),
        }
    }

    #[test]
    fn local_round_trip(lat in -89.0..89.0f64, lon in longitude(), dlat in -1.0..1.0f64, dlon in -1.0..1.0f64, odd in any::<bool>()) {
        let format = if odd { CprFormat::Odd } else { CprFormat::Even };
        let frame = cpr::encode(lat, lon, format, false);
        let reference = LatLon { lat: (lat + dlat).clamp(-90.0, 90.0), lon: (lon + dlon + 540.0).rem_euclid(360.0) - 180.0 };
        let p = cpr::local(frame, reference, false).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!((p.lat - lat).abs() <= LAT_STEP * 1.0001);
        prop_assert!(lon_gap(p.lon, lon) <= lon_step(p.lat, odd) * 1.0001);
    }

    #[test]
    fn surface_round_trip(lat in -85.0..85.0f64, lon in longitude(), dlat in -0.3..0.3f64, dlon in -0.3..0.3f64) {
        let even = cpr::encode(lat, lon, CprFormat::Even, true);
        let odd = cpr::encode(lat, lon, CprFormat::Odd, true);
        let reference = LatLon { lat: lat + dlat, lon: (lon + dlon + 540.0).rem_euclid(360.0) - 180.0 };
        match cpr::surface_global(even, odd, CprFormat::Even, reference) {
            Ok(p) => {
                prop_assert!((p.lat - lat).abs() <= LAT_STEP / 4.0 * 1.0001);
                prop_assert!(lon_gap(p.lon, lon) <= lon_step(p.lat, false) / 4.0 * 1.0001);
            }
            Err(CprError::ZoneMismatch) => prop_assert!(near_nl_transition(lat)),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    #[test]
    fn any_single_bit_flip_breaks_the_parity(payload in proptest::collection::vec(any::<u8>(), 10), bit in 0usize..112) {
        // A valid DF17: header byte, 10 random bytes, parity.
        let mut msg = vec![0x8D];
        msg.extend_from_slice(&payload);
        let parity = crc::checksum(&msg);
        msg.extend_from_slice(&[(parity >> 16) as u8, (parity >> 8) as u8, parity as u8]);
        prop_assert_eq!(crc::syndrome(&msg), Some(0));
        prop_assert!(decode(&msg).is_ok());
        msg[bit / 8] ^= 0x80 >> (bit % 8);
        prop_assert_ne!(crc::syndrome(&msg), Some(0));
        if bit >= 5 {
            // Still a DF17: rejected for its parity.
            let rejected = matches!(decode(&msg), Err(DecodeError::BadCrc { .. }));
            prop_assert!(rejected);
        }
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..20)) {
        let _ = decode(&bytes);
    }
}
