//! The reordering window: records held by timestamp until the stream's clock is far enough
//! past them, then released in time order.
//!
//! Owns the stream clock ([`StreamClock`]) and the ordered buffers ([`OrderedBuffer`]).
//! Frames merged from several receivers arrive slightly out of order; holding each record
//! until the clock (the latest timestamp seen) is `window` seconds past it restores their
//! order. The clock ignores a single record that jumps far ahead (a corrupted or mis-set
//! timestamp would otherwise release everything at once and expire every aircraft): a jump of
//! more than [`MAX_CLOCK_STEP_S`] is taken only when the next record confirms it. Whether a
//! released record is *late* for its aircraft is `aircraft`'s call.
//!
//! In-order input costs one comparison and a push at the back; a record out of order is
//! inserted by binary search.

use std::collections::VecDeque;

/// Most records the window holds (frames and reports together). Past it the earliest are
/// released at once, whatever the clock: memory stays bounded when a burst is stamped within the
/// window (a snapshot of a million aircraft, a flood of spoofed frames).
pub const MAX_WINDOW_RECORDS: usize = 200_000;

/// Largest forward step of the stream clock taken on one record's word, seconds.
pub const MAX_CLOCK_STEP_S: f64 = 60.0;

/// The stream clock: the latest timestamp seen, robust to a lone jump ahead.
#[derive(Clone, Debug)]
pub(crate) struct StreamClock {
    now: f64,
    jump: Option<f64>,
    jumps_held: u64,
}

impl Default for StreamClock {
    fn default() -> Self {
        Self {
            now: f64::NEG_INFINITY,
            jump: None,
            jumps_held: 0,
        }
    }
}

impl StreamClock {
    /// The latest timestamp taken, or −∞ before any.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Forward jumps held back so far.
    pub fn jumps_held(&self) -> u64 {
        self.jumps_held
    }

    /// Take a record stamped `ts` (finite) into account.
    #[inline]
    pub fn observe(&mut self, ts: f64) {
        if ts <= self.now {
            return;
        }
        if ts - self.now <= MAX_CLOCK_STEP_S || self.now == f64::NEG_INFINITY {
            self.now = ts;
            self.jump = None;
            return;
        }
        match self.jump {
            Some(first) if (ts - first).abs() <= MAX_CLOCK_STEP_S => {
                self.now = ts.max(first);
                self.jump = None;
            }
            _ => {
                self.jump = Some(ts);
                self.jumps_held += 1;
            }
        }
    }
}

/// Records ordered by timestamp; equal timestamps keep their arrival order.
#[derive(Debug)]
pub(crate) struct OrderedBuffer<T> {
    items: VecDeque<(f64, T)>,
    peak: usize,
}

impl<T> Default for OrderedBuffer<T> {
    fn default() -> Self {
        Self {
            items: VecDeque::new(),
            peak: 0,
        }
    }
}

impl<T> OrderedBuffer<T> {
    /// Most records held at once.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Records held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Bytes allocated for held records.
    pub fn heap_bytes(&self) -> usize {
        self.items.capacity() * core::mem::size_of::<(f64, T)>()
    }

    /// Hold `item` stamped `ts`.
    #[inline]
    pub fn push(&mut self, ts: f64, item: T) {
        match self.items.back() {
            Some((last, _)) if *last > ts => {
                let at = self.items.partition_point(|(t, _)| *t <= ts);
                self.items.insert(at, (ts, item));
            }
            _ => self.items.push_back((ts, item)),
        }
        self.peak = self.peak.max(self.items.len());
    }

    /// The earliest timestamp held.
    #[inline]
    pub fn front_ts(&self) -> Option<f64> {
        self.items.front().map(|(ts, _)| *ts)
    }

    /// Take the earliest record.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, T)> {
        self.items.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Push into a buffer under a clock; release what is `window` behind the clock.
    fn run(records: &[(f64, char)], window: f64) -> (Vec<char>, Vec<char>) {
        let mut clock = StreamClock::default();
        let mut buffer = OrderedBuffer::default();
        let mut released = Vec::new();
        for &(ts, name) in records {
            clock.observe(ts);
            buffer.push(ts, name);
            while buffer.front_ts().is_some_and(|t| t <= clock.now() - window) {
                released.extend(buffer.pop().map(|(_, x)| x));
            }
        }
        let rest = core::iter::from_fn(|| buffer.pop())
            .map(|(_, x)| x)
            .collect();
        (released, rest)
    }

    #[test]
    fn restores_order_within_the_window() {
        let (released, rest) = run(
            &[
                (10.0, 'a'),
                (11.5, 'c'),
                (11.0, 'b'),
                (13.2, 'd'),
                (16.0, 'e'),
            ],
            2.0,
        );
        assert_eq!(released, vec!['a', 'b', 'c', 'd']);
        assert_eq!(rest, vec!['e']);
    }

    #[test]
    fn equal_timestamps_keep_arrival_order() {
        let (_, rest) = run(&[(5.0, '1'), (6.0, '3'), (5.0, '2')], 10.0);
        assert_eq!(rest, vec!['1', '2', '3']);
    }

    #[test]
    fn a_lone_jump_does_not_move_the_clock() {
        let mut clock = StreamClock::default();
        clock.observe(100.0);
        clock.observe(86_500.0); // a corrupted timestamp, a day ahead
        assert_eq!(clock.now(), 100.0);
        clock.observe(101.0);
        assert_eq!(clock.now(), 101.0);
        // A real jump (a coverage gap) is confirmed by the next record.
        clock.observe(1000.0);
        assert_eq!(clock.now(), 101.0);
        clock.observe(1001.0);
        assert_eq!((clock.now(), clock.jumps_held()), (1001.0, 2));
    }
}
