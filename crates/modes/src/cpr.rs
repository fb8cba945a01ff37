//! Compact Position Reporting: encode and decode (Doc 9871 §C.2.6, DO-260B §A.1.7).
//!
//! Owns the CPR arithmetic — the NL table, airborne and surface encoding, global decoding of
//! an even/odd pair, local decoding against a reference — as pure functions on numbers.
//! It does not remember frames: pairing even and odd frames of one aircraft, checking that
//! they are fresh, and choosing a reference is `vigia-track`'s job.
//!
//! Units: degrees (WGS84); CPR coordinates are the 17-bit integers carried in the frame.

/// Number of latitude zones between the equator and a pole (NZ).
pub const NZ: u32 = 15;
/// 2^17: the CPR coordinate scale for 17-bit encodings (airborne and surface).
const SCALE: f64 = 131_072.0;

/// Latitudes (degrees) at which NL drops by one, from NL = 59 → 58 up to 2 → 1.
///
/// Values of DO-260B Table A-21 (also recomputed from the closed form
/// `NL = floor(2π / acos(1 − (1 − cos(π/2NZ)) / cos²(lat)))` and equal to 8 decimals).
const NL_TRANSITIONS: [f64; 58] = [
    10.470_471_30,
    14.828_174_37,
    18.186_263_57,
    21.029_394_93,
    23.545_044_87,
    25.829_247_07,
    27.938_987_10,
    29.911_356_86,
    31.772_097_08,
    33.539_934_36,
    35.228_995_98,
    36.850_251_08,
    38.412_418_92,
    39.922_566_84,
    41.386_518_32,
    42.809_140_12,
    44.194_549_51,
    45.546_267_23,
    46.867_332_52,
    48.160_391_28,
    49.427_764_39,
    50.671_501_66,
    51.893_424_69,
    53.095_161_53,
    54.278_174_72,
    55.443_784_44,
    56.593_187_56,
    57.727_473_54,
    58.847_637_76,
    59.954_592_77,
    61.049_177_74,
    62.132_166_59,
    63.204_274_79,
    64.266_165_23,
    65.318_453_10,
    66.361_710_08,
    67.396_467_74,
    68.423_220_22,
    69.442_426_31,
    70.454_510_75,
    71.459_864_73,
    72.458_845_45,
    73.451_774_42,
    74.438_934_16,
    75.420_562_57,
    76.396_843_91,
    77.367_894_61,
    78.333_740_83,
    79.294_282_25,
    80.249_232_13,
    81.198_013_49,
    82.139_569_81,
    83.071_994_45,
    83.991_735_63,
    84.891_661_91,
    85.755_416_21,
    86.535_369_98,
    87.0,
];

/// The number of longitude zones at a latitude, NL(lat), in `1..=59`.
#[inline]
pub fn nl(lat: f64) -> u32 {
    let a = lat.abs();
    if a.is_nan() {
        return 1;
    }
    if a == 87.0 {
        return 2;
    }
    // Count of transitions at or below |lat|.
    let passed = NL_TRANSITIONS.partition_point(|&t| t <= a) as u32;
    59 - passed
}

/// Which of the two CPR formats a frame carries (the F bit).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum CprFormat {
    /// F = 0.
    Even,
    /// F = 1.
    Odd,
}

impl CprFormat {
    fn i(self) -> u32 {
        match self {
            CprFormat::Even => 0,
            CprFormat::Odd => 1,
        }
    }
}

/// A CPR-encoded position as carried in a frame: format and the two 17-bit coordinates.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct CprPosition {
    /// Even or odd encoding.
    pub format: CprFormat,
    /// Encoded latitude, `0..2^17`.
    pub lat_cpr: u32,
    /// Encoded longitude, `0..2^17`.
    pub lon_cpr: u32,
}

/// A decoded position in degrees.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LatLon {
    /// Latitude, degrees north, `-90..=90`.
    pub lat: f64,
    /// Longitude, degrees east, `-180..180`.
    pub lon: f64,
}

/// Why a pair or a reference could not be decoded into a position.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CprError {
    /// The even and odd frames were given in the wrong formats (two evens, two odds).
    #[error("a global decode needs one even and one odd frame")]
    SameFormat,
    /// The two latitudes fall in different NL zones: the aircraft crossed a zone boundary
    /// between the frames, and the pair cannot be trusted.
    #[error("even and odd latitudes lie in different longitude zones")]
    ZoneMismatch,
    /// The decoded latitude is outside ±90°: the frames were not a consistent pair.
    #[error("decoded latitude out of range")]
    LatitudeOutOfRange,
    /// The reference position is not a finite latitude/longitude.
    #[error("reference position is not a valid latitude/longitude")]
    BadReference,
}

#[inline]
fn modulo(x: f64, m: f64) -> f64 {
    x - m * (x / m).floor()
}

/// Encode a position in the airborne (360° zones) or surface (90° zones) CPR format.
///
/// DO-260B §A.1.7.3: `YZ = floor(2^17 · MOD(lat, Dlat)/Dlat + ½)`, the latitude it rounds to
/// chooses NL, and `XZ` likewise on `Dlon = 360/max(NL − i, 1)`; both are kept modulo 2^17.
///
/// ```
/// use vigia_modes::cpr::{encode, CprFormat};
/// let p = encode(52.2572, 3.9194, CprFormat::Even, false);
/// assert_eq!((p.lat_cpr, p.lon_cpr), (93000, 51372));
/// ```
pub fn encode(lat: f64, lon: f64, format: CprFormat, surface: bool) -> CprPosition {
    let span = if surface { 90.0 } else { 360.0 };
    let i = format.i();
    let dlat = span / f64::from(4 * NZ - i);
    let yz = (SCALE * modulo(lat, dlat) / dlat + 0.5).floor();
    let rlat = dlat * (yz / SCALE + (lat / dlat).floor());
    let ni = nl(rlat).saturating_sub(i).max(1);
    let dlon = span / f64::from(ni);
    let xz = (SCALE * modulo(lon, dlon) / dlon + 0.5).floor();
    CprPosition {
        format,
        lat_cpr: (yz as i64).rem_euclid(1 << 17) as u32,
        lon_cpr: (xz as i64).rem_euclid(1 << 17) as u32,
    }
}

/// Decode an airborne even/odd pair globally (no reference needed).
///
/// `newest` says which of the two was received last: its latitude zone is used for the
/// longitude, as the spec requires. Frames more than 10 s apart (or from different aircraft)
/// must not be paired; that check belongs to the caller, which knows the times.
///
/// ```
/// use vigia_modes::cpr::{airborne_global, CprFormat, CprPosition};
/// // pyModeS' documented pair (8D40621D58C382D690C8AC2863A7 even, 8D40621D58C386435CC412692AD6 odd):
/// let even = CprPosition { format: CprFormat::Even, lat_cpr: 93000, lon_cpr: 51372 };
/// let odd = CprPosition { format: CprFormat::Odd, lat_cpr: 74158, lon_cpr: 50194 };
/// let p = airborne_global(even, odd, CprFormat::Even).unwrap();
/// assert!((p.lat - 52.2572).abs() < 1e-4 && (p.lon - 3.91937).abs() < 1e-4);
/// ```
pub fn airborne_global(
    even: CprPosition,
    odd: CprPosition,
    newest: CprFormat,
) -> Result<LatLon, CprError> {
    global(even, odd, newest, None)
}

/// Global decoding of a pair. `surface_reference` selects the surface variant (90° zones):
/// the reference picks the hemisphere before NL is computed (NL depends on the true
/// latitude), then the longitude quadrant.
fn global(
    even: CprPosition,
    odd: CprPosition,
    newest: CprFormat,
    surface_reference: Option<LatLon>,
) -> Result<LatLon, CprError> {
    if even.format != CprFormat::Even || odd.format != CprFormat::Odd {
        return Err(CprError::SameFormat);
    }
    let span = if surface_reference.is_some() {
        90.0
    } else {
        360.0
    };
    let lat_e = f64::from(even.lat_cpr) / SCALE;
    let lat_o = f64::from(odd.lat_cpr) / SCALE;
    let dlat_e = span / 60.0;
    let dlat_o = span / 59.0;
    let j = (59.0 * lat_e - 60.0 * lat_o + 0.5).floor();
    let mut rlat_e = dlat_e * (modulo(j, 60.0) + lat_e);
    let mut rlat_o = dlat_o * (modulo(j, 59.0) + lat_o);
    match surface_reference {
        None => {
            if rlat_e >= 270.0 {
                rlat_e -= 360.0;
            }
            if rlat_o >= 270.0 {
                rlat_o -= 360.0;
            }
        }
        Some(r) => {
            // Northern solution in [0, 90); the southern one is 90° lower.
            let north = match newest {
                CprFormat::Even => rlat_e,
                CprFormat::Odd => rlat_o,
            };
            if (north - 90.0 - r.lat).abs() < (north - r.lat).abs() {
                rlat_e -= 90.0;
                rlat_o -= 90.0;
            }
        }
    }
    if !(-90.0..=90.0).contains(&rlat_e) || !(-90.0..=90.0).contains(&rlat_o) {
        return Err(CprError::LatitudeOutOfRange);
    }
    let nl_e = nl(rlat_e);
    if nl_e != nl(rlat_o) {
        return Err(CprError::ZoneMismatch);
    }
    let (lat, i, lon_cpr) = match newest {
        CprFormat::Even => (rlat_e, 0, even.lon_cpr),
        CprFormat::Odd => (rlat_o, 1, odd.lon_cpr),
    };
    let lon_e = f64::from(even.lon_cpr) / SCALE;
    let lon_o = f64::from(odd.lon_cpr) / SCALE;
    let m = (lon_e * f64::from(nl_e - 1) - lon_o * f64::from(nl_e) + 0.5).floor();
    let ni = nl_e.saturating_sub(i).max(1);
    let lon = (span / f64::from(ni)) * (modulo(m, f64::from(ni)) + f64::from(lon_cpr) / SCALE);
    let lon = match surface_reference {
        None => normalize_lon(lon),
        Some(r) => {
            // Four solutions 90° apart: the one nearest the reference.
            let base = modulo(lon, 90.0);
            (0..4)
                .map(|k| normalize_lon(base + 90.0 * f64::from(k)))
                .min_by(|a, b| angular_gap(*a, r.lon).total_cmp(&angular_gap(*b, r.lon)))
                .unwrap_or(base)
        }
    };
    Ok(LatLon { lat, lon })
}

#[inline]
fn normalize_lon(lon: f64) -> f64 {
    let l = modulo(lon + 180.0, 360.0) - 180.0;
    if l >= 180.0 {
        l - 360.0
    } else {
        l
    }
}

/// Decode a surface even/odd pair; the reference (receiver or last known position, within
/// 45 NM) chooses among the solutions the 90° encoding leaves open (hemisphere, quadrant).
pub fn surface_global(
    even: CprPosition,
    odd: CprPosition,
    newest: CprFormat,
    reference: LatLon,
) -> Result<LatLon, CprError> {
    check_reference(reference)?;
    global(even, odd, newest, Some(reference))
}

fn angular_gap(a: f64, b: f64) -> f64 {
    let d = modulo(a - b, 360.0);
    d.min(360.0 - d)
}

fn check_reference(r: LatLon) -> Result<(), CprError> {
    if r.lat.is_finite() && r.lon.is_finite() && r.lat.abs() <= 90.0 && r.lon.abs() <= 180.0 {
        Ok(())
    } else {
        Err(CprError::BadReference)
    }
}

/// Decode one frame against a reference position (Doc 9871 §C.2.6.5 "locally unambiguous").
///
/// Correct when the true position lies within half a zone of the reference: 180 NM for
/// airborne frames, 45 NM for surface frames. Whether that holds is the caller's knowledge.
pub fn local(position: CprPosition, reference: LatLon, surface: bool) -> Result<LatLon, CprError> {
    check_reference(reference)?;
    let span = if surface { 90.0 } else { 360.0 };
    let i = position.format.i();
    let dlat = span / f64::from(4 * NZ - i);
    let lat_c = f64::from(position.lat_cpr) / SCALE;
    let j =
        (reference.lat / dlat).floor() + (modulo(reference.lat, dlat) / dlat - lat_c + 0.5).floor();
    let lat = dlat * (j + lat_c);
    if !(-90.0..=90.0).contains(&lat) {
        return Err(CprError::LatitudeOutOfRange);
    }
    let ni = nl(lat).saturating_sub(i).max(1);
    let dlon = span / f64::from(ni);
    let lon_c = f64::from(position.lon_cpr) / SCALE;
    let m =
        (reference.lon / dlon).floor() + (modulo(reference.lon, dlon) / dlon - lon_c + 0.5).floor();
    Ok(LatLon {
        lat,
        lon: normalize_lon(dlon * (m + lon_c)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nl_matches_the_closed_form() {
        let a = 1.0 - (std::f64::consts::PI / (2.0 * f64::from(NZ))).cos();
        for k in 0..8700 {
            let lat = f64::from(k) * 0.01 + 0.005;
            let c = lat.to_radians().cos();
            let expected = (2.0 * std::f64::consts::PI / (1.0 - a / (c * c)).acos()).floor();
            assert_eq!(f64::from(nl(lat)), expected, "lat {lat}");
            assert_eq!(nl(-lat), nl(lat));
        }
        assert_eq!(nl(0.0), 59);
        assert_eq!(nl(87.0), 2);
        assert_eq!(nl(87.1), 1);
        assert_eq!(nl(90.0), 1);
    }

    #[test]
    fn local_decode_documented_example() {
        // pyModeS: 8D40621D58C382D690C8AC2863A7 with reference (52.258, 3.918)
        let p = CprPosition {
            format: CprFormat::Even,
            lat_cpr: 93000,
            lon_cpr: 51372,
        };
        let r = local(
            p,
            LatLon {
                lat: 52.258,
                lon: 3.918,
            },
            false,
        )
        .unwrap();
        assert!((r.lat - 52.2572).abs() < 1e-4, "{r:?}");
        assert!((r.lon - 3.91937).abs() < 1e-4, "{r:?}");
    }

    #[test]
    fn surface_pair_near_reference() {
        // A surface position at Mexico City airport, encoded and decoded back with a
        // reference 20 km away.
        let (lat, lon) = (19.4363, -99.0721);
        let e = encode(lat, lon, CprFormat::Even, true);
        let o = encode(lat, lon, CprFormat::Odd, true);
        let r = surface_global(
            e,
            o,
            CprFormat::Odd,
            LatLon {
                lat: 19.5,
                lon: -99.2,
            },
        )
        .unwrap();
        assert!(
            (r.lat - lat).abs() < 1e-4 && (r.lon - lon).abs() < 1e-4,
            "{r:?}"
        );
    }

    #[test]
    fn bad_reference_is_an_error() {
        let p = encode(10.0, 10.0, CprFormat::Odd, false);
        let r = LatLon {
            lat: f64::NAN,
            lon: 0.0,
        };
        assert_eq!(local(p, r, false), Err(CprError::BadReference));
    }
}
