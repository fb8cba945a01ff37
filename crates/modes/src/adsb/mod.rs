//! ADS-B extended squitter messages: the 56-bit ME field of DF17/18, by type code
//! (DO-260B §2.2.3.2, Doc 9871 Appendix C, Table C-1).
//!
//! Owns the dispatch on type code (TC, ME bits 1–5) and one file per message family.
//! It decodes single frames; combining frames (CPR pairs, NIC supplements) is the caller's.

pub mod aircraft_status;
pub mod identification;
pub mod operational_status;
pub mod position;
pub mod target_state;
pub mod velocity;

pub use aircraft_status::AircraftStatus;
pub use identification::Identification;
pub use operational_status::OperationalStatus;
pub use position::{AirbornePosition, AltitudeSource, SurfacePosition};
pub use target_state::TargetState;
pub use velocity::{AirspeedKind, Velocity};

use crate::bits::me;

/// One decoded ME field.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum Me {
    /// TC 0: no position information (airborne position with no CPR data).
    NoPosition,
    /// TC 1–4: aircraft identification and category.
    Identification(Identification),
    /// TC 5–8: surface position.
    SurfacePosition(SurfacePosition),
    /// TC 9–18 (barometric altitude) and 20–22 (GNSS height): airborne position.
    AirbornePosition(AirbornePosition),
    /// TC 19: airborne velocity, subtypes 1–4.
    Velocity(Velocity),
    /// TC 28: aircraft status (emergency / Mode A code, or ACAS RA broadcast).
    AircraftStatus(AircraftStatus),
    /// TC 29: target state and status (DO-260B subtype 1).
    TargetState(TargetState),
    /// TC 31: aircraft operational status.
    OperationalStatus(OperationalStatus),
    /// A type code this decoder recognises but does not interpret (23 test, 24 surface system
    /// status, 25–27 reserved, 30 reserved), or a subtype it does not decode.
    Unsupported {
        /// The type code (ME bits 1–5).
        tc: u8,
        /// The subtype (ME bits 6–8).
        subtype: u8,
    },
}

impl Me {
    /// Decode a 56-bit ME field.
    pub fn decode(field: u64) -> Me {
        let tc = me(field, 1, 5) as u8;
        let subtype = me(field, 6, 8) as u8;
        let unsupported = Me::Unsupported { tc, subtype };
        match tc {
            0 => Me::NoPosition,
            1..=4 => Me::Identification(Identification::decode(field)),
            5..=8 => Me::SurfacePosition(SurfacePosition::decode(field)),
            9..=18 | 20..=22 => Me::AirbornePosition(AirbornePosition::decode(field)),
            19 => Velocity::decode(field).map_or(unsupported, Me::Velocity),
            28 => AircraftStatus::decode(field).map_or(unsupported, Me::AircraftStatus),
            29 => TargetState::decode(field).map_or(unsupported, Me::TargetState),
            31 => OperationalStatus::decode(field).map_or(unsupported, Me::OperationalStatus),
            _ => unsupported,
        }
    }

    /// The type code this ME field carried.
    pub fn type_code(&self) -> u8 {
        match self {
            Me::NoPosition => 0,
            Me::Identification(i) => i.tc,
            Me::SurfacePosition(p) => p.tc,
            Me::AirbornePosition(p) => p.tc,
            Me::Velocity(_) => 19,
            Me::AircraftStatus(_) => 28,
            Me::TargetState(_) => 29,
            Me::OperationalStatus(_) => 31,
            Me::Unsupported { tc, .. } => *tc,
        }
    }
}
