//! Resolving CPR frames into positions, per aircraft, as frames stream in.
//!
//! Owns the even/odd buffers of each aircraft and the choice between global decoding (a fresh
//! even/odd pair of the same aircraft, ≤ 10 s apart for airborne, ≤ 25 s for surface — DO-260B
//! §A.1.7.7 uses 10 s airborne) and local decoding against the aircraft's own last resolved
//! position (while it is recent) or the receiver's position. It does not judge whether a
//! position is *plausible* (speed, jumps): that is the validation stage's job, which sees the
//! whole track.

use std::collections::HashMap;

use vigia_modes::cpr::{self, CprFormat, CprPosition, LatLon};
use vigia_modes::IcaoAddress;

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

#[derive(Clone, Copy, Default)]
struct Buffered {
    even: Option<(f64, CprPosition)>,
    odd: Option<(f64, CprPosition)>,
    last: Option<(f64, LatLon)>,
    surface: bool,
}

/// Per-aircraft CPR state for a stream of frames.
#[derive(Default)]
pub struct CprPairing {
    aircraft: HashMap<IcaoAddress, Buffered>,
    receiver: Option<LatLon>,
}

impl CprPairing {
    /// A resolver with an optional receiver position (for local decoding of first frames and
    /// of surface frames).
    pub fn new(receiver: Option<LatLon>) -> Self {
        Self {
            aircraft: HashMap::new(),
            receiver,
        }
    }

    /// Feed one CPR frame received at `ts` (seconds) from `address`; returns its position
    /// when it can be resolved.
    ///
    /// A pair is decoded globally first; failing that (no fresh partner, zone mismatch), a
    /// local decode against the aircraft's own recent position; surface frames need a
    /// reference (own position or receiver). Frames that go back in time are treated as
    /// unpaired.
    pub fn resolve(
        &mut self,
        ts: f64,
        address: IcaoAddress,
        frame: CprPosition,
        surface: bool,
    ) -> Option<PositionFix> {
        let receiver = self.receiver;
        let state = self.aircraft.entry(address).or_default();
        if state.surface != surface {
            // Switching between airborne and surface encodings: old frames cannot pair.
            *state = Buffered {
                last: state.last,
                surface,
                ..Buffered::default()
            };
        }
        match frame.format {
            CprFormat::Even => state.even = Some((ts, frame)),
            CprFormat::Odd => state.odd = Some((ts, frame)),
        }
        let max_gap = if surface {
            SURFACE_PAIR_MAX_S
        } else {
            AIRBORNE_PAIR_MAX_S
        };
        let own_reference = state
            .last
            .filter(|(t, _)| ts >= *t && ts - *t <= LOCAL_REFERENCE_MAX_S)
            .map(|(_, p)| p);
        let mut fix = None;
        if let (Some((te, e)), Some((to, o))) = (state.even, state.odd) {
            let gap = (te - to).abs();
            if gap <= max_gap && ts >= te.max(to) - 1e-9 {
                let decoded = if surface {
                    own_reference
                        .or(receiver)
                        .and_then(|r| cpr::surface_global(e, o, frame.format, r).ok())
                } else {
                    cpr::airborne_global(e, o, frame.format).ok()
                };
                fix = decoded.map(|position| PositionFix {
                    position,
                    method: PositionMethod::Global,
                });
            }
        }
        if fix.is_none() {
            if let Some(r) = own_reference {
                fix = cpr::local(frame, r, surface)
                    .ok()
                    .map(|position| PositionFix {
                        position,
                        method: PositionMethod::LocalAircraft,
                    });
            } else if let Some(r) = receiver {
                fix = cpr::local(frame, r, surface)
                    .ok()
                    .map(|position| PositionFix {
                        position,
                        method: PositionMethod::LocalReceiver,
                    });
            }
        }
        if let Some(f) = fix {
            state.last = Some((ts, f.position));
        }
        fix
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
            .resolve(20.5, a, encode(lat + 0.02, lon, CprFormat::Even, false), false)
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
}
