//! A simulated receiver network and its replies.

use vigia_mlat::geodesy::{distance, Ecef, C};
use vigia_mlat::{Altitude, Arrival, Geodetic};

/// Six receivers on the US side of the US–Mexico border, Yuma to El Paso (positions of towns;
/// heights above the ellipsoid approximated).
pub fn border_network() -> Vec<Geodetic> {
    vec![
        Geodetic::new(32.69, -114.62, 60.0),
        Geodetic::new(32.37, -112.86, 550.0),
        Geodetic::new(31.34, -110.94, 1_200.0),
        Geodetic::new(31.34, -109.55, 1_200.0),
        Geodetic::new(32.35, -108.71, 1_300.0),
        Geodetic::new(31.76, -106.49, 1_150.0),
    ]
}

/// The six receivers of the simulator's `mq9-dark-sonora`: Ajo, Sells, Nogales, Sierra Vista,
/// Douglas, Lordsburg.
pub fn border_network_dense() -> Vec<Geodetic> {
    vec![
        Geodetic::new(32.37, -112.86, 548.6),
        Geodetic::new(31.91, -111.88, 731.5),
        Geodetic::new(31.34, -110.94, 1_188.7),
        Geodetic::new(31.55, -110.28, 1_402.1),
        Geodetic::new(31.34, -109.55, 1_219.2),
        Geodetic::new(32.35, -108.71, 1_310.6),
    ]
}

/// xorshift64* and Box–Muller: reproducible noise without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// One transmitter heard by a network.
pub struct Setup {
    receivers: Vec<Ecef>,
    pub truth_ecef: Ecef,
    truth: Geodetic,
    jitter_s: f64,
    with_altitude: bool,
}

/// Altitude noise, metres.
const ALTITUDE_SIGMA_M: f64 = 50.0;

impl Setup {
    pub fn new(network: &[Geodetic], truth: Geodetic, jitter_s: f64, with_altitude: bool) -> Self {
        Self {
            receivers: network.iter().map(|g| g.to_ecef()).collect(),
            truth_ecef: truth.to_ecef(),
            truth,
            jitter_s,
            with_altitude,
        }
    }

    /// One reply sent at t = 100 s, as the receivers stamp it.
    pub fn arrivals(&self, rng: &mut Rng) -> Vec<Arrival> {
        self.receivers
            .iter()
            .map(|r| Arrival {
                receiver: *r,
                time_s: 100.0 + distance(*r, self.truth_ecef) / C + self.jitter_s * rng.normal(),
                sigma_s: self.jitter_s.max(1e-9),
            })
            .collect()
    }

    pub fn altitude(&self, rng: &mut Rng) -> Option<Altitude> {
        let noise = if self.jitter_s > 0.0 {
            ALTITUDE_SIGMA_M * rng.normal()
        } else {
            0.0
        };
        self.with_altitude.then_some(Altitude {
            height_m: self.truth.height_m + noise,
            sigma_m: ALTITUDE_SIGMA_M,
        })
    }
}

/// East, north, up of `p` from `origin`, metres.
pub fn enu_offset(origin: Geodetic, p: Ecef) -> (f64, f64, f64) {
    let o = origin.to_ecef();
    let d = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
    let [e, n, u] = origin.enu();
    let dot = |a: Ecef, b: Ecef| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    (dot(d, e), dot(d, n), dot(d, u))
}
