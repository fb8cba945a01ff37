//! Exponential backoff with jitter for reconnecting sources.
//!
//! Owns the delay sequence only: `initial · 2ⁿ`, capped at `max`, each delay multiplied by a
//! random factor in `[0.5, 1.0]` ("equal jitter") so that several vigia instances, or several
//! sources of one, do not reconnect to a restarted receiver in lock-step. The random numbers
//! come from a small xorshift generator owned by the value: no global state, no dependency.

use std::time::Duration;

/// A reconnection delay sequence.
///
/// ```
/// use std::time::Duration;
/// use vigia_feed::net::Backoff;
/// let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1), 7);
/// let first = backoff.next_delay();
/// assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
/// for _ in 0..10 {
///     assert!(backoff.next_delay() <= Duration::from_secs(1));
/// }
/// backoff.reset();
/// assert!(backoff.next_delay() <= Duration::from_millis(100));
/// ```
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
    rng: u64,
}

impl Backoff {
    /// Delays from `initial` doubling up to `max`; `seed` varies the jitter between sources.
    pub fn new(initial: Duration, max: Duration, seed: u64) -> Self {
        Self {
            initial,
            max: max.max(initial),
            attempt: 0,
            // xorshift must not start at zero.
            rng: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        }
    }

    /// The next delay to wait before reconnecting.
    pub fn next_delay(&mut self) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt.min(20));
        let ceiling = self.initial.saturating_mul(factor).min(self.max);
        self.attempt = self.attempt.saturating_add(1);
        ceiling.mul_f64(0.5 + 0.5 * self.unit())
    }

    /// Start again from `initial` (after a connection that delivered data).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// A uniform number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter_below_each_ceiling() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(800), 1);
        let ceilings = [100, 200, 400, 800, 800, 800];
        for ceiling in ceilings {
            let d = b.next_delay();
            assert!(d <= Duration::from_millis(ceiling), "{d:?} > {ceiling} ms");
            assert!(
                d >= Duration::from_millis(ceiling / 2),
                "{d:?} < {ceiling}/2 ms"
            );
        }
    }

    #[test]
    fn different_seeds_spread_the_delays() {
        let delays: Vec<Duration> = (0..8)
            .map(|seed| {
                Backoff::new(Duration::from_secs(1), Duration::from_secs(1), seed).next_delay()
            })
            .collect();
        let distinct = delays
            .iter()
            .filter(|d| delays.iter().filter(|e| e == d).count() == 1)
            .count();
        assert!(distinct >= 6, "{delays:?}");
    }
}
