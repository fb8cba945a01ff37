//! vigia-modes: the Mode S wire format.
//!
//! Owns CRC-24, downlink formats, ADS-B extended squitter, Comm-B registers and CPR math
//! (ICAO Doc 9871, Annex 10 Vol. IV, RTCA DO-260B). It is pure: no I/O, no per-aircraft state,
//! no allocation per frame. Framing of receiver formats lives in `vigia-feed`; pairing CPR
//! frames per aircraft lives in `vigia-track`.
//!
//! ```
//! use vigia_modes::{decode, adsb::Me};
//! let frame = [0x8D, 0x40, 0x62, 0x1D, 0x58, 0xC3, 0x82, 0xD6, 0x90, 0xC8, 0xAC, 0x28, 0x63, 0xA7];
//! let msg = decode(&frame).unwrap();
//! if let Some(Me::AirbornePosition(p)) = msg.me() {
//!     assert_eq!(p.altitude_ft, Some(38000));
//! }
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod address;
pub mod adsb;
mod bits;
pub mod callsign;
pub mod civil;
pub mod commb;
pub mod cpr;
pub mod crc;
pub mod encode;
pub mod gillham;
pub mod message;
pub mod record;
pub mod sphere;

pub use address::IcaoAddress;
pub use callsign::Callsign;
pub use gillham::Squawk;
pub use message::{
    decode, decode_with, is_long_container, AddressCheck, Body, DecodeError, DecodeOptions, Message,
};
pub use record::{RawFrame, Record, SourceRef, StateVector, MLAT_TICKS_PER_S};
