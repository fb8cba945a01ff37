//! Shared helpers: a seeded random generator (no dependency) and zone loading.

use std::sync::OnceLock;
use vigia_zones::{ZoneId, ZoneIndex, ZoneSet};

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, seeded, good enough to scatter test points.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The bundled sovereign and land zones of the places the tests visit, loaded once.
pub fn north_america() -> &'static (ZoneSet, ZoneIndex) {
    static ZONES: OnceLock<(ZoneSet, ZoneIndex)> = OnceLock::new();
    ZONES.get_or_init(|| {
        let set = ZoneSet::bundled(&["MEX", "USA", "GTM", "MEX.land"]).expect("bundled zones load");
        let index = ZoneIndex::new(&set);
        (set, index)
    })
}

pub fn zone(name: &str) -> ZoneId {
    north_america().1.id(name).expect("zone is bundled")
}
