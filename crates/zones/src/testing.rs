//! Helpers for the unit tests.

/// Uniform numbers in [0, 1) from a xorshift generator seeded with `seed` (not 0): the same
/// sequence on every machine, no dependency.
pub fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}
