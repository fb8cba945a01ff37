//! The clock of a live source: frames that carry their receiver's 12 MHz counter are timed by
//! it, one clock per receiver counter ([`vigia_feed::ReceiverClocks`]), anchored to the wall
//! clock where each first appears — so that a capture replayed faster than real time keeps the
//! aircraft's timing — until the source shows that its counter is not a clock.

/// The receiver-counter clocks of one source, until the source shows that its counter is not
/// a clock (standing still while frames keep arriving): then it is timed by arrival. A zero
/// reading is no reading (that frame is timed by arrival).
#[derive(Debug, Default)]
pub(crate) struct SourceClock {
    clocks: vigia_feed::ReceiverClocks,
    /// The last counter reading and when it arrived.
    last: Option<(f64, f64)>,
    unusable: bool,
}

impl SourceClock {
    /// The time of a frame whose counter reads `seconds`, arrived at `arrival`; `None` when
    /// this source's counter is not usable.
    pub(crate) fn time(&mut self, seconds: f64, arrival: f64) -> Option<f64> {
        if self.unusable {
            return None;
        }
        let stuck = self
            .last
            .is_some_and(|(counter, at)| counter == seconds && arrival - at > 2.0);
        if stuck {
            self.unusable = true;
            return None;
        }
        if seconds <= 0.0 {
            // A zero counter is "no counter" (feeders that do not stamp send zeros).
            return None;
        }
        if self.last.is_none_or(|(counter, _)| counter != seconds) {
            self.last = Some((seconds, arrival));
        }
        Some(self.clocks.time_anchored(seconds, arrival))
    }
}

/// The clocks of a service's sources, by source index (sources are configured: bounded) —
/// the pipeline's for `vigia run`, the gateway's for the frame bus.
#[derive(Debug, Default)]
pub(crate) struct SourceClocks(rustc_hash::FxHashMap<u16, SourceClock>);

impl SourceClocks {
    /// The time of `frame` from source `source`, arrived at `received`: by its receiver's
    /// counter while the source's counter is a clock, else its arrival.
    pub(crate) fn time(
        &mut self,
        source: u16,
        frame: &vigia_modes::RawFrame,
        received: f64,
    ) -> f64 {
        frame
            .receiver_seconds()
            .and_then(|seconds| self.0.entry(source).or_default().time(seconds, received))
            .unwrap_or(received)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_is_a_clock_until_it_stands_still() {
        let mut c = SourceClock::default();
        // Zero is no reading; the first reading is anchored at its arrival.
        assert_eq!(c.time(0.0, 1_000.0), None);
        assert_eq!(c.time(50.0, 1_000.5), Some(1_000.5));
        // Ten seconds of counter in one second of arrivals (a replay at 10x): counter time.
        assert_eq!(c.time(60.0, 1_001.5), Some(1_010.5));
        // The same reading 3 s of arrivals later: the counter stands still, it is no clock.
        assert_eq!(c.time(60.0, 1_004.6), None);
        assert_eq!(c.time(70.0, 1_005.0), None, "for good");
    }
}
