//! Clock synchronisation: receivers' free-running counters brought to one time base, from the
//! ADS-B position broadcasts they hear in common.
//!
//! A frame whose transmit position is known (an ADS-B airborne position of a trusted track)
//! heard by receivers A and B gives one sample of their clocks' difference: `y = t_B − t_A −
//! (d_B − d_A)/c`, with `d` the distance from the transmitter to each antenna. For each pair a
//! Kalman filter tracks the offset and its drift (`y(t) = offset + drift·t`, drift a random walk:
//! crystals wander by parts per million), rejects samples more than `OUTLIER_SIGMAS` standard
//! deviations from its prediction, and starts over after `JUMP_OUTLIERS` outliers in a row (a
//! counter reset, a receiver restarted). A pair is synced once it has `SYNC_SAMPLES` samples,
//! an offset known to `SYNC_SIGMA_S`, and a sample in the last `STALE_S` seconds. The network
//! then maps every receiver reachable through synced pairs onto one reference receiver's time
//! base, along the tree of least variance ([`ClockNetwork::time_base`]).
//!
//! Times are seconds on each receiver's own counter (a 12 MHz Beast counter divided by 12e6,
//! unwrapped with [`unwrap_counter`]; a GPS counter as seconds of day made continuous).

use std::collections::{BTreeMap, BTreeSet};

use crate::geodesy::{distance, Ecef, C};

/// A sample further than this many standard deviations from the prediction is an outlier.
pub const OUTLIER_SIGMAS: f64 = 5.0;
/// This many outliers in a row: the clock jumped; the pair starts over.
pub const JUMP_OUTLIERS: u32 = 4;
/// Samples a pair needs before it is synced.
pub const SYNC_SAMPLES: u32 = 8;
/// Largest standard deviation of a synced pair's offset, seconds.
pub const SYNC_SIGMA_S: f64 = 200e-9;
/// A pair without a sample for this long is no longer synced, seconds.
pub const STALE_S: f64 = 60.0;
/// Drift random walk: variance added to the drift per second, (s/s)² per s (≈ 0.01 ppm/√s).
const DRIFT_WALK: f64 = 1e-16;

/// One pair's clock difference (receiver `b` minus receiver `a`, as a function of `a`'s time).
#[derive(Clone, Debug, PartialEq)]
pub struct PairClock {
    /// Offset at `at`, seconds.
    offset: f64,
    /// Drift, seconds per second.
    drift: f64,
    /// Covariance of (offset, drift).
    p: [[f64; 2]; 2],
    /// `a`'s time of the last sample, seconds.
    at: f64,
    /// Jitter of one sample (both receivers), seconds.
    sigma: f64,
    samples: u32,
    outliers_in_a_row: u32,
    /// Outliers rejected, and restarts after a jump, so far.
    pub rejected: u64,
    /// Restarts (clock jumps) so far.
    pub jumps: u64,
    started: bool,
}

impl PairClock {
    /// A pair whose receivers each stamp with `jitter_s` of noise.
    pub fn new(jitter_s: f64) -> Self {
        Self {
            offset: 0.0,
            drift: 0.0,
            p: [[0.0; 2]; 2],
            at: 0.0,
            sigma: jitter_s * std::f64::consts::SQRT_2,
            samples: 0,
            outliers_in_a_row: 0,
            rejected: 0,
            jumps: 0,
            started: false,
        }
    }

    fn start(&mut self, t_a: f64, y: f64) {
        self.offset = y;
        self.drift = 0.0;
        // The drift is unknown to ±50 ppm at first.
        self.p = [[self.sigma * self.sigma, 0.0], [0.0, (50e-6f64).powi(2)]];
        self.at = t_a;
        self.samples = 1;
        self.outliers_in_a_row = 0;
        self.started = true;
    }

    /// Take one sample `y = t_b − t_a − (d_b − d_a)/c` at `a`'s time `t_a`; whether it was used.
    pub fn update(&mut self, t_a: f64, y: f64) -> bool {
        if !t_a.is_finite() || !y.is_finite() {
            return false;
        }
        if !self.started {
            self.start(t_a, y);
            return true;
        }
        let dt = t_a - self.at;
        // Predict.
        let offset = self.offset + self.drift * dt;
        let [[p00, p01], [p10, p11]] = self.p;
        let q = DRIFT_WALK * dt.abs();
        let p00 = p00 + dt * (p01 + p10) + dt * dt * p11 + q * dt * dt / 3.0;
        let p01 = p01 + dt * p11 + q * dt / 2.0;
        let p11 = p11 + q;
        let innovation = y - offset;
        let s = p00 + self.sigma * self.sigma;
        if innovation * innovation > OUTLIER_SIGMAS * OUTLIER_SIGMAS * s {
            self.rejected += 1;
            self.outliers_in_a_row += 1;
            if self.outliers_in_a_row >= JUMP_OUTLIERS {
                self.jumps += 1;
                self.start(t_a, y);
            }
            return false;
        }
        self.outliers_in_a_row = 0;
        let (k0, k1) = (p00 / s, p01 / s);
        self.offset = offset + k0 * innovation;
        self.drift += k1 * innovation;
        self.p = [
            [(1.0 - k0) * p00, (1.0 - k0) * p01],
            [p01 - k1 * p00, p11 - k1 * p01],
        ];
        self.at = t_a;
        self.samples += 1;
        true
    }

    /// The offset at `a`'s time `t_a`, and its standard deviation.
    pub fn offset_at(&self, t_a: f64) -> (f64, f64) {
        let dt = t_a - self.at;
        let [[p00, p01], [p10, p11]] = self.p;
        let var = p00 + dt * (p01 + p10) + dt * dt * p11;
        (self.offset + self.drift * dt, var.max(0.0).sqrt())
    }

    /// The drift, seconds per second.
    pub fn drift(&self) -> f64 {
        self.drift
    }

    /// Whether the pair can be used at `a`'s time `t_a`.
    pub fn synced(&self, t_a: f64) -> bool {
        self.started
            && self.samples >= SYNC_SAMPLES
            && (t_a - self.at).abs() <= STALE_S
            && self.offset_at(t_a).1 <= SYNC_SIGMA_S
    }
}

/// Receivers are numbered by the caller (its registry's index).
pub type ReceiverId = u16;

/// Every pair's clock, and the mapping of receivers onto one time base.
#[derive(Clone, Debug, Default)]
pub struct ClockNetwork {
    positions: BTreeMap<ReceiverId, (Ecef, f64)>,
    pairs: BTreeMap<(ReceiverId, ReceiverId), PairClock>,
    /// Each receiver's latest counter time seen: "now" on its own clock (free-running counters
    /// are hours apart, so no one "now" serves every pair).
    latest: BTreeMap<ReceiverId, f64>,
    /// Per receiver: its latest pair restart (its own time, the partner) and the jumps
    /// attributed to it.
    restarts: BTreeMap<ReceiverId, (f64, ReceiverId)>,
    /// Per receiver: jumps attributed to it, and when the last one was.
    jumps: BTreeMap<ReceiverId, (u64, f64)>,
}

/// Two of a receiver's pairs restarting within this long (its own time) mean its own clock
/// jumped, not its partners', seconds.
const JUMP_TOGETHER_S: f64 = 30.0;

/// One receiver's reception of a frame whose transmitter position is known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Heard {
    /// Which receiver.
    pub receiver: ReceiverId,
    /// Its counter time, seconds.
    pub time_s: f64,
}

/// Receivers on one time base: for each, the chain of pairs that leads to the reference
/// receiver, each with its offset and drift as they were when the base was made.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeBase {
    /// The reference receiver.
    pub reference: ReceiverId,
    /// Receiver → its hops towards the reference: a pair's clock, and whether the receiver of
    /// that hop is the pair's `b` (its time converts to `a`'s) or its `a`.
    pub paths: BTreeMap<ReceiverId, Vec<(PairClock, bool)>>,
}

impl TimeBase {
    /// `receiver`'s counter time `t` on the reference's base, with its standard deviation.
    pub fn to_reference(&self, receiver: ReceiverId, t: f64) -> Option<(f64, f64)> {
        let path = self.paths.get(&receiver)?;
        let mut time = t;
        let mut variance = 0.0;
        for (pair, from_b) in path {
            // y(t_a) = offset + drift·(t_a − at) = t_b − t_a; the pair's uncertainty is on a's
            // time.
            let t_a = if *from_b {
                (time - pair.offset + pair.drift * pair.at) / (1.0 + pair.drift)
            } else {
                time
            };
            let (y, sigma) = pair.offset_at(t_a);
            variance += sigma * sigma;
            time = if *from_b { t_a } else { time + y };
        }
        Some((time, variance.sqrt()))
    }

    /// The receivers on this base.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether no receiver is on it.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

impl ClockNetwork {
    /// A network with no receivers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or move) a receiver at `position` whose counter has `jitter_s` of noise.
    pub fn add_receiver(&mut self, id: ReceiverId, position: Ecef, jitter_s: f64) {
        self.positions.insert(id, (position, jitter_s));
    }

    /// One frame from a known position heard by several receivers: one sample for each pair.
    /// Receivers not added are ignored.
    pub fn observe(&mut self, transmitter: Ecef, heard: &[Heard]) {
        for h in heard {
            if h.time_s.is_finite() && self.positions.contains_key(&h.receiver) {
                let latest = self.latest.entry(h.receiver).or_insert(h.time_s);
                *latest = latest.max(h.time_s);
            }
        }
        for (i, a) in heard.iter().enumerate() {
            for b in &heard[i + 1..] {
                let (a, b) = if a.receiver <= b.receiver {
                    (a, b)
                } else {
                    (b, a)
                };
                if a.receiver == b.receiver {
                    continue;
                }
                let (Some(&(pa, ja)), Some(&(pb, jb))) = (
                    self.positions.get(&a.receiver),
                    self.positions.get(&b.receiver),
                ) else {
                    continue;
                };
                let y = b.time_s
                    - a.time_s
                    - (distance(transmitter, pb) - distance(transmitter, pa)) / C;
                let pair = self
                    .pairs
                    .entry((a.receiver, b.receiver))
                    .or_insert_with(|| PairClock::new(ja.max(jb)));
                let jumps = pair.jumps;
                pair.update(a.time_s, y);
                if pair.jumps > jumps {
                    self.restarted(a.receiver, a.time_s, b.receiver);
                    self.restarted(b.receiver, b.time_s, a.receiver);
                }
            }
        }
    }

    /// A pair of `receiver`'s (with `partner`) restarted at `receiver`'s time `t`: when another
    /// of its pairs restarted shortly before, the jump was its own clock's.
    fn restarted(&mut self, receiver: ReceiverId, t: f64, partner: ReceiverId) {
        let counted = self
            .jumps
            .get(&receiver)
            .is_some_and(|&(_, at)| (t - at).abs() <= JUMP_TOGETHER_S);
        if counted {
            // One jump counted once, however many pairs restart with it.
            return;
        }
        if let Some(&(before, other)) = self.restarts.get(&receiver) {
            if other != partner && (t - before).abs() <= JUMP_TOGETHER_S {
                let entry = self.jumps.entry(receiver).or_insert((0, t));
                *entry = (entry.0 + 1, t);
                return;
            }
        }
        self.restarts.insert(receiver, (t, partner));
    }

    /// Jumps of `receiver`'s clock seen so far: two or more of its pairs restarted together
    /// (a counter reset, a receiver restarted, a clock stepped). Needs three receivers.
    pub fn jumps(&self, receiver: ReceiverId) -> u64 {
        self.jumps.get(&receiver).map_or(0, |j| j.0)
    }

    /// The pair `(a, b)` with `a < b`, if it has samples.
    pub fn pair(&self, a: ReceiverId, b: ReceiverId) -> Option<&PairClock> {
        self.pairs.get(&(a.min(b), a.max(b)))
    }

    /// `a`'s latest counter time.
    fn now_of(&self, a: ReceiverId) -> f64 {
        self.latest.get(&a).copied().unwrap_or(f64::NEG_INFINITY)
    }

    /// Where the pair `(a, b)` is judged, on `a`'s time: the later of the two receivers'
    /// latest times (b's brought to a's through the pair). A receiver that stopped hearing
    /// references does not keep its pairs fresh by standing still.
    fn pair_now(&self, a: ReceiverId, b: ReceiverId, pair: &PairClock) -> f64 {
        let now_b = self.now_of(b);
        let b_in_a = if now_b.is_finite() {
            (now_b - pair.offset + pair.drift * pair.at) / (1.0 + pair.drift)
        } else {
            f64::NEG_INFINITY
        };
        self.now_of(a).max(b_in_a)
    }

    /// The time base now: from the receiver with the most synced pairs, every receiver
    /// reachable through synced pairs, along the paths of least variance (Dijkstra). Each pair
    /// is judged at the later of its two receivers' latest times. `None` when no pair is
    /// synced.
    pub fn time_base(&self) -> Option<TimeBase> {
        let synced: Vec<(&(ReceiverId, ReceiverId), &PairClock)> = self
            .pairs
            .iter()
            .filter(|((a, b), p)| p.synced(self.pair_now(*a, *b, p)))
            .collect();
        let mut degree: BTreeMap<ReceiverId, usize> = BTreeMap::new();
        for ((a, b), _) in &synced {
            *degree.entry(*a).or_default() += 1;
            *degree.entry(*b).or_default() += 1;
        }
        let reference = degree
            .iter()
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
            .map(|(r, _)| *r)?;
        // Dijkstra on variance, growing paths outwards from the reference.
        let mut paths: BTreeMap<ReceiverId, Vec<(PairClock, bool)>> = BTreeMap::new();
        let mut best: BTreeMap<ReceiverId, (f64, Vec<(PairClock, bool)>)> = BTreeMap::new();
        let mut frontier: BTreeSet<(u64, ReceiverId)> = BTreeSet::new();
        best.insert(reference, (0.0, Vec::new()));
        frontier.insert((0, reference));
        while let Some((_, u)) = frontier.pop_first() {
            if paths.contains_key(&u) {
                continue;
            }
            let (variance, path) = best[&u].clone();
            paths.insert(u, path.clone());
            for ((a, b), pair) in &synced {
                // The neighbour's time converts to u's through this pair.
                let (v, from_b) = match (*a == u, *b == u) {
                    (true, _) => (*b, true),
                    (_, true) => (*a, false),
                    _ => continue,
                };
                if paths.contains_key(&v) {
                    continue;
                }
                let sigma = pair.offset_at(self.pair_now(*a, *b, pair)).1;
                let candidate = variance + sigma * sigma;
                if best.get(&v).is_none_or(|(var, _)| candidate < *var) {
                    let mut hops = vec![((*pair).clone(), from_b)];
                    hops.extend(path.iter().cloned());
                    best.insert(v, (candidate, hops));
                    // Non-negative floats order as their bits.
                    frontier.insert((candidate.to_bits(), v));
                }
            }
        }
        Some(TimeBase { reference, paths })
    }
}

/// A 48-bit Beast counter (12 MHz) unwrapped: `previous` the last unwrapped tick count, `ticks`
/// the new raw value; the result is monotonic across a wrap (every ~272 days).
pub fn unwrap_counter(previous: u64, ticks: u64) -> u64 {
    const WRAP: u64 = 1 << 48;
    let base = previous & !(WRAP - 1);
    let candidate = base | (ticks & (WRAP - 1));
    if candidate + WRAP / 2 < previous {
        candidate + WRAP
    } else {
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_wrap_keeps_time_monotonic() {
        let near_end = (1u64 << 48) - 12;
        assert_eq!(unwrap_counter(near_end, 5), (1 << 48) + 5);
        assert_eq!(unwrap_counter(1000, 2000), 2000);
        assert_eq!(unwrap_counter((1 << 48) + 5, 10), (1 << 48) + 10);
    }

    #[test]
    fn a_pair_learns_offset_and_drift_and_rejects_outliers() {
        let mut pair = PairClock::new(50e-9);
        // 0.25 s offset, 3 ppm drift, no noise; one wild sample in the middle.
        for k in 0..200 {
            let t = f64::from(k) * 0.5;
            let y = 0.25 + 3e-6 * t + if k == 100 { 1e-3 } else { 0.0 };
            pair.update(t, y);
        }
        let (offset, sigma) = pair.offset_at(100.0);
        assert!((offset - (0.25 + 3e-4)).abs() < 1e-9, "{offset}");
        assert!((pair.drift() - 3e-6).abs() < 1e-9);
        assert!(sigma < 50e-9);
        assert_eq!(pair.rejected, 1);
        assert!(pair.synced(100.0));
        assert!(!pair.synced(100.0 + STALE_S + 1.0));
    }
}
