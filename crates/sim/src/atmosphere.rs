//! The International Standard Atmosphere (ICAO Doc 7488), for the airspeeds a Comm-B
//! BDS 6,0 reply carries: Mach number and calibrated (≈ indicated) airspeed from true
//! airspeed and pressure altitude. Troposphere and lower stratosphere only (to 65 617 ft).

/// Speed of sound at sea level, knots.
const A0_KT: f64 = 661.4786;
/// Tropopause, feet.
const TROPOPAUSE_FT: f64 = 36_089.24;

/// Pressure ratio p/p0 at a pressure altitude.
pub fn pressure_ratio(altitude_ft: f64) -> f64 {
    if altitude_ft <= TROPOPAUSE_FT {
        (1.0 - 6.875_59e-6 * altitude_ft).powf(5.255_88)
    } else {
        0.223_36 * (-4.806_34e-5 * (altitude_ft - TROPOPAUSE_FT)).exp()
    }
}

/// Temperature ratio T/T0 at a pressure altitude.
fn temperature_ratio(altitude_ft: f64) -> f64 {
    1.0 - 6.875_59e-6 * altitude_ft.min(TROPOPAUSE_FT)
}

/// Mach number of a true airspeed.
pub fn mach(tas_kt: f64, altitude_ft: f64) -> f64 {
    tas_kt / (A0_KT * temperature_ratio(altitude_ft).sqrt())
}

/// Calibrated airspeed of a true airspeed (compressible flow, subsonic), knots.
pub fn calibrated_airspeed_kt(tas_kt: f64, altitude_ft: f64) -> f64 {
    let m = mach(tas_kt, altitude_ft);
    let qc_over_p = (1.0 + 0.2 * m * m).powf(3.5) - 1.0;
    let qc_over_p0 = qc_over_p * pressure_ratio(altitude_ft);
    A0_KT * (5.0 * ((qc_over_p0 + 1.0).powf(1.0 / 3.5) - 1.0)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sea_level_and_cruise() {
        assert!((calibrated_airspeed_kt(250.0, 0.0) - 250.0).abs() < 1e-6);
        // FL350 (speed of sound 576.4 kt): Mach 0.78 is 449.6 kt TAS and about 263 kt CAS
        // (the usual E6B/ISA tables).
        let tas = 0.78 * A0_KT * temperature_ratio(35_000.0).sqrt();
        assert!((tas - 449.6).abs() < 0.1, "{tas}");
        let cas = calibrated_airspeed_kt(tas, 35_000.0);
        assert!((cas - 263.0).abs() < 2.0, "{cas}");
        assert!((mach(tas, 35_000.0) - 0.78).abs() < 1e-9);
        assert!((pressure_ratio(36_089.24) - 0.2234).abs() < 1e-3);
    }
}
