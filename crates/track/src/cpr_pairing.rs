//! Resolving CPR frames into positions, per aircraft, as frames stream in.
//!
//! Owns the even/odd buffers of each aircraft ([`CprBuffer`]), the choice between global
//! decoding (a fresh even/odd pair of the same aircraft, ≤ 10 s apart for airborne, ≤ 25 s for
//! surface — DO-260B §A.1.7.7 uses 10 s airborne) and local decoding against the aircraft's own
//! recent trusted position or the receiver's position, and the CPR-level checks of a pair:
//!
//! - the partner, decoded locally next to the pair's position, must land within reach of it
//!   (frames of two aircraft under one address, or a corrupted frame, fail this);
//! - the two frames' altitudes must agree within a climb the aircraft can make;
//! - when the aircraft has a recent trusted position, global decoding must agree with local
//!   decoding against it — the pair's position must lie within half a zone of the track —
//!   otherwise the pair puts the aircraft in another CPR zone.
//!
//! A failed pair is reported ([`FailedPair`]) and its older frame forgotten; the newest frame
//! is then decoded locally against the aircraft's own track when there is one. Whether the
//! resulting position is *plausible* for the track (speed, reported velocity) is
//! `plausibility`'s job.
//!
//! [`CprPairing`] wraps one buffer per address for callers that only want positions.

use rustc_hash::FxHashMap;
use vigia_modes::cpr::{self, CprFormat, CprPosition, LatLon};
use vigia_modes::IcaoAddress;

use crate::evidence::FrameRef;
use crate::plausibility::{
    nearby_distance_m, Category, ALTITUDE_SLACK_FT, MPS_PER_KT, POSITION_SLACK_M,
};
use crate::position::RejectReason;

/// Longest gap between the two frames of a global airborne pair, seconds.
pub const AIRBORNE_PAIR_MAX_S: f64 = 10.0;
/// Longest gap between the two frames of a global surface pair, seconds.
pub const SURFACE_PAIR_MAX_S: f64 = 25.0;
/// How long a resolved position may serve as the reference for local decoding, seconds.
/// At 600 kt an aircraft covers 100 NM in 10 min; local airborne decoding is safe within
/// 180 NM of the reference, so 5 min leaves a wide margin.
pub const LOCAL_REFERENCE_MAX_S: f64 = 300.0;

/// How a position was obtained.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PositionMethod {
    /// From an even/odd pair of the same aircraft.
    Global,
    /// From one frame and the aircraft's own recent position.
    LocalAircraft,
    /// From one frame and the receiver's position.
    LocalReceiver,
}

/// A position resolved from a CPR frame.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct PositionFix {
    /// The position.
    pub position: LatLon,
    /// How it was resolved.
    pub method: PositionMethod,
}

/// One CPR frame as buffered for pairing: the encoded position, the frame's altitude and the
/// raw frame (evidence).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CprFrame {
    /// The received frame (its `ts` is the receive time).
    pub frame: FrameRef,
    /// The CPR-encoded position it carries.
    pub cpr: CprPosition,
    /// The altitude it carries, feet (airborne positions).
    pub altitude_ft: Option<i32>,
}

/// What a buffer may decode against, and the bounds its pair checks use.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct References {
    /// The aircraft's own last trusted position and its time.
    pub own: Option<(f64, LatLon)>,
    /// The receiver's position.
    pub receiver: Option<LatLon>,
    /// Fastest ground speed believed for this aircraft, knots.
    pub max_speed_kt: f64,
    /// Fastest vertical rate believed, feet per minute.
    pub max_vertical_rate_fpm: f64,
}

impl Default for References {
    fn default() -> Self {
        let limits = Category::Unknown.limits();
        Self {
            own: None,
            receiver: None,
            max_speed_kt: limits.speed_kt,
            max_vertical_rate_fpm: limits.vertical_rate_fpm,
        }
    }
}

/// A resolved position with what it was decoded from.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Resolved {
    /// The position and method.
    pub fix: PositionFix,
    /// The other frame of a global pair.
    pub partner: Option<CprFrame>,
}

/// A global pair that decoded but failed its checks.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct FailedPair {
    /// The position the pair claimed.
    pub position: LatLon,
    /// The older frame of the pair (now forgotten).
    pub partner: CprFrame,
    /// [`RejectReason::CprPairMismatch`] or [`RejectReason::CprZoneJump`].
    pub reason: RejectReason,
}

/// The outcome of one frame.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Resolution {
    /// The position to judge, if any could be resolved.
    pub resolved: Option<Resolved>,
    /// The global pair that was tried and failed its checks, if one was.
    pub failed_pair: Option<FailedPair>,
    /// A fresh pair that does not decode at all: its latitudes fall in different NL zones
    /// (the aircraft crossed a zone boundary between the frames, or the frames are of two
    /// aircraft) or give no latitude. The frame was decoded locally when the track allowed.
    pub undecodable_pair: bool,
    /// A surface frame with no reference to decode it against (no receiver position, no
    /// recent position of the aircraft's own): surface CPR needs one.
    pub needs_reference: bool,
}

/// The even/odd buffers of one aircraft.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct CprBuffer {
    even: Option<CprFrame>,
    odd: Option<CprFrame>,
    surface: bool,
}

impl CprBuffer {
    /// Feed one CPR frame; see the module docs for the order of attempts. Frames older than
    /// their buffered partner are not paired (they are decoded locally if possible).
    pub fn resolve(&mut self, frame: CprFrame, surface: bool, refs: &References) -> Resolution {
        if self.surface != surface {
            // Switching between airborne and surface encodings: old frames cannot pair.
            *self = CprBuffer {
                surface,
                ..CprBuffer::default()
            };
        }
        let ts = frame.frame.ts;
        let format = frame.cpr.format;
        let partner = match format {
            CprFormat::Even => self.odd,
            CprFormat::Odd => self.even,
        };
        match format {
            CprFormat::Even => self.even = Some(frame),
            CprFormat::Odd => self.odd = Some(frame),
        }
        let max_gap = if surface {
            SURFACE_PAIR_MAX_S
        } else {
            AIRBORNE_PAIR_MAX_S
        };
        let own = refs
            .own
            .filter(|(t, _)| ts >= *t && ts - *t <= LOCAL_REFERENCE_MAX_S)
            .map(|(_, p)| p);
        let mut outcome = Resolution {
            needs_reference: surface && own.is_none() && refs.receiver.is_none(),
            ..Resolution::default()
        };
        if let Some(partner) = partner.filter(|p| ts >= p.frame.ts && ts - p.frame.ts <= max_gap) {
            let (even, odd) = match format {
                CprFormat::Even => (frame.cpr, partner.cpr),
                CprFormat::Odd => (partner.cpr, frame.cpr),
            };
            let decoded = if surface {
                own.or(refs.receiver)
                    .map(|r| cpr::surface_global(even, odd, format, r))
            } else {
                Some(cpr::airborne_global(even, odd, format))
            };
            outcome.undecodable_pair = matches!(decoded, Some(Err(_)));
            if let Some(Ok(position)) = decoded {
                match check_pair(position, &frame, &partner, surface, own, refs) {
                    Ok(()) => {
                        outcome.resolved = Some(Resolved {
                            fix: PositionFix {
                                position,
                                method: PositionMethod::Global,
                            },
                            partner: Some(partner),
                        });
                        return outcome;
                    }
                    Err(reason) => {
                        outcome.failed_pair = Some(FailedPair {
                            position,
                            partner,
                            reason,
                        });
                        match format {
                            CprFormat::Even => self.odd = None,
                            CprFormat::Odd => self.even = None,
                        }
                    }
                }
            }
        }
        let local = |reference, method| {
            cpr::local(frame.cpr, reference, surface)
                .ok()
                .map(|position| Resolved {
                    fix: PositionFix { position, method },
                    partner: None,
                })
        };
        outcome.resolved = match (own, refs.receiver) {
            (Some(r), _) => local(r, PositionMethod::LocalAircraft),
            // A failed pair without a track of its own: nothing vouches for either frame.
            (None, Some(r)) if outcome.failed_pair.is_none() => {
                local(r, PositionMethod::LocalReceiver)
            }
            _ => None,
        };
        outcome
    }

    /// Forget both frames.
    pub fn clear(&mut self) {
        *self = CprBuffer::default();
    }
}

/// The CPR-level checks of a decoded pair (module docs).
fn check_pair(
    position: LatLon,
    newest: &CprFrame,
    partner: &CprFrame,
    surface: bool,
    own: Option<LatLon>,
    refs: &References,
) -> Result<(), RejectReason> {
    let dt = (newest.frame.ts - partner.frame.ts).abs();
    let altitude_diff_ft = match (newest.altitude_ft, partner.altitude_ft) {
        (Some(a), Some(b)) => f64::from(a - b).abs(),
        _ => 0.0,
    };
    let partner_distance = cpr::local(partner.cpr, position, surface)
        .map(|q| nearby_distance_m(position.lat, position.lon, q.lat, q.lon))
        .unwrap_or(f64::INFINITY);
    let reach = refs.max_speed_kt * MPS_PER_KT * dt + POSITION_SLACK_M;
    let climb = refs.max_vertical_rate_fpm * dt / 60.0 + ALTITUDE_SLACK_FT;
    if partner_distance > reach || altitude_diff_ft > climb {
        return Err(RejectReason::CprPairMismatch {
            distance_m: partner_distance as f32,
            altitude_diff_ft: altitude_diff_ft as f32,
        });
    }
    if let Some(reference) = own {
        if !within_half_zone(position, reference, newest.cpr.format, surface) {
            let gap = nearby_distance_m(position.lat, position.lon, reference.lat, reference.lon);
            return Err(RejectReason::CprZoneJump {
                distance_m: gap as f32,
            });
        }
    }
    Ok(())
}

/// Whether `position` lies within half a CPR zone of `reference` (in the zones of `format`).
///
/// Local decoding against `reference` returns the one solution within half a zone of it
/// (Doc 9871 §C.2.6.5), so a global solution outside that range is exactly one that local
/// decoding against the aircraft's own track contradicts: the pair put the aircraft in
/// another zone. Testing the range needs no decoding.
fn within_half_zone(position: LatLon, reference: LatLon, format: CprFormat, surface: bool) -> bool {
    let span = if surface { 90.0 } else { 360.0 };
    let i = match format {
        CprFormat::Even => 0,
        CprFormat::Odd => 1,
    };
    let dlat = span / f64::from(4 * cpr::NZ - i);
    if (position.lat - reference.lat).abs() >= dlat * 0.5 {
        return false;
    }
    let dlon = span / f64::from(cpr::nl(position.lat).saturating_sub(i).max(1));
    let mut gap = (position.lon - reference.lon).abs();
    if gap > 180.0 {
        gap = 360.0 - gap;
    }
    gap < dlon * 0.5
}

/// Per-aircraft CPR state for a stream of frames, for callers that want positions without
/// validation (the tracker keeps a [`CprBuffer`] inside each aircraft instead). Every resolved
/// position becomes that aircraft's reference for local decoding.
#[derive(Default)]
pub struct CprPairing {
    aircraft: FxHashMap<IcaoAddress, (CprBuffer, Option<(f64, LatLon)>)>,
    receiver: Option<LatLon>,
}

impl CprPairing {
    /// A resolver with an optional receiver position (for local decoding of first frames and
    /// of surface frames).
    pub fn new(receiver: Option<LatLon>) -> Self {
        Self {
            aircraft: FxHashMap::default(),
            receiver,
        }
    }

    /// Feed one CPR frame received at `ts` (seconds) from `address`; returns its position
    /// when it can be resolved.
    ///
    /// A pair is decoded globally first; failing that (no fresh partner, zone mismatch, a
    /// pair that fails its checks), a local decode against the aircraft's own recent position;
    /// surface frames need a reference (own position or receiver). Frames that go back in time
    /// are not paired.
    pub fn resolve(
        &mut self,
        ts: f64,
        address: IcaoAddress,
        frame: CprPosition,
        surface: bool,
    ) -> Option<PositionFix> {
        let (buffer, last) = self.aircraft.entry(address).or_default();
        let refs = References {
            own: *last,
            receiver: self.receiver,
            ..References::default()
        };
        let frame = CprFrame {
            frame: FrameRef::new(ts, &[]),
            cpr: frame,
            altitude_ft: None,
        };
        let fix = buffer.resolve(frame, surface, &refs).resolved?.fix;
        *last = Some((ts, fix.position));
        Some(fix)
    }

    /// Forget an aircraft (expired).
    pub fn forget(&mut self, address: IcaoAddress) {
        self.aircraft.remove(&address);
    }

    /// Number of aircraft with CPR state.
    pub fn len(&self) -> usize {
        self.aircraft.len()
    }

    /// Whether no aircraft has CPR state.
    pub fn is_empty(&self) -> bool {
        self.aircraft.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigia_modes::cpr::encode;

    #[test]
    fn pair_then_local() {
        let mut r = CprPairing::new(None);
        let a = IcaoAddress::new(0xabcdef);
        let (lat, lon) = (29.1, -112.3);
        assert!(r
            .resolve(0.0, a, encode(lat, lon, CprFormat::Even, false), false)
            .is_none());
        let fix = r
            .resolve(0.5, a, encode(lat, lon, CprFormat::Odd, false), false)
            .unwrap();
        assert_eq!(fix.method, PositionMethod::Global);
        assert!((fix.position.lat - lat).abs() < 1e-4);
        // 20 s later, no partner: local against own position.
        let fix = r
            .resolve(
                20.5,
                a,
                encode(lat + 0.02, lon, CprFormat::Even, false),
                false,
            )
            .unwrap();
        assert_eq!(fix.method, PositionMethod::LocalAircraft);
        assert!((fix.position.lat - (lat + 0.02)).abs() < 1e-4);
    }

    #[test]
    fn stale_partner_is_not_paired() {
        let mut r = CprPairing::new(None);
        let a = IcaoAddress::new(1);
        r.resolve(0.0, a, encode(10.0, 10.0, CprFormat::Even, false), false);
        assert!(r
            .resolve(11.0, a, encode(10.0, 10.0, CprFormat::Odd, false), false)
            .is_none());
    }

    fn frame(ts: f64, lat: f64, lon: f64, format: CprFormat, altitude_ft: i32) -> CprFrame {
        CprFrame {
            frame: FrameRef::new(ts, &[]),
            cpr: encode(lat, lon, format, false),
            altitude_ft: Some(altitude_ft),
        }
    }

    #[test]
    fn a_pair_from_two_aircraft_fails_and_is_forgotten() {
        let mut buffer = CprBuffer::default();
        let refs = References::default();
        let even = frame(0.0, 45.0, 7.0, CprFormat::Even, 30_000);
        assert_eq!(buffer.resolve(even, false, &refs), Resolution::default());
        // An odd frame of an aircraft 80 km east, half a second later: the pair decodes (into
        // the wrong longitude zone), and the even frame decoded next to it lands kilometres
        // away, more than half a second of flight.
        let odd = frame(0.5, 45.0, 8.0, CprFormat::Odd, 30_000);
        let outcome = buffer.resolve(odd, false, &refs);
        let failed = outcome.failed_pair.unwrap();
        assert!(matches!(
            failed.reason,
            RejectReason::CprPairMismatch { distance_m, .. } if distance_m > 1_000.0
        ));
        assert_eq!(failed.partner, even);
        assert!(outcome.resolved.is_none(), "no track to fall back on");
        // The even frame was forgotten: the next odd frame alone resolves nothing.
        let again = frame(1.0, 45.0, 8.0, CprFormat::Odd, 30_000);
        assert_eq!(buffer.resolve(again, false, &refs), Resolution::default());
        // An aircraft crossing latitude 10.4705° (NL 59 → 58) between its frames: the pair
        // does not decode.
        let mut buffer = CprBuffer::default();
        buffer.resolve(
            frame(0.0, 10.469, 7.0, CprFormat::Even, 30_000),
            false,
            &refs,
        );
        let outcome = buffer.resolve(
            frame(0.5, 10.472, 7.0, CprFormat::Odd, 30_000),
            false,
            &refs,
        );
        assert!(
            outcome.undecodable_pair && outcome.resolved.is_none(),
            "{outcome:?}"
        );
    }

    #[test]
    fn altitudes_of_a_pair_must_agree() {
        let mut buffer = CprBuffer::default();
        let refs = References::default();
        buffer.resolve(frame(0.0, 45.0, 7.0, CprFormat::Even, 30_000), false, &refs);
        let outcome = buffer.resolve(frame(0.5, 45.0, 7.0, CprFormat::Odd, 12_000), false, &refs);
        assert!(matches!(
            outcome.failed_pair.map(|f| f.reason),
            Some(RejectReason::CprPairMismatch { altitude_diff_ft, .. }) if altitude_diff_ft == 18_000.0
        ));
    }

    #[test]
    fn failed_pair_falls_back_on_the_own_track() {
        let mut buffer = CprBuffer::default();
        let refs = References {
            own: Some((
                0.0,
                LatLon {
                    lat: 45.0,
                    lon: 7.0,
                },
            )),
            ..References::default()
        };
        // A stray odd frame (another aircraft, 33 km north), then the genuine even frame.
        buffer.resolve(frame(0.0, 45.3, 7.0, CprFormat::Odd, 30_000), false, &refs);
        let outcome = buffer.resolve(
            frame(0.5, 45.001, 7.0, CprFormat::Even, 30_000),
            false,
            &refs,
        );
        assert!(outcome.failed_pair.is_some());
        let resolved = outcome.resolved.unwrap();
        assert_eq!(resolved.fix.method, PositionMethod::LocalAircraft);
        assert!((resolved.fix.position.lat - 45.001).abs() < 1e-4);
    }

    #[test]
    fn half_zone_test_matches_local_decoding() {
        // For positions around a reference, "within half a zone" holds exactly when local
        // decoding against the reference gives the position back.
        let reference = LatLon {
            lat: 45.0,
            lon: 7.0,
        };
        for dlat in [-3.2, -2.9, -1.0, 0.0, 0.5, 2.9, 3.1] {
            for dlon in [-4.6, -4.1, -3.9, 0.0, 1.0, 3.9, 4.4] {
                let (lat, lon) = (45.0 + dlat, 7.0 + dlon);
                for format in [CprFormat::Even, CprFormat::Odd] {
                    let local =
                        cpr::local(encode(lat, lon, format, false), reference, false).unwrap();
                    let same = (local.lat - lat).abs() < 1e-3 && (local.lon - lon).abs() < 1e-3;
                    let p = LatLon { lat, lon };
                    assert_eq!(
                        within_half_zone(p, reference, format, false),
                        same,
                        "{p:?} {format:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn global_must_agree_with_local_against_the_track() {
        let mut buffer = CprBuffer::default();
        // The track says 45°N 7°E; a consistent pair elsewhere (another zone) is a zone jump.
        let refs = References {
            own: Some((
                0.0,
                LatLon {
                    lat: 45.0,
                    lon: 7.0,
                },
            )),
            ..References::default()
        };
        buffer.resolve(frame(0.0, 48.2, 7.0, CprFormat::Even, 30_000), false, &refs);
        let outcome = buffer.resolve(frame(0.5, 48.2, 7.0, CprFormat::Odd, 30_000), false, &refs);
        assert!(matches!(
            outcome.failed_pair.map(|f| f.reason),
            Some(RejectReason::CprZoneJump { .. })
        ));
    }
}
