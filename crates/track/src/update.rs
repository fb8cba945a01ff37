//! What one frame or archive row tells the tracker, reduced to what it keeps.
//!
//! Owns the sorting of decoded messages: which downlink formats and ADS-B type codes carry
//! something the tracker uses (positions, velocity, identity, Mode A code, Comm-B
//! identification) and which it ignores, and how far each message's address can be trusted.
//! An aircraft exists for the tracker once it sends content with a verified address; replies
//! that only show it is there (all-calls, status messages) are not worth a place in the
//! reordering window: an aircraft that matters sends positions twice a second. The result ([`Update`]) is small and `Copy`, so the
//! reordering window holds values, not messages. It does not apply anything (`aircraft`).
//!
//! | message | address | becomes |
//! |---|---|---|
//! | DF17, DF18 CF 0: TC 9–18, 20–22 | verified | airborne position |
//! | DF17, DF18 CF 0: TC 5–8 | verified | surface position (+ movement, track) |
//! | DF17, DF18 CF 0: TC 19 | verified | velocity |
//! | DF17, DF18 CF 0: TC 1–4 | verified | callsign, emitter category |
//! | DF17, DF18 CF 0: TC 28/1 | verified | Mode A code |
//! | DF17, DF18 CF 0: other TC; DF11 | verified | ignored |
//! | DF5, DF21 | recovered: known aircraft only | Mode A code (+ Comm-B identification) |
//! | DF20 | recovered: known aircraft only | Comm-B identification, if any |
//! | DF0, DF4, DF16, DF20 otherwise | recovered | ignored |
//! | DF18 TIS-B, ADS-R, anonymous; DF19, DF24 | — | ignored |
//!
//! TIS-B and ADS-R rebroadcast other surveillance sources with their own latencies; mixing
//! them into an aircraft's CPR pairs would manufacture mismatched pairs, so they are left out.

use crate::evidence::{Evidence, FrameBytes, SourceRef};
use crate::plausibility::Category;
use vigia_modes::adsb::{AircraftStatus, AltitudeSource, Me};
use vigia_modes::commb::{Bds, BdsCode, CommB};
use vigia_modes::cpr::CprPosition;
use vigia_modes::message::Df18Source;
use vigia_modes::StateVector;
use vigia_modes::{AddressCheck, Body, Callsign, Message, Squawk};

/// The Comm-B identification (BDS 2,0) a DF20/21 reply may carry.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum CommBIdentity {
    /// The reply is not (or cannot be) an identification.
    None,
    /// The decoder settled on BDS 2,0.
    Callsign(Callsign),
    /// BDS 2,0 is among ambiguous candidates: re-infer with the aircraft's ADS-B state.
    Ambiguous(u64),
}

/// A decoded archive row, compacted.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Report {
    pub position: Option<(f64, f64)>,
    pub altitude_ft: Option<f64>,
    pub altitude_source: AltitudeSource,
    pub groundspeed_kt: Option<f64>,
    pub track_deg: Option<f64>,
    pub vertical_rate_fpm: Option<f64>,
    pub callsign: Option<Callsign>,
    pub squawk: Option<Squawk>,
    pub on_ground: Option<bool>,
    pub evidence: Evidence,
}

/// What the tracker keeps of one frame (rows are [`Report`]s, held apart: they are larger).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Update {
    /// An airborne position frame.
    Airborne {
        frame: FrameBytes,
        cpr: CprPosition,
        altitude_ft: Option<i32>,
        altitude_source: AltitudeSource,
    },
    /// A surface position frame.
    Surface {
        frame: FrameBytes,
        cpr: CprPosition,
        groundspeed_kt: Option<f32>,
        track_deg: Option<f32>,
    },
    /// Airborne velocity (single precision: the fields carry 1 kt, 0.1° and 64 ft/min steps).
    Velocity {
        groundspeed_kt: Option<f32>,
        track_deg: Option<f32>,
        vertical_rate_fpm: Option<f32>,
    },
    /// Identification and category.
    Identification {
        callsign: Option<Callsign>,
        category: Category,
    },
    /// A Mode A code and/or a Comm-B identification.
    Identity {
        squawk: Option<Squawk>,
        commb: CommBIdentity,
    },
}

/// How a message enters the tracker.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Intake {
    /// Content from a verified address: creates the aircraft if needed.
    Verified(Update),
    /// Content from a recovered (or single-bit corrected) address: only for known aircraft.
    Recovered(Update),
    /// Nothing the tracker uses: no position, velocity or identity. This includes all-call
    /// replies and ADS-B status messages (an aircraft that matters sends positions, which keep
    /// it alive), and replies whose address was recovered from parity and carry no identity
    /// (DF0, DF4, DF16, most DF20).
    Ignored,
}

/// Sort one decoded message (see the module table). `message` is the frame's bytes.
#[inline]
pub(crate) fn classify(msg: &Message, message: &[u8]) -> Intake {
    let me = match msg.body {
        Body::ExtendedSquitter { me, .. } => me,
        Body::ExtendedSquitterOther {
            source: Df18Source::AdsbNonTransponder,
            me: Some(me),
        } => me,
        Body::SurveillanceIdentity { squawk, .. } => {
            return Intake::Recovered(Update::Identity {
                squawk: Some(squawk),
                commb: CommBIdentity::None,
            })
        }
        Body::CommBIdentity { squawk, commb, .. } => {
            return Intake::Recovered(Update::Identity {
                squawk: Some(squawk),
                commb: commb_identity(&commb, msg),
            })
        }
        Body::CommBAltitude { commb, .. } => {
            return match commb_identity(&commb, msg) {
                CommBIdentity::None => Intake::Ignored,
                commb => Intake::Recovered(Update::Identity {
                    squawk: None,
                    commb,
                }),
            };
        }
        _ => return Intake::Ignored,
    };
    let update = match me {
        Me::AirbornePosition(p) => Some(Update::Airborne {
            frame: FrameBytes::new(message),
            cpr: p.cpr,
            altitude_ft: p.altitude_ft,
            altitude_source: p.altitude_source,
        }),
        Me::SurfacePosition(p) => Some(Update::Surface {
            frame: FrameBytes::new(message),
            cpr: p.cpr,
            groundspeed_kt: p.groundspeed_kt.map(|v| v as f32),
            track_deg: p.track_deg.map(|v| v as f32),
        }),
        Me::Velocity(v) => Some(Update::Velocity {
            groundspeed_kt: v.groundspeed_kt.map(|v| v as f32),
            track_deg: v.track_deg.map(|v| v as f32),
            vertical_rate_fpm: v.vertical_rate_fpm.map(|v| v as f32),
        }),
        Me::Identification(id) => Some(Update::Identification {
            callsign: id.callsign,
            category: Category::from_identification(id.tc, id.category),
        }),
        Me::AircraftStatus(AircraftStatus::Emergency { squawk, .. }) => Some(Update::Identity {
            squawk: Some(squawk),
            commb: CommBIdentity::None,
        }),
        _ => None,
    };
    match (msg.address_check, update) {
        (_, None) => Intake::Ignored,
        (AddressCheck::Verified, Some(update)) => Intake::Verified(update),
        (_, Some(update)) => Intake::Recovered(update),
    }
}

fn commb_identity(commb: &CommB, msg: &Message) -> CommBIdentity {
    match commb {
        CommB::Known(Bds::Identification(callsign)) => CommBIdentity::Callsign(*callsign),
        CommB::Ambiguous(candidates) if candidates.iter().any(|c| c == BdsCode::Bds20) => {
            match msg.body {
                Body::CommBAltitude { mb, .. } | Body::CommBIdentity { mb, .. } => {
                    CommBIdentity::Ambiguous(mb)
                }
                _ => CommBIdentity::None,
            }
        }
        _ => CommBIdentity::None,
    }
}

impl Report {
    /// Compact a state vector read from `source`.
    pub(crate) fn from_state(state: &StateVector, source: SourceRef) -> Self {
        let position = match (state.latitude, state.longitude) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => Some((lat, lon)),
            _ => None,
        };
        let (altitude_ft, altitude_source) = match (state.altitude_ft, state.geo_altitude_ft) {
            (Some(baro), _) => (Some(baro), AltitudeSource::Barometric),
            (None, Some(geo)) => (Some(geo), AltitudeSource::Gnss),
            (None, None) => (None, AltitudeSource::Barometric),
        };
        Self {
            position,
            altitude_ft,
            altitude_source,
            groundspeed_kt: state.groundspeed_kt,
            track_deg: state.track_deg,
            vertical_rate_fpm: state.vertical_rate_fpm,
            callsign: state.callsign,
            squawk: state.squawk.map(Squawk),
            on_ground: state.on_ground,
            evidence: Evidence::Report(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigia_modes::decode;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn documented_frames_are_sorted() {
        // pyModeS' documented airborne position and identification frames.
        let bytes = hex("8D40621D58C382D690C8AC2863A7");
        let msg = decode(&bytes).unwrap();
        match classify(&msg, &bytes) {
            Intake::Verified(Update::Airborne {
                frame, altitude_ft, ..
            }) => {
                assert_eq!(altitude_ft, Some(38000));
                assert_eq!(frame.at(1.0).message(), &bytes[..]);
            }
            other => panic!("{other:?}"),
        }
        let bytes = hex("8D4840D6202CC371C32CE0576098");
        let msg = decode(&bytes).unwrap();
        assert!(matches!(
            classify(&msg, &bytes),
            Intake::Verified(Update::Identification { callsign: Some(c), .. }) if c.as_str() == "KLM1023"
        ));
        // DF4 surveillance altitude: nothing for the tracker.
        let bytes = hex("20000F1F684A6C");
        let msg = decode(&bytes).unwrap();
        assert_eq!(classify(&msg, &bytes), Intake::Ignored);
    }
}
