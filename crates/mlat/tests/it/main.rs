//! The solver against the truth: exact recovery without noise, accuracy and calibration of the
//! error ellipse with clock noise, rejection of inconsistent or hopeless sets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod clocks;
mod support;

use support::{border_network, enu_offset, Rng, Setup};
use vigia_mlat::{solve, Geodetic, SolveError, SolverConfig};

#[test]
fn geodetic_and_ecef_round_trip() {
    use proptest::prelude::*;
    proptest!(|(lat in -89.9f64..89.9, lon in -180.0f64..180.0, h in -500.0f64..20_000.0)| {
        let back = Geodetic::from_ecef(Geodetic::new(lat, lon, h).to_ecef());
        prop_assert!((back.lat - lat).abs() < 1e-9);
        prop_assert!((back.lon - lon).abs() < 1e-9 || (back.lon - lon).abs() > 359.9);
        prop_assert!((back.height_m - h).abs() < 1e-4);
    });
}

#[test]
fn without_noise_the_truth_comes_back() {
    let network = border_network();
    let config = SolverConfig::default();
    for (lat, lon) in [
        (31.8, -111.0),
        (30.9, -110.5),
        (30.45, -110.0),
        (32.6, -108.0),
    ] {
        let truth = Geodetic::new(lat, lon, 6_000.0);
        for with_altitude in [false, true] {
            let setup = Setup::new(&network, truth, 0.0, with_altitude);
            let s = solve(
                &setup.arrivals(&mut Rng::new(1)),
                setup.altitude(&mut Rng::new(1)),
                &config,
            )
            .unwrap_or_else(|e| panic!("{lat},{lon}: {e}"));
            let (e, n, u) = enu_offset(truth, s.ecef);
            assert!(
                e.hypot(n) < 0.5 && u.abs() < 1.0,
                "{lat},{lon}: {e} {n} {u}"
            );
        }
    }
}

#[test]
fn three_receivers_and_the_altitude_fix_a_position() {
    let network = &border_network()[1..4];
    let truth = Geodetic::new(31.6, -110.4, 7_000.0);
    let setup = Setup::new(network, truth, 0.0, true);
    let s = solve(
        &setup.arrivals(&mut Rng::new(2)),
        setup.altitude(&mut Rng::new(2)),
        &SolverConfig::default(),
    )
    .unwrap();
    let (e, n, _) = enu_offset(truth, s.ecef);
    assert!(e.hypot(n) < 1.0, "{e} {n}");
    assert_eq!(s.dof, 0);
    // Without the altitude three are too few.
    assert_eq!(
        solve(
            &setup.arrivals(&mut Rng::new(2)),
            None,
            &SolverConfig::default()
        ),
        Err(SolveError::TooFew)
    );
}

#[test]
fn three_receivers_and_the_altitude_also_fit_the_mirror_image() {
    // Why the engine wants a fifth measurement: Sells, Nogales and Douglas (nearly on one line
    // along the border) and a drone 80 km south of them. The arrival times and the altitude
    // fit the truth exactly, and fit a second position just as exactly: a start elsewhere
    // finds it 80 km away, on the border.
    let all = support::border_network_dense();
    let network = [all[1], all[2], all[4]];
    let truth = Geodetic::new(30.6, -110.5, 5_500.0);
    let setup = Setup::new(&network, truth, 0.0, true);
    let arrivals = setup.arrivals(&mut Rng::new(3));
    let altitude = setup.altitude(&mut Rng::new(3));
    let config = SolverConfig::default();
    let mut found = Vec::new();
    for start in [
        (30.6, -110.5),
        (32.2, -110.5),
        (31.5, -109.0),
        (31.5, -112.0),
    ] {
        if let Ok(s) = vigia_mlat::solve_from(&arrivals, altitude, &config, Some(start)) {
            let (e, n, _) = enu_offset(truth, s.ecef);
            found.push((e.hypot(n), s.position.lat));
        }
    }
    assert!(found.iter().any(|(d, _)| *d < 1.0), "{found:?}");
    assert!(
        found.iter().any(|(d, lat)| *d > 20_000.0 && *lat > 31.0),
        "no mirror image: {found:?}"
    );
    // With a fourth receiver the mirror no longer fits.
    let four = [all[1], all[2], all[3], all[4]];
    let setup = Setup::new(&four, truth, 0.0, true);
    let arrivals = setup.arrivals(&mut Rng::new(3));
    for start in [
        (30.6, -110.5),
        (32.2, -110.5),
        (31.5, -109.0),
        (31.5, -112.0),
    ] {
        if let Ok(s) = vigia_mlat::solve_from(&arrivals, altitude, &config, Some(start)) {
            let (e, n, _) = enu_offset(truth, s.ecef);
            assert!(e.hypot(n) < 1.0, "from {start:?}: {e} {n}");
        }
    }
}

/// Horizontal errors (metres) and the share of truths inside the 95 % ellipse, over `n` replies
/// at `truth` with `jitter_s` of clock noise.
fn trial(
    network: &[Geodetic],
    truth: Geodetic,
    jitter_s: f64,
    n: usize,
    seed: u64,
) -> (Vec<f64>, f64, usize) {
    let mut rng = Rng::new(seed);
    let setup = Setup::new(network, truth, jitter_s, true);
    let config = SolverConfig::default();
    let mut errors = Vec::new();
    let mut inside = 0;
    let mut failed = 0;
    for _ in 0..n {
        let arrivals = setup.arrivals(&mut rng);
        match solve(&arrivals, setup.altitude(&mut rng), &config) {
            Ok(s) => {
                let (e, nn, _) = enu_offset(s.position, setup.truth_ecef);
                errors.push(e.hypot(nn));
                let (se, sn, rho) = s.sigma_en_m;
                // Mahalanobis distance² of the truth from the solution.
                let (x, y) = (e / se, nn / sn);
                let d2 = (x * x - 2.0 * rho * x * y + y * y) / (1.0 - rho * rho);
                inside += usize::from(d2 <= 5.991);
            }
            Err(_) => failed += 1,
        }
    }
    errors.sort_by(f64::total_cmp);
    let share = inside as f64 / errors.len().max(1) as f64;
    (errors, share, failed)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn accuracy_and_calibration_by_clock_and_distance_from_the_network() {
    // Six receivers on the US side of the border (Yuma to El Paso); replies from 6 km up, with
    // the altitude known to 50 m. Inside the network's hull, then 50 and 100 km south of it.
    let network = border_network();
    let places = [
        ("inside the hull", Geodetic::new(31.75, -110.2, 6_000.0)),
        ("50 km beyond", Geodetic::new(30.88, -110.2, 6_000.0)),
        ("100 km beyond", Geodetic::new(30.43, -110.2, 6_000.0)),
    ];
    let clocks = [("12 MHz, 80 ns", 80e-9), ("GPS, 20 ns", 20e-9)];
    eprintln!("| clock | where | median | 95th percentile | inside the 95 % ellipse | rejected |");
    eprintln!("|---|---|---|---|---|---|");
    for (ci, (clock, jitter)) in clocks.iter().enumerate() {
        for (pi, (place, truth)) in places.iter().enumerate() {
            let (errors, share, failed) =
                trial(&network, *truth, *jitter, 2000, 7 + (ci * 3 + pi) as u64);
            let (median, p95) = (percentile(&errors, 0.5), percentile(&errors, 0.95));
            eprintln!(
                "| {clock} | {place} | {median:.0} m | {p95:.0} m | {:.1} % | {failed} |",
                share * 100.0
            );
            assert!(share >= 0.90, "{clock} {place}: calibration {share}");
            assert!(failed <= 10, "{clock} {place}: {failed} rejected");
            if pi == 0 {
                let goal = if ci == 0 { 100.0 } else { 30.0 };
                assert!(
                    median <= goal,
                    "{clock} {place}: median {median} m > {goal} m"
                );
            }
        }
    }
}

#[test]
fn a_receiver_with_a_wrong_clock_makes_the_set_inconsistent() {
    let network = border_network();
    let truth = Geodetic::new(31.75, -110.2, 6_000.0);
    let setup = Setup::new(&network, truth, 80e-9, true);
    let mut rng = Rng::new(11);
    let mut arrivals = setup.arrivals(&mut rng);
    // 5 µs off: 1.5 km of range.
    arrivals[2].time_s += 5e-6;
    match solve(
        &arrivals,
        setup.altitude(&mut rng),
        &SolverConfig::default(),
    ) {
        Err(SolveError::Inconsistent(chi2, dof)) => assert!(chi2 > 100.0 && dof == 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hopeless_geometry_and_bad_numbers_are_refused() {
    // Four receivers within 100 m of each other: no geometry for a reply 150 km away.
    let base = Geodetic::new(31.34, -110.94, 1_200.0);
    let huddle: Vec<Geodetic> = (0..4)
        .map(|k| {
            Geodetic::new(
                base.lat + f64::from(k) * 3e-4,
                base.lon + f64::from(k % 2) * 3e-4,
                1_200.0,
            )
        })
        .collect();
    let setup = Setup::new(&huddle, Geodetic::new(30.0, -110.0, 6_000.0), 80e-9, false);
    let got = solve(
        &setup.arrivals(&mut Rng::new(3)),
        None,
        &SolverConfig::default(),
    );
    assert!(
        matches!(
            got,
            Err(SolveError::BadGeometry(_) | SolveError::NoConvergence)
        ),
        "{got:?}"
    );
    let mut arrivals = setup.arrivals(&mut Rng::new(3));
    arrivals[0].time_s = f64::NAN;
    assert_eq!(
        solve(&arrivals, None, &SolverConfig::default()),
        Err(SolveError::BadInput)
    );
}
