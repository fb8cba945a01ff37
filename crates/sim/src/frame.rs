//! What the simulator outputs: one received frame ([`SimFrame`]) and what it was meant to
//! say ([`Content`]), so tests can decode the bytes and compare.
//!
//! Owns the shapes only; [`crate::emit`] fills them in and [`crate::output`] writes them.

use vigia_modes::adsb::{
    AirbornePosition, AircraftStatus, Identification, OperationalStatus, SurfacePosition, Velocity,
};
use vigia_modes::commb::{HeadingAndSpeed, TrackAndTurn};
use vigia_modes::{Callsign, IcaoAddress, Squawk};

use crate::geo::Point;

/// One frame as a receiver outputs it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct SimFrame {
    /// Receive time, seconds since the Unix epoch (after any clock fault of the receiver).
    pub ts: f64,
    /// The receiver's 48-bit 12 MHz counter at reception (the Beast MLAT timestamp).
    pub mlat_ticks: u64,
    /// Signal level byte (Beast), higher for nearer aircraft.
    pub signal: u8,
    /// Index of the receiver in the scenario.
    pub receiver: usize,
    /// The transmitting aircraft (`None` for garbage).
    pub aircraft: Option<IcaoAddress>,
    /// Valid bytes in `bytes`: 7 or 14.
    pub len: u8,
    /// The Mode S reply, first `len` bytes.
    pub bytes: [u8; 14],
    /// What the frame was encoded from.
    pub content: Content,
    /// The fault, if any, that shaped this frame.
    pub fault: Option<FrameFault>,
}

impl SimFrame {
    /// The Mode S bytes.
    pub fn message(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len).min(14)]
    }

    /// Whether the bytes carry [`Self::content`] intact (no bit error, not garbage), so a
    /// decoder must read exactly the intended values from them.
    pub fn is_intact(&self) -> bool {
        !matches!(
            self.fault,
            Some(FrameFault::BitError) | Some(FrameFault::Garbage)
        )
    }
}

/// How a fault shaped a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum FrameFault {
    /// A position from a spoofed track.
    Spoofed,
    /// A single displaced position.
    Displaced,
    /// One bit flipped in reception (receiver noise); the CRC no longer checks.
    BitError,
    /// Random bytes.
    Garbage,
    /// Another receiver's frame, sent again as this receiver's own (a replay).
    Replayed,
}

/// What a frame was encoded from: the encoder's input values, and for positions the point
/// the CPR coordinates encode.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Content {
    /// DF17 TC 1–4.
    Identification(Identification),
    /// DF17 TC 9–18.
    AirbornePosition {
        /// The encoded fields.
        report: AirbornePosition,
        /// The position sent.
        at: Point,
    },
    /// DF17 TC 5–8.
    SurfacePosition {
        /// The encoded fields.
        report: SurfacePosition,
        /// The position sent.
        at: Point,
    },
    /// DF17 TC 19.
    Velocity(Velocity),
    /// DF17 TC 28.
    AircraftStatus(AircraftStatus),
    /// DF17 TC 31.
    OperationalStatus(OperationalStatus),
    /// DF11 acquisition squitter.
    AllCall {
        /// Capability (5 airborne, 4 on the ground).
        capability: u8,
    },
    /// DF4.
    SurveillanceAltitude {
        /// Altitude, feet.
        altitude_ft: Option<i32>,
    },
    /// DF5.
    SurveillanceIdentity {
        /// Mode A code.
        squawk: Squawk,
    },
    /// DF20.
    CommBAltitude {
        /// Altitude, feet.
        altitude_ft: Option<i32>,
        /// The register in the MB field.
        register: Register,
    },
    /// DF21.
    CommBIdentity {
        /// Mode A code.
        squawk: Squawk,
        /// The register in the MB field.
        register: Register,
    },
    /// Random bytes ([`FrameFault::Garbage`]).
    Garbage,
}

/// A Comm-B register as sent.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Register {
    /// BDS 2,0.
    Identification(Callsign),
    /// BDS 4,0 (MCP and FMS selected altitude, baro setting).
    SelectedVerticalIntention {
        /// MCP/FCU selected altitude, feet.
        mcp_ft: u32,
        /// FMS selected altitude, feet.
        fms_ft: u32,
        /// Barometric pressure setting, hPa.
        baro_setting_hpa: f64,
    },
    /// BDS 5,0.
    TrackAndTurn(TrackAndTurn),
    /// BDS 6,0.
    HeadingAndSpeed(HeadingAndSpeed),
}

/// Where a transmission came from: what the receivers need to decide if they hear it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Emission {
    /// Seconds after the scenario start.
    pub t: f64,
    /// The transmitter's position.
    pub from: Point,
    /// The transmitter's altitude, feet.
    pub altitude_ft: f64,
    /// The aircraft.
    pub aircraft: IcaoAddress,
    /// Valid bytes: 7 or 14.
    pub len: u8,
    /// The reply.
    pub bytes: [u8; 14],
    /// What it says.
    pub content: Content,
    /// A fault that shaped it.
    pub fault: Option<FrameFault>,
}
