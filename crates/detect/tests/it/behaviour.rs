//! Orbit and survey detection on real flights: every calibration flight orbits; no airliner
//! does. The figures printed here are the ones docs/evaluation.md reports.

use vigia_detect::orbit::{find_orbits, OrbitConfig, OrbitShape};
use vigia_detect::sample::legs;
use vigia_detect::survey::{find_surveys, SurveyConfig};

use super::trajectories::load;

#[test]
fn calibration_flights_orbit() {
    for name in [
        "calibration_guatemala",
        "calibration_kingston",
        "calibration_montreal",
        "calibration_vancouver",
    ] {
        let flights = load(name);
        let mut total = 0;
        for (icao, samples) in &flights {
            let orbits = find_orbits(&legs(samples), &OrbitConfig::default());
            for o in &orbits {
                let shape = match o.shape {
                    OrbitShape::Circle => "circle".to_string(),
                    OrbitShape::Racetrack {
                        axis_deg,
                        leg_length_m,
                    } => format!(
                        "racetrack axis {axis_deg:.0} leg {:.1} km",
                        leg_length_m / 1000.0
                    ),
                };
                println!("{name} {icao}: {:.0} min, {:.1} turns, radius {:.1} km, centre {:.3},{:.3}, {shape}", o.duration_s() / 60.0, o.turns, o.radius_m / 1000.0, o.centre_lat, o.centre_lon);
            }
            total += orbits.len();
        }
        assert!(total >= 1, "{name}: no orbit");
    }
}

#[test]
fn airliners_do_not_orbit_or_survey() {
    let flights = load("airliners_quickstart_40");
    assert_eq!(flights.len(), 40);
    let mut flagged = Vec::new();
    for (icao, samples) in &flights {
        let l = legs(samples);
        let orbits = find_orbits(&l, &OrbitConfig::default());
        let surveys = find_surveys(&l, &SurveyConfig::default());
        for o in &orbits {
            println!(
                "airliner {icao}: orbit {:.0} min {:.1} turns radius {:.1} km",
                o.duration_s() / 60.0,
                o.turns,
                o.radius_m / 1000.0
            );
        }
        if !orbits.is_empty() || !surveys.is_empty() {
            flagged.push(icao.clone());
        }
    }
    assert!(flagged.is_empty(), "{flagged:?}");
}
