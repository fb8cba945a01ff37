//! Comm-B MB fields (the 56 bits of a DF20/21 reply after the header): BDS 2,0, 4,0, 5,0 and
//! 6,0, each the inverse of its decoder in [`crate::commb`] (whose files show the layouts;
//! Doc 9871 Tables A-2-32, A-2-64, A-2-80, A-2-96).
//!
//! A field whose value is `None` goes out with its status bit clear and zero bits, as the
//! decoders require. The encoders do not check plausibility (IAS against Mach, roll
//! limits): a register that breaks it is encoded as asked and the decoder's inference will
//! reject it, which is what a test of that inference wants.

use super::fields::six_bit;
use super::{put, signed_steps, steps, EncodeError};
use crate::commb::{HeadingAndSpeed, TrackAndTurn};
use crate::Callsign;

/// An angle in `lsb` steps as an 11-bit field read as two's complement by the decoder:
/// `0..360` maps onto the same bits as `-180..180`.
fn angle11(field: &'static str, degrees: f64, lsb: f64) -> Result<u64, EncodeError> {
    Ok(steps(field, degrees.rem_euclid(360.0), lsb, 2048)? % 2048)
}

/// A status bit at `status` and, when `value` is `Some`, its encoding in `first..=last`.
fn guarded(
    status: u32,
    first: u32,
    last: u32,
    value: Option<Result<u64, EncodeError>>,
) -> Result<u64, EncodeError> {
    match value {
        None => Ok(0),
        Some(bits) => Ok(put(status, status, 1) | put(first, last, bits?)),
    }
}

/// BDS 2,0: aircraft identification (header 0x20, then eight 6-bit characters).
pub fn bds20(callsign: &Callsign) -> u64 {
    put(1, 8, 0x20) | six_bit(Some(callsign))
}

/// BDS 4,0: selected vertical intention — MCP/FCU and FMS selected altitudes (16 ft steps)
/// and the barometric pressure setting (0.1 hPa steps above 800 hPa). Mode bits are 0.
pub fn bds40(
    mcp_ft: Option<u32>,
    fms_ft: Option<u32>,
    baro_setting_hpa: Option<f64>,
) -> Result<u64, EncodeError> {
    let altitude = |field, ft: Option<u32>| ft.map(|ft| steps(field, f64::from(ft), 16.0, 4095));
    Ok(
        guarded(1, 2, 13, altitude("selected_altitude_mcp_ft", mcp_ft))?
            | guarded(14, 15, 26, altitude("selected_altitude_fms_ft", fms_ft))?
            | guarded(
                27,
                28,
                39,
                baro_setting_hpa.map(|hpa| steps("baro_setting_hpa", hpa - 800.0, 0.1, 4095)),
            )?,
    )
}

/// BDS 5,0: track and turn report — roll (45/256°), true track (90/512°), ground speed
/// (2 kt), track angle rate (8/256 °/s), true airspeed (2 kt).
pub fn bds50(r: &TrackAndTurn) -> Result<u64, EncodeError> {
    Ok(guarded(
        1,
        2,
        11,
        r.roll_deg
            .map(|v| signed_steps("roll_deg", v, 45.0 / 256.0, 10)),
    )? | guarded(
        12,
        13,
        23,
        r.track_deg.map(|v| angle11("track_deg", v, 90.0 / 512.0)),
    )? | guarded(
        24,
        25,
        34,
        r.groundspeed_kt
            .map(|v| steps("groundspeed_kt", f64::from(v), 2.0, 1023)),
    )? | guarded(
        35,
        36,
        45,
        r.track_rate_deg_s
            .map(|v| signed_steps("track_rate_deg_s", v, 8.0 / 256.0, 10)),
    )? | guarded(
        46,
        47,
        56,
        r.tas_kt.map(|v| steps("tas_kt", f64::from(v), 2.0, 1023)),
    )?)
}

/// BDS 6,0: heading and speed report — magnetic heading (90/512°), IAS (1 kt), Mach
/// (2.048/512), barometric and inertial vertical rates (32 ft/min).
///
/// A rate of −32 ft/min has no code of its own: its two's complement is the "−0" the
/// decoder reads as 0 (as pyModeS and rs1090 do), one step off.
pub fn bds60(r: &HeadingAndSpeed) -> Result<u64, EncodeError> {
    let rate = |field, v: Option<i32>| v.map(|v| signed_steps(field, f64::from(v), 32.0, 10));
    Ok(guarded(
        1,
        2,
        12,
        r.heading_deg
            .map(|v| angle11("heading_deg", v, 90.0 / 512.0)),
    )? | guarded(
        13,
        14,
        23,
        r.ias_kt.map(|v| steps("ias_kt", f64::from(v), 1.0, 1023)),
    )? | guarded(
        24,
        25,
        34,
        r.mach.map(|v| steps("mach", v, 2.048 / 512.0, 1023)),
    )? | guarded(35, 36, 45, rate("baro_rate_fpm", r.baro_rate_fpm))?
        | guarded(46, 47, 56, rate("inertial_rate_fpm", r.inertial_rate_fpm))?)
}
