//! The positions the tracker hands downstream: [`TrustedPosition`] (validated, belongs to a
//! flight) and [`RejectedPosition`] (kept with its [`RejectReason`]: rejected positions are
//! evidence of spoofing or errors, not noise to forget).
//!
//! Owns these output shapes and the list of reasons. It does not decide anything
//! (`plausibility`, `reliability`, `cpr_pairing` do) and carries no presentation (JSON and
//! GeoJSON shapes live in the binary).

use core::fmt;

use crate::evidence::Evidence;
use crate::flight::FlightId;
use vigia_modes::adsb::AltitudeSource;
use vigia_modes::{Callsign, IcaoAddress, Squawk};

/// A position that passed validation: consistent with the track it extends, which itself was
/// confirmed by at least `trusted_after` mutually consistent positions.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TrustedPosition {
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// Time of the position, seconds (receive time of its newest frame, or the row's time).
    pub ts: f64,
    /// Latitude, degrees north (WGS84).
    pub lat: f64,
    /// Longitude, degrees east (WGS84).
    pub lon: f64,
    /// Altitude, feet, when the position carried one (not for surface positions).
    pub altitude_ft: Option<f64>,
    /// Whether `altitude_ft` is barometric or GNSS height.
    pub altitude_source: AltitudeSource,
    /// Ground speed, knots, from the aircraft's latest velocity report (≤ 30 s old) or row.
    pub groundspeed_kt: Option<f64>,
    /// Track over ground, degrees clockwise from true north, likewise.
    pub track_deg: Option<f64>,
    /// Vertical rate, feet per minute (positive up), likewise.
    pub vertical_rate_fpm: Option<f64>,
    /// `Some(true)` for surface positions, `Some(false)` for airborne ones, `None` if unknown.
    pub on_ground: Option<bool>,
    /// The aircraft's identification when the position was made, if heard.
    pub callsign: Option<Callsign>,
    /// The aircraft's Mode A code when the position was made, if heard.
    pub squawk: Option<Squawk>,
    /// The flight this position belongs to.
    pub flight_id: FlightId,
    /// The segment of the flight it belongs to, from 0. Two consecutive trusted positions of
    /// one segment are always physically possible for the aircraft's category; a new segment
    /// starts where they would not be (a re-acquired track after a spoofed or garbled stretch).
    /// Nothing downstream may join positions of different segments: no interpolated crossing,
    /// closest approach or turn spans a break.
    pub segment: u32,
    /// On the first position of a segment after a break: why the previous segment ended (the
    /// jump from its last position that no aircraft of this category can fly).
    pub segment_break: Option<RejectReason>,
    /// What the position was computed from.
    pub evidence: Evidence,
    /// Airborne position frames (ADS-B) heard from the aircraft so far, counted from when the
    /// tracker first held it (wrapping): the difference between two positions is what was
    /// received between them, against the two a second an airborne transponder broadcasts.
    /// Zero for archive rows and multilaterated positions.
    pub position_frames: u32,
}

/// A position that was not trusted, and why.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RejectedPosition {
    /// The aircraft (as the frame or row claimed).
    pub icao24: IcaoAddress,
    /// Time of the position, seconds.
    pub ts: f64,
    /// Latitude the frame(s) or row claimed, degrees.
    pub lat: f64,
    /// Longitude the frame(s) or row claimed, degrees.
    pub lon: f64,
    /// Altitude claimed, feet.
    pub altitude_ft: Option<f64>,
    /// Why it was not trusted.
    pub reason: RejectReason,
    /// The flight in progress when it was rejected, if any.
    pub flight_id: Option<FlightId>,
    /// What the position was computed from.
    pub evidence: Evidence,
}

/// Why a position was not trusted.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum RejectReason {
    /// Reaching it from the last trusted position needs a speed the aircraft's category
    /// cannot fly (margins included).
    ImpossibleSpeed {
        /// Speed implied by distance and time, knots.
        implied_kt: f32,
        /// The category's limit, knots.
        limit_kt: f32,
    },
    /// Reaching it needs a speed far above the ground speed the aircraft itself reports.
    ContradictsVelocity {
        /// Speed implied by distance and time, knots.
        implied_kt: f32,
        /// The aircraft's latest reported ground speed, knots.
        reported_kt: f32,
    },
    /// Its altitude differs from the last trusted one by more than the category can climb or
    /// descend in the time between.
    AltitudeJump {
        /// Vertical rate implied, feet per minute.
        rate_fpm: f32,
        /// The category's limit, feet per minute.
        limit_fpm: f32,
    },
    /// The even and odd frames of a global CPR pair do not describe one aircraft: decoding the
    /// partner near the pair's position lands far from it, or their altitudes disagree (frames
    /// of two aircraft under one address, or a corrupted frame).
    CprPairMismatch {
        /// Distance between the pair's position and its partner's, metres.
        distance_m: f32,
        /// Altitude difference between the two frames, feet (0 when either has none).
        altitude_diff_ft: f32,
    },
    /// Global decoding puts the aircraft in another CPR zone than local decoding against its
    /// own recent track does: the pair is wrong or the track is.
    CprZoneJump {
        /// Distance between the global and the local solution, metres.
        distance_m: f32,
    },
    /// The record arrived after records of the same aircraft with later timestamps had been
    /// processed, beyond the reordering window.
    OutOfOrder {
        /// How far behind the aircraft's processed time it was, seconds.
        late_s: f32,
    },
    /// The position was never confirmed: no consistent position followed it before the track
    /// contradicted it, ended or expired.
    Unconfirmed,
}

/// The kind of a [`RejectReason`], without its numbers (for counters).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RejectKind {
    /// [`RejectReason::ImpossibleSpeed`].
    ImpossibleSpeed,
    /// [`RejectReason::ContradictsVelocity`].
    ContradictsVelocity,
    /// [`RejectReason::AltitudeJump`].
    AltitudeJump,
    /// [`RejectReason::CprPairMismatch`].
    CprPairMismatch,
    /// [`RejectReason::CprZoneJump`].
    CprZoneJump,
    /// [`RejectReason::OutOfOrder`].
    OutOfOrder,
    /// [`RejectReason::Unconfirmed`].
    Unconfirmed,
}

impl RejectKind {
    /// Every kind, in report order.
    pub const ALL: [RejectKind; 7] = [
        RejectKind::ImpossibleSpeed,
        RejectKind::ContradictsVelocity,
        RejectKind::AltitudeJump,
        RejectKind::CprPairMismatch,
        RejectKind::CprZoneJump,
        RejectKind::OutOfOrder,
        RejectKind::Unconfirmed,
    ];

    /// A short snake_case name, stable for reports and files.
    pub const fn name(self) -> &'static str {
        match self {
            RejectKind::ImpossibleSpeed => "impossible_speed",
            RejectKind::ContradictsVelocity => "contradicts_velocity",
            RejectKind::AltitudeJump => "altitude_jump",
            RejectKind::CprPairMismatch => "cpr_pair_mismatch",
            RejectKind::CprZoneJump => "cpr_zone_jump",
            RejectKind::OutOfOrder => "out_of_order",
            RejectKind::Unconfirmed => "unconfirmed",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for RejectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl RejectReason {
    /// The kind of reason.
    pub const fn kind(&self) -> RejectKind {
        match self {
            RejectReason::ImpossibleSpeed { .. } => RejectKind::ImpossibleSpeed,
            RejectReason::ContradictsVelocity { .. } => RejectKind::ContradictsVelocity,
            RejectReason::AltitudeJump { .. } => RejectKind::AltitudeJump,
            RejectReason::CprPairMismatch { .. } => RejectKind::CprPairMismatch,
            RejectReason::CprZoneJump { .. } => RejectKind::CprZoneJump,
            RejectReason::OutOfOrder { .. } => RejectKind::OutOfOrder,
            RejectReason::Unconfirmed => RejectKind::Unconfirmed,
        }
    }
}

impl fmt::Display for RejectReason {
    /// The kind's name and its numbers: `impossible_speed (5400 kt > 1000 kt)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        match *self {
            RejectReason::ImpossibleSpeed {
                implied_kt,
                limit_kt,
            } => write!(f, "{kind} ({implied_kt:.0} kt > {limit_kt:.0} kt)"),
            RejectReason::ContradictsVelocity {
                implied_kt,
                reported_kt,
            } => write!(
                f,
                "{kind} ({implied_kt:.0} kt, reported {reported_kt:.0} kt)"
            ),
            RejectReason::AltitudeJump {
                rate_fpm,
                limit_fpm,
            } => write!(f, "{kind} ({rate_fpm:.0} ft/min, limit {limit_fpm:.0})"),
            RejectReason::CprPairMismatch {
                distance_m,
                altitude_diff_ft,
            } => write!(
                f,
                "{kind} ({:.1} km, {altitude_diff_ft:.0} ft apart)",
                distance_m / 1000.0
            ),
            RejectReason::CprZoneJump { distance_m } => {
                write!(f, "{kind} ({:.1} km)", distance_m / 1000.0)
            }
            RejectReason::OutOfOrder { late_s } => write!(f, "{kind} ({late_s:.1} s late)"),
            RejectReason::Unconfirmed => write!(f, "{kind}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_listed_in_index_order() {
        for (i, kind) in RejectKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i);
        }
        let reason = RejectReason::ImpossibleSpeed {
            implied_kt: 5400.4,
            limit_kt: 1000.0,
        };
        assert_eq!(reason.kind(), RejectKind::ImpossibleSpeed);
        assert_eq!(reason.to_string(), "impossible_speed (5400 kt > 1000 kt)");
        assert_eq!(
            RejectReason::OutOfOrder { late_s: 300.0 }.to_string(),
            "out_of_order (300.0 s late)"
        );
    }
}
