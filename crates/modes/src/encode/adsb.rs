//! ADS-B ME fields (the 56 bits of a DF17 extended squitter after the address), one function
//! per message family, each the inverse of its decoder in [`crate::adsb`] (whose file shows
//! the bit layout; DO-260B §2.2.3.2).
//!
//! The inputs are the decoders' own value types: what a decoder reads, its encoder writes.
//! Positions take their CPR coordinates ready-made ([`crate::cpr::encode`]), because which
//! format (even/odd) to send is the transmitter's schedule, not the field's.

use super::fields::{ac12, id13, six_bit};
use super::{code, put, steps, EncodeError};
use crate::adsb::{
    AirbornePosition, AircraftStatus, AirspeedKind, AltitudeSource, Identification,
    OperationalStatus, SurfacePosition, Velocity,
};
use crate::cpr::{CprFormat, CprPosition};

/// Metres per foot's inverse used by the decoder for GNSS height (DO-260B §2.2.3.2.3.4.3).
const FEET_PER_METRE: f64 = 3.280_84;

/// TC 1–4: identification and emitter category.
///
/// `tc` must be 1–4 and `category` 0–7; a `None` callsign is sent as eight spaces.
pub fn identification(id: &Identification) -> Result<u64, EncodeError> {
    if !(1..=4).contains(&id.tc) {
        return Err(EncodeError::InvalidCode {
            field: "tc",
            value: u32::from(id.tc),
        });
    }
    Ok(put(1, 5, u64::from(id.tc))
        | put(6, 8, code("category", u32::from(id.category), 7)?)
        | six_bit(id.callsign.as_ref()))
}

fn cpr_bits(cpr: &CprPosition) -> Result<u64, EncodeError> {
    let format = match cpr.format {
        CprFormat::Even => 0,
        CprFormat::Odd => 1,
    };
    Ok(put(22, 22, format)
        | put(23, 39, code("lat_cpr", cpr.lat_cpr, (1 << 17) - 1)?)
        | put(40, 56, code("lon_cpr", cpr.lon_cpr, (1 << 17) - 1)?))
}

/// TC 9–18 (barometric altitude, 25 ft or Gillham 100 ft steps) and TC 20–22 (GNSS height,
/// 1 m steps): airborne position. The time flag T is sent as 0 (not UTC-coupled).
///
/// `altitude_source` must match the type code.
pub fn airborne_position(p: &AirbornePosition) -> Result<u64, EncodeError> {
    let altitude = match (p.tc, p.altitude_source) {
        (9..=18, AltitudeSource::Barometric) => u64::from(ac12(p.altitude_ft)?),
        (20..=22, AltitudeSource::Gnss) => match p.altitude_ft {
            None => 0,
            Some(ft) => {
                let metres = steps("altitude_ft", f64::from(ft), FEET_PER_METRE, 4095)?;
                if metres == 0 {
                    return Err(EncodeError::OutOfRange {
                        field: "altitude_ft",
                        value: f64::from(ft),
                    });
                }
                metres
            }
        },
        _ => {
            return Err(EncodeError::InvalidCode {
                field: "tc",
                value: u32::from(p.tc),
            })
        }
    };
    Ok(put(1, 5, u64::from(p.tc))
        | put(
            6,
            7,
            code("surveillance_status", u32::from(p.surveillance_status), 3)?,
        )
        | put(8, 8, u64::from(p.nic_b))
        | put(9, 20, altitude)
        | cpr_bits(&p.cpr)?)
}

/// The movement code of a ground speed: the step of DO-260B Table 2-16 that contains it
/// (the decoder reports each step's lower bound). `None` is code 0 (no information).
fn movement_code(groundspeed_kt: Option<f64>) -> Result<u64, EncodeError> {
    let Some(gs) = groundspeed_kt else {
        return Ok(0);
    };
    // (first code, lower bound of that code in kt, step in kt) of each band.
    const BANDS: [(u64, f64, f64); 7] = [
        (2, 0.125, 0.125),
        (9, 1.0, 0.25),
        (13, 2.0, 0.5),
        (39, 15.0, 1.0),
        (94, 70.0, 2.0),
        (109, 100.0, 5.0),
        (124, 175.0, 1.0),
    ];
    if !gs.is_finite() || gs < 0.0 {
        return Err(EncodeError::OutOfRange {
            field: "groundspeed_kt",
            value: gs,
        });
    }
    if gs < 0.125 {
        return Ok(1);
    }
    let Some(&(first, lower, step)) = BANDS.iter().rev().find(|band| gs >= band.1) else {
        return Ok(1);
    };
    if first == 124 {
        return Ok(124);
    }
    Ok(first + ((gs - lower) / step + 1e-9).floor() as u64)
}

/// TC 5–8: surface position. Ground speed goes out as the movement step that contains it,
/// track in 360/128° steps (status bit set when `track_deg` is `Some`).
pub fn surface_position(p: &SurfacePosition) -> Result<u64, EncodeError> {
    if !(5..=8).contains(&p.tc) {
        return Err(EncodeError::InvalidCode {
            field: "tc",
            value: u32::from(p.tc),
        });
    }
    let track = match p.track_deg {
        None => 0,
        Some(t) => {
            put(13, 13, 1)
                | put(
                    14,
                    20,
                    steps("track_deg", t.rem_euclid(360.0), 360.0 / 128.0, 128)? % 128,
                )
        }
    };
    Ok(put(1, 5, u64::from(p.tc))
        | put(6, 12, movement_code(p.groundspeed_kt)?)
        | track
        | cpr_bits(&p.cpr)?)
}

/// A speed component as "magnitude + 1" (0 means unavailable), in `lsb` steps.
fn plus_one(field: &'static str, value: f64, lsb: f64) -> Result<u64, EncodeError> {
    Ok(steps(field, value.abs(), lsb, 1022)? + 1)
}

/// TC 19: airborne velocity, subtypes 1–4.
///
/// Subtypes 1/2 send `groundspeed_kt` along `track_deg` (a missing track counts as north;
/// a missing ground speed as unavailable) as east and north components in 1 kt (2: 4 kt)
/// steps. Subtypes 3/4 send `heading_deg` (status bit set when `Some`) in 360/1024° steps
/// and `airspeed_kt`. Vertical rate goes in 64 ft/min steps, GNSS-minus-baro in 25 ft.
pub fn velocity(v: &Velocity) -> Result<u64, EncodeError> {
    let subtype = u32::from(v.subtype);
    if !(1..=4).contains(&subtype) {
        return Err(EncodeError::InvalidCode {
            field: "subtype",
            value: subtype,
        });
    }
    let lsb = if subtype % 2 == 0 { 4.0 } else { 1.0 };
    let mut me = put(1, 5, 19)
        | put(6, 8, u64::from(subtype))
        | put(11, 13, code("nac_v", u32::from(v.nac_v), 7)?);
    if subtype <= 2 {
        if let Some(gs) = v.groundspeed_kt {
            let track = v.track_deg.unwrap_or(0.0).to_radians();
            let (east, north) = (gs * track.sin(), gs * track.cos());
            me |= put(14, 14, u64::from(east.round() < 0.0))
                | put(15, 24, plus_one("groundspeed_kt", east, lsb)?)
                | put(25, 25, u64::from(north.round() < 0.0))
                | put(26, 35, plus_one("groundspeed_kt", north, lsb)?);
        }
    } else {
        if let Some(h) = v.heading_deg {
            me |= put(14, 14, 1)
                | put(
                    15,
                    24,
                    steps("heading_deg", h.rem_euclid(360.0), 360.0 / 1024.0, 1024)? % 1024,
                );
        }
        if let Some(a) = v.airspeed_kt {
            me |= put(26, 35, plus_one("airspeed_kt", f64::from(a), lsb)?);
        }
        me |= put(25, 25, u64::from(v.airspeed_kind == AirspeedKind::True));
    }
    me |= put(36, 36, u64::from(v.vertical_rate_barometric));
    if let Some(rate) = v.vertical_rate_fpm {
        let magnitude = steps("vertical_rate_fpm", f64::from(rate).abs(), 64.0, 510)?;
        me |= put(37, 37, u64::from(rate < 0 && magnitude > 0)) | put(38, 46, magnitude + 1);
    }
    if let Some(diff) = v.gnss_minus_baro_ft {
        let magnitude = steps("gnss_minus_baro_ft", f64::from(diff).abs(), 25.0, 126)?;
        me |= put(49, 49, u64::from(diff < 0 && magnitude > 0)) | put(50, 56, magnitude + 1);
    }
    Ok(me)
}

/// TC 28: aircraft status, subtype 1 (emergency state 0–7 and Mode A code) or subtype 2
/// (ACAS RA broadcast: the 14-bit ARA and the RA-terminated flag; other bits 0).
pub fn aircraft_status(s: &AircraftStatus) -> Result<u64, EncodeError> {
    Ok(match *s {
        AircraftStatus::Emergency { emergency, squawk } => {
            put(1, 5, 28)
                | put(6, 8, 1)
                | put(9, 11, code("emergency", u32::from(emergency), 7)?)
                | put(12, 24, u64::from(id13(squawk)?))
        }
        AircraftStatus::AcasRa { ara, terminated } => {
            put(1, 5, 28)
                | put(6, 8, 2)
                | put(9, 22, code("ara", u32::from(ara), (1 << 14) - 1)?)
                | put(27, 27, u64::from(terminated))
        }
    })
}

/// TC 31: aircraft operational status (airborne subtype 0 or surface subtype 1). The
/// capability class and operational mode codes go out as 0.
pub fn operational_status(s: &OperationalStatus) -> Result<u64, EncodeError> {
    Ok(put(1, 5, 31)
        | put(6, 8, u64::from(s.surface))
        | put(41, 43, code("version", u32::from(s.version), 7)?)
        | put(44, 44, u64::from(s.nic_a))
        | put(45, 48, code("nac_p", u32::from(s.nac_p), 15)?)
        | put(51, 52, code("sil", u32::from(s.sil), 3)?)
        | put(54, 54, u64::from(s.heading_magnetic)))
}
