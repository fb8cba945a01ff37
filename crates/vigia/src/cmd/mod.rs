//! One module per subcommand: its clap `Args` and a `run` function returning the exit code.

pub mod analyze;
pub mod config;
pub mod decode;
pub mod demo;
pub mod report;
pub mod run;
pub mod sim;
pub mod tracks;
pub mod zones;

/// Parse `LAT,LON` in degrees (a receiver position flag).
pub fn lat_lon(text: &str) -> Result<vigia_modes::cpr::LatLon, String> {
    let (lat, lon) = text
        .split_once(',')
        .ok_or_else(|| format!("expected LAT,LON, got {text:?}"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("bad latitude {lat:?}"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("bad longitude {lon:?}"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("{text:?} is not a latitude,longitude in degrees"));
    }
    Ok(vigia_modes::cpr::LatLon { lat, lon })
}
