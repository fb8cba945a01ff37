//! De-duplication of frames heard by several receivers.
//!
//! Owns one decision: has this exact frame (same bytes) been seen within the last `window`
//! seconds? Two receivers hearing one transmission deliver identical bytes milliseconds apart;
//! an aircraft does not repeat a position frame bit for bit (the CPR coordinates move), so
//! keeping the first copy loses nothing the tracker needs. Identical identification or
//! velocity squitters repeated within the window are dropped too — harmless, they say nothing
//! new. Memory is bounded by the frames of one window: older keys are swept every window.

use rustc_hash::FxHashMap;

/// The frames seen in the last window.
///
/// ```
/// use vigia_server::service::dedup::Dedup;
/// let mut dedup = Dedup::new(0.25);
/// let frame = [0x8d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0, 0x57, 0x60, 0x98];
/// assert!(dedup.first(10.0, &frame));
/// assert!(!dedup.first(10.1, &frame)); // a second receiver
/// assert!(dedup.first(10.5, &frame)); // outside the window: a new transmission
/// ```
#[derive(Debug)]
pub struct Dedup {
    window_s: f64,
    seen: FxHashMap<(u8, [u8; 14]), f64>,
    next_sweep: f64,
    duplicates: u64,
}

impl Dedup {
    /// Frames repeated within `window_s` seconds are duplicates (0 disables).
    pub fn new(window_s: f64) -> Self {
        Self {
            window_s: window_s.max(0.0),
            seen: FxHashMap::default(),
            next_sweep: f64::NEG_INFINITY,
            duplicates: 0,
        }
    }

    /// Whether `message` received at `ts` is the first copy within the window (keep it).
    #[inline]
    pub fn first(&mut self, ts: f64, message: &[u8]) -> bool {
        if self.window_s == 0.0 || message.len() > 14 {
            return true;
        }
        if ts >= self.next_sweep {
            let horizon = ts - self.window_s;
            self.seen.retain(|_, t| *t > horizon);
            self.next_sweep = ts + self.window_s;
        }
        let mut key = [0u8; 14];
        key[..message.len()].copy_from_slice(message);
        match self.seen.get_mut(&(message.len() as u8, key)) {
            Some(t) if ts - *t <= self.window_s => {
                self.duplicates += 1;
                false
            }
            Some(t) => {
                *t = ts;
                true
            }
            None => {
                self.seen.insert((message.len() as u8, key), ts);
                true
            }
        }
    }

    /// Duplicates dropped so far.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// Frames remembered now.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_swept_every_window() {
        let mut d = Dedup::new(1.0);
        for i in 0..10_000u32 {
            let ts = f64::from(i) * 0.001; // 10 s of distinct frames at 1 kHz
            let b = i.to_be_bytes();
            assert!(d.first(ts, &[0x5d, b[0], b[1], b[2], b[3], 0, 0]));
        }
        assert!(d.len() <= 2001, "{}", d.len());
        assert_eq!(d.duplicates(), 0);
    }

    #[test]
    fn short_and_long_frames_with_the_same_prefix_differ() {
        let mut d = Dedup::new(1.0);
        assert!(d.first(0.0, &[0x5d, 1, 2, 3, 4, 5, 6]));
        assert!(d.first(0.0, &[0x5d, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0]));
        assert!(Dedup::new(0.0).first(0.0, &[1, 2]));
    }
}
