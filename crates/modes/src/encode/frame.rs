//! Whole replies: the header fields, the 56-bit ME/MB field and the 24-bit parity
//! (Annex 10 Vol. IV §3.1.2.3.3).
//!
//! ```text
//! DF4/5   (56 bits):  DF:5 FS:3 DR:5 UM:6 AC/ID:13            AP:24
//! DF11    (56 bits):  DF:5 CA:3 AA:24                          PI:24
//! DF17    (112 bits): DF:5 CA:3 AA:24 ME:56                    PI:24
//! DF20/21 (112 bits): DF:5 FS:3 DR:5 UM:6 AC/ID:13 MB:56       AP:24
//! ```
//! PI is the CRC of the preceding bits, XORed with the interrogator code for DF11; AP is the
//! CRC XORed with the aircraft address (Address/Parity), which is how a receiver recovers the
//! address of a reply that does not carry it. DR and UM go out as 0.

use super::fields::{ac13, id13};
use super::EncodeError;
use crate::crc::checksum;
use crate::message::FlightStatus;
use crate::{IcaoAddress, Squawk};

fn first_byte(df: u8, low3: u8, field: &'static str) -> Result<u8, EncodeError> {
    if low3 > 7 {
        return Err(EncodeError::InvalidCode {
            field,
            value: u32::from(low3),
        });
    }
    Ok((df << 3) | low3)
}

fn write_parity<const N: usize>(mut frame: [u8; N], overlay: u32) -> [u8; N] {
    let parity = checksum(&frame[..N - 3]) ^ (overlay & 0xFF_FFFF);
    frame[N - 3..].copy_from_slice(&parity.to_be_bytes()[1..]);
    frame
}

fn long(first: u8, head: [u8; 3], field56: u64, overlay: u32) -> [u8; 14] {
    let mut frame = [0u8; 14];
    frame[0] = first;
    frame[1..4].copy_from_slice(&head);
    frame[4..11].copy_from_slice(&field56.to_be_bytes()[1..]);
    write_parity(frame, overlay)
}

fn short(first: u8, head: [u8; 3], overlay: u32) -> [u8; 7] {
    let mut frame = [0u8; 7];
    frame[0] = first;
    frame[1..4].copy_from_slice(&head);
    write_parity(frame, overlay)
}

fn address_bytes(address: IcaoAddress) -> [u8; 3] {
    let [_, a, b, c] = address.get().to_be_bytes();
    [a, b, c]
}

/// Bits 9–32 of a surveillance reply: DR = 0, UM = 0, then the 13-bit AC or ID field.
fn surveillance_head(field13: u16) -> [u8; 3] {
    let [_, a, b, c] = u32::from(field13 & 0x1FFF).to_be_bytes();
    [a, b, c]
}

/// DF17 extended squitter: capability `ca` (0–7; 5 = airborne, 4 = on the ground), the
/// address and a 56-bit ME field (see [`super::adsb`]).
pub fn df17(address: IcaoAddress, ca: u8, me: u64) -> Result<[u8; 14], EncodeError> {
    Ok(long(
        first_byte(17, ca, "capability")?,
        address_bytes(address),
        me,
        0,
    ))
}

/// DF11 all-call reply: capability and address, parity overlaid with the interrogator code
/// (0 for the acquisition squitter a transponder sends unasked, about once a second).
pub fn df11(address: IcaoAddress, ca: u8, interrogator: u8) -> Result<[u8; 7], EncodeError> {
    if interrogator > 0x7F {
        return Err(EncodeError::InvalidCode {
            field: "interrogator",
            value: u32::from(interrogator),
        });
    }
    Ok(short(
        first_byte(11, ca, "capability")?,
        address_bytes(address),
        u32::from(interrogator),
    ))
}

/// DF4 surveillance altitude reply (altitude rounded as [`ac13`] does).
pub fn df4(
    address: IcaoAddress,
    flight_status: FlightStatus,
    altitude_ft: Option<i32>,
) -> Result<[u8; 7], EncodeError> {
    Ok(short(
        first_byte(4, flight_status.0, "flight_status")?,
        surveillance_head(ac13(altitude_ft)?),
        address.get(),
    ))
}

/// DF5 surveillance identity reply.
pub fn df5(
    address: IcaoAddress,
    flight_status: FlightStatus,
    squawk: Squawk,
) -> Result<[u8; 7], EncodeError> {
    Ok(short(
        first_byte(5, flight_status.0, "flight_status")?,
        surveillance_head(id13(squawk)?),
        address.get(),
    ))
}

/// DF20 Comm-B altitude reply with a 56-bit MB field (see [`super::commb`]).
pub fn df20(
    address: IcaoAddress,
    flight_status: FlightStatus,
    altitude_ft: Option<i32>,
    mb: u64,
) -> Result<[u8; 14], EncodeError> {
    Ok(long(
        first_byte(20, flight_status.0, "flight_status")?,
        surveillance_head(ac13(altitude_ft)?),
        mb,
        address.get(),
    ))
}

/// DF21 Comm-B identity reply with a 56-bit MB field.
pub fn df21(
    address: IcaoAddress,
    flight_status: FlightStatus,
    squawk: Squawk,
    mb: u64,
) -> Result<[u8; 14], EncodeError> {
    Ok(long(
        first_byte(21, flight_status.0, "flight_status")?,
        surveillance_head(id13(squawk)?),
        mb,
        address.get(),
    ))
}
