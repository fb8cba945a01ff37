//! Clock synchronisation on a simulated network: free-running clocks with offsets, drifts of
//! several ppm and 80 ns of jitter, ADS-B aircraft as references; then a Mode S-only reply
//! located through the synchronised clocks.

use crate::support::{border_network, enu_offset, Rng};
use vigia_mlat::geodesy::{distance, Ecef, C};
use vigia_mlat::{solve, Arrival, ClockNetwork, Geodetic, Heard, SolverConfig};

const JITTER_S: f64 = 80e-9;
/// Receivers hear transmitters within this range (line of sight at cruise altitude).
const RANGE_M: f64 = 400_000.0;

/// A receiver's free-running clock: offset, rate error, jitter, and an optional jump.
struct Clock {
    offset: f64,
    skew: f64,
    jump: Option<(f64, f64)>,
}

impl Clock {
    fn read(&self, true_time: f64, rng: &mut Rng) -> f64 {
        let jumped = self
            .jump
            .filter(|(at, _)| true_time >= *at)
            .map_or(0.0, |(_, by)| by);
        self.offset + jumped + (1.0 + self.skew) * true_time + JITTER_S * rng.normal()
    }
}

struct World {
    receivers: Vec<Ecef>,
    clocks: Vec<Clock>,
}

impl World {
    fn new(jump: Option<(usize, f64, f64)>) -> Self {
        let receivers: Vec<Ecef> = border_network().iter().map(|g| g.to_ecef()).collect();
        let clocks = (0..receivers.len())
            .map(|i| Clock {
                // Free-running counters started hours apart.
                offset: 0.37 + 5_000.0 * i as f64,
                skew: (i as f64 - 2.5) * 2e-6,
                jump: jump.filter(|j| j.0 == i).map(|j| (j.1, j.2)),
            })
            .collect();
        Self { receivers, clocks }
    }

    /// Who hears a transmission from `at` sent at true time `t`, with their clock readings.
    fn hear(&self, at: Ecef, t: f64, rng: &mut Rng) -> Vec<Heard> {
        self.receivers
            .iter()
            .enumerate()
            .filter(|(_, r)| distance(**r, at) <= RANGE_M)
            .map(|(i, r)| Heard {
                receiver: i as u16,
                time_s: self.clocks[i].read(t + distance(*r, at) / C, rng),
            })
            .collect()
    }

    fn network(&self) -> ClockNetwork {
        let mut network = ClockNetwork::new();
        for (i, r) in self.receivers.iter().enumerate() {
            network.add_receiver(i as u16, *r, JITTER_S);
        }
        network
    }

    /// ADS-B traffic from `t0` to `t1`: 20 aircraft crossing the region, a position each 0.5 s.
    fn traffic(
        &self,
        network: &mut ClockNetwork,
        t0: f64,
        t1: f64,
        rng: &mut Rng,
        mut each: impl FnMut(f64, &ClockNetwork),
    ) {
        let mut t = t0;
        while t < t1 {
            for k in 0..20 {
                let lat = 30.6 + 0.12 * f64::from(k);
                let lon = -114.5 + 1.3 * f64::from(k % 7) + 0.002 * t;
                let at = Geodetic::new(lat, lon, 10_000.0).to_ecef();
                let heard = self.hear(at, t + 0.01 * f64::from(k), rng);
                network.observe(at, &heard);
            }
            each(t, network);
            t += 0.5;
        }
    }
}

#[test]
fn free_running_clocks_are_brought_to_one_time_base() {
    let world = World::new(None);
    let mut network = world.network();
    let mut rng = Rng::new(21);
    let mut synced_at = None;
    world.traffic(&mut network, 0.0, 120.0, &mut rng, |t, network| {
        if synced_at.is_none()
            && network
                .time_base()
                .is_some_and(|b| b.len() == world.receivers.len())
        {
            synced_at = Some(t);
        }
    });
    let synced_at = synced_at.expect("every receiver synced");
    eprintln!("all 6 receivers on one time base {synced_at:.1} s after the first common traffic");
    assert!(synced_at <= 10.0, "{synced_at}");
    let base = network.time_base().unwrap();
    // Replies sent at 120 s from a drone 50 km inside Mexico: every receiver's time brought to
    // the reference's base agrees with the truth to the clocks' jitter.
    let reference = usize::from(base.reference);
    let drone = Geodetic::new(30.88, -110.5, 6_000.0);
    let mut squared = 0.0;
    let mut n = 0.0;
    let mut errors = Vec::new();
    for k in 0..500 {
        let t = 120.0 + f64::from(k) * 0.01;
        let at = drone.to_ecef();
        let heard = world.hear(at, t, &mut rng);
        let mut arrivals = Vec::new();
        for h in &heard {
            let (on_base, sigma) = base.to_reference(h.receiver, h.time_s).unwrap();
            let r = world.receivers[usize::from(h.receiver)];
            let truth = world.clocks[reference].offset
                + (1.0 + world.clocks[reference].skew) * (t + distance(r, at) / C);
            squared += (on_base - truth).powi(2);
            n += 1.0;
            arrivals.push(Arrival {
                receiver: r,
                time_s: on_base - 100.0,
                sigma_s: (JITTER_S * JITTER_S + sigma * sigma).sqrt(),
            });
        }
        let altitude = Some(vigia_mlat::Altitude {
            height_m: 6_000.0 + 50.0 * rng.normal(),
            sigma_m: 50.0,
        });
        if let Ok(s) = solve(&arrivals, altitude, &SolverConfig::default()) {
            let (e, nn, _) = enu_offset(drone, s.ecef);
            errors.push(e.hypot(nn));
        }
    }
    let rms = (squared / n).sqrt();
    errors.sort_by(f64::total_cmp);
    let median = errors[errors.len() / 2];
    eprintln!("residual RMS on the common base {:.0} ns (jitter {:.0} ns); drone located in {} of 500, median error {median:.0} m", rms * 1e9, JITTER_S * 1e9, errors.len());
    assert!(rms < 2.0 * JITTER_S, "{rms}");
    assert!(errors.len() >= 490);
    assert!(median < 150.0, "{median}");
}

#[test]
fn a_clock_that_jumps_is_caught_and_synced_again() {
    // Receiver 3 restarts at 60 s: its counter jumps 2 ms.
    let world = World::new(Some((3, 60.0, 2e-3)));
    let mut network = world.network();
    let mut rng = Rng::new(5);
    world.traffic(&mut network, 0.0, 120.0, &mut rng, |_, _| {});
    let pair = network.pair(2, 3).unwrap();
    assert!(pair.jumps >= 1, "the jump was seen");
    let base = network.time_base().unwrap();
    assert!(base.paths.contains_key(&3), "receiver 3 synced again");
    // Its pairs with every other receiver restarted together: the jump is put on receiver 3,
    // once, and on nobody else.
    assert_eq!(network.jumps(3), 1);
    for other in [0, 1, 2] {
        assert_eq!(network.jumps(other), 0, "receiver {other}");
    }
}
