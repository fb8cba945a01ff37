//! Counters of what the tracker saw and did, for `--stats` and for tests.
//!
//! Owns the counters only; they are updated where things happen (`tracker`, `aircraft`).

use crate::position::RejectKind;

/// What the tracker has seen and done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrackStats {
    /// Frames pushed (decoded or not).
    pub frames: u64,
    /// Frames that did not decode (bad parity, unknown format, wrong length).
    pub undecodable: u64,
    /// 56-bit replies (DF0/4/5/11) that came in a 112-bit container (some receivers pad every
    /// reply to 112 bits); decoded from their first 56 bits. Non-zero means the receiver pads.
    pub long_containers: u64,
    /// Decoded frames with nothing for the tracker: DF19, DF24, TIS-B, ADS-R, anonymous DF18,
    /// and replies with a recovered address that carry no identity (DF0, DF4, DF16, most DF20).
    pub ignored: u64,
    /// Replies with a recovered address and some content (DF5, DF21, DF20 identification),
    /// from aircraft never heard with a verified address (most are corrupted replies: any
    /// corruption yields "an address").
    pub unknown_address: u64,
    /// State vectors (archive rows) pushed.
    pub states: u64,
    /// Multilaterated positions pushed.
    pub mlat: u64,
    /// Records without a usable timestamp.
    pub untimed: u64,
    /// Records that arrived after later records of their aircraft had been processed.
    pub late: u64,
    /// Forward jumps of the stream clock held back until a second record confirmed them.
    pub clock_jumps_held: u64,
    /// Fresh even/odd pairs that did not decode (latitudes in different CPR longitude zones,
    /// or no valid latitude): frames of two aircraft, or an aircraft crossing a zone boundary.
    pub cpr_undecodable_pairs: u64,
    /// Surface position frames that could not be placed: surface CPR needs a reference (the
    /// receiver's position, `--ref`, or the aircraft's own recent position), and there was none.
    pub surface_without_reference: u64,
    /// Trusted positions emitted.
    pub positions: u64,
    /// Trusted positions that start a new segment of their flight: the previous trusted
    /// position could not have been reached at the category's speed (re-acquired after a
    /// spoofed or garbled stretch).
    pub segment_breaks: u64,
    /// Flights ended.
    pub flights: u64,
    /// Aircraft dropped after `expire_after_s` without being heard (or `unconfirmed_expire_s`
    /// for those never confirmed).
    pub expired: u64,
    /// Gaps reported quiet (`TrackEvent::Quiet`).
    pub quiet: u64,
    /// Aircraft dropped because `max_aircraft` were held (never-confirmed and least recently
    /// heard first).
    pub evicted: u64,
    /// Most aircraft held at once.
    pub aircraft_peak: u64,
    /// Most records held at once in the reordering window.
    pub window_peak: u64,
    /// Records released before their time because the window held
    /// [`MAX_WINDOW_RECORDS`](crate::reorder::MAX_WINDOW_RECORDS) (a burst stamped within the
    /// window: a huge snapshot, a flood).
    pub window_full: u64,
    rejected: [u64; RejectKind::ALL.len()],
}

impl TrackStats {
    /// Rejected positions of one kind.
    pub fn rejected(&self, kind: RejectKind) -> u64 {
        self.rejected[kind.index()]
    }

    /// Rejected positions of all kinds.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().sum()
    }

    /// The kinds with at least one rejection, with their counts, in report order.
    pub fn rejected_by_kind(&self) -> impl Iterator<Item = (RejectKind, u64)> + '_ {
        RejectKind::ALL
            .into_iter()
            .map(|kind| (kind, self.rejected(kind)))
            .filter(|&(_, n)| n > 0)
    }

    pub(crate) fn count_rejected(&mut self, kind: RejectKind) {
        self.rejected[kind.index()] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_by_kind() {
        let mut stats = TrackStats::default();
        stats.count_rejected(RejectKind::Unconfirmed);
        stats.count_rejected(RejectKind::Unconfirmed);
        stats.count_rejected(RejectKind::ImpossibleSpeed);
        assert_eq!(stats.rejected_total(), 3);
        let kinds: Vec<_> = stats.rejected_by_kind().collect();
        assert_eq!(
            kinds,
            vec![
                (RejectKind::ImpossibleSpeed, 1),
                (RejectKind::Unconfirmed, 2)
            ]
        );
    }
}
