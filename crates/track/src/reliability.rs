//! When a track's positions are trusted: readsb's position-reliability idea, as a small state
//! machine per aircraft.
//!
//! Owns the decision for each candidate position: trusted (it extends a confirmed track),
//! pending (the track is not confirmed yet), or rejected (it contradicts the confirmed track).
//! A track is confirmed once `trusted_after` mutually consistent positions follow each other,
//! and it stays confirmed while each new position is consistent with the last trusted one and
//! comes within `retrust_after_s` of it. Pending positions are released as trusted when the
//! track is confirmed, or rejected as [`RejectReason::Unconfirmed`] when a candidate
//! contradicts them, when they grow stale, or when the aircraft expires: a position is never
//! trusted on its own word. The checks themselves are `plausibility`'s.
//!
//! Not all candidates weigh the same. A position decoded locally against the *receiver* is
//! right only if the aircraft is within half a CPR zone of it, which a feed merged from
//! distant receivers breaks (the real corpus has Schiphol's apron decoded next to Toulouse).
//! Such *unanchored* candidates may extend a chain but never confirm one alone: confirmation
//! needs an anchored candidate (a global CPR pair, a local decode against the aircraft's own
//! trusted track, or an archive row). When an anchored chain and an unanchored candidate
//! disagree, the candidate is rejected; when an unanchored chain and an anchored candidate
//! disagree, the chain is.

use crate::evidence::Evidence;
use crate::plausibility::{check, Fix, Limits};
use crate::position::RejectReason;
use vigia_modes::{Callsign, Squawk};

/// A position waiting for judgement, with what a trusted position reports alongside it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Candidate {
    pub fix: Fix,
    /// Whether the position stands on its own frames or row (module docs).
    pub anchored: bool,
    pub groundspeed_kt: Option<f64>,
    pub track_deg: Option<f64>,
    pub vertical_rate_fpm: Option<f64>,
    pub callsign: Option<Callsign>,
    pub squawk: Option<Squawk>,
    pub evidence: Evidence,
}

/// The judgement of one candidate.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Judgement {
    /// Trusted: it extends the confirmed track (emit it after any released pending ones).
    Trusted(Candidate),
    /// Kept pending until the track is confirmed.
    Pending,
    /// It contradicts the confirmed track.
    Rejected(Candidate, RejectReason),
}

/// What happened to an earlier pending candidate while judging a new one.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Released {
    /// Confirmed by the new candidate.
    Trusted(Candidate),
    /// Contradicted, stale or never confirmed.
    Unconfirmed(Candidate),
}

/// The reliability state of one aircraft.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reliability {
    last_trusted: Option<Fix>,
    pending: Vec<Candidate>,
}

impl Reliability {
    /// The last trusted position, however old.
    pub fn last_trusted(&self) -> Option<&Fix> {
        self.last_trusted.as_ref()
    }

    /// Bytes held by pending candidates.
    pub fn heap_bytes(&self) -> usize {
        self.pending.capacity() * core::mem::size_of::<Candidate>()
    }

    /// Judge `candidate` (which must not be older than earlier candidates). `confirmations` is
    /// `trusted_after`; `reported_kt` the aircraft's fresh ground speed, if any. Earlier pending
    /// candidates this settles are passed to `release` first, in time order.
    pub fn judge(
        &mut self,
        candidate: Candidate,
        confirmations: usize,
        retrust_after_s: f64,
        limits: Limits,
        reported_kt: Option<f64>,
        release: &mut impl FnMut(Released),
    ) -> Judgement {
        let ts = candidate.fix.ts;
        if let Some(last) = self
            .last_trusted
            .filter(|last| ts - last.ts <= retrust_after_s)
        {
            return match check(&last, &candidate.fix, limits, reported_kt) {
                Ok(()) => {
                    self.last_trusted = Some(candidate.fix);
                    Judgement::Trusted(candidate)
                }
                Err(reason) => Judgement::Rejected(candidate, reason),
            };
        }
        // Not confirmed (or no longer): build a chain of consistent candidates.
        if self
            .pending
            .last()
            .is_some_and(|previous| ts - previous.fix.ts > retrust_after_s)
        {
            self.pending
                .drain(..)
                .for_each(|p| release(Released::Unconfirmed(p)));
        }
        let chain_holds = self.pending.last().is_none_or(|previous| {
            check(&previous.fix, &candidate.fix, limits, reported_kt).is_ok()
        });
        if !chain_holds {
            let chain_anchored = self.pending.iter().any(|p| p.anchored);
            if chain_anchored && !candidate.anchored {
                let reason = self
                    .pending
                    .last()
                    .and_then(|p| check(&p.fix, &candidate.fix, limits, reported_kt).err())
                    .unwrap_or(RejectReason::Unconfirmed);
                return Judgement::Rejected(candidate, reason);
            }
            self.pending
                .drain(..)
                .for_each(|p| release(Released::Unconfirmed(p)));
        }
        if self.pending.len() + 1 >= confirmations {
            if candidate.anchored || self.pending.iter().any(|p| p.anchored) {
                self.last_trusted = Some(candidate.fix);
                self.pending
                    .drain(..)
                    .for_each(|p| release(Released::Trusted(p)));
                return Judgement::Trusted(candidate);
            }
            // Long enough but unanchored: the oldest cannot wait for ever.
            if !self.pending.is_empty() {
                release(Released::Unconfirmed(self.pending.remove(0)));
            }
        }
        if self.pending.capacity() == 0 {
            // Exactly what confirmation needs, once per aircraft: not the 4 a Vec starts with.
            self.pending.reserve_exact(confirmations - 1);
        }
        self.pending.push(candidate);
        Judgement::Pending
    }

    /// Give up on the pending candidates (the aircraft expired or the input ended).
    pub fn abandon(&mut self, release: &mut impl FnMut(Released)) {
        self.pending
            .drain(..)
            .for_each(|p| release(Released::Unconfirmed(p)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::SourceRef;
    use crate::plausibility::Category;
    use vigia_modes::adsb::AltitudeSource;

    fn candidate(ts: f64, lat: f64) -> Candidate {
        Candidate {
            anchored: true,
            fix: Fix {
                ts,
                lat,
                lon: 7.0,
                altitude_ft: Some(30_000.0),
                altitude_source: AltitudeSource::Barometric,
                on_ground: Some(false),
            },
            groundspeed_kt: None,
            track_deg: None,
            vertical_rate_fpm: None,
            callsign: None,
            squawk: None,
            evidence: Evidence::Report(SourceRef::default()),
        }
    }

    /// Judge a sequence; returns `(ts, "T"|"P"|"R"|"U")` for every outcome in emission order.
    fn run(r: &mut Reliability, seq: &[(f64, f64)], confirmations: usize) -> Vec<(f64, char)> {
        let seq: Vec<_> = seq.iter().map(|&(ts, lat)| (ts, lat, true)).collect();
        run_anchored(r, &seq, confirmations)
    }

    /// Like `run`, with each candidate's `anchored` given.
    fn run_anchored(
        r: &mut Reliability,
        seq: &[(f64, f64, bool)],
        confirmations: usize,
    ) -> Vec<(f64, char)> {
        let mut out = Vec::new();
        for &(ts, lat, anchored) in seq {
            let mut released = Vec::new();
            let judgement = r.judge(
                Candidate {
                    anchored,
                    ..candidate(ts, lat)
                },
                confirmations,
                60.0,
                Category::Transport.limits(),
                None,
                &mut |x| released.push(x),
            );
            for x in released {
                out.push(match x {
                    Released::Trusted(c) => (c.fix.ts, 'T'),
                    Released::Unconfirmed(c) => (c.fix.ts, 'U'),
                });
            }
            out.push(match judgement {
                Judgement::Trusted(c) => (c.fix.ts, 'T'),
                Judgement::Pending => (ts, 'P'),
                Judgement::Rejected(c, _) => (c.fix.ts, 'R'),
            });
        }
        out
    }

    #[test]
    fn two_consistent_positions_confirm_the_track() {
        let mut r = Reliability::default();
        let got = run(&mut r, &[(0.0, 45.0), (1.0, 45.001), (2.0, 45.002)], 2);
        assert_eq!(got, vec![(0.0, 'P'), (0.0, 'T'), (1.0, 'T'), (2.0, 'T')]);
    }

    #[test]
    fn a_lone_garbage_position_never_becomes_trusted() {
        // Garbage first: it is contradicted by the next one and released as unconfirmed.
        let mut r = Reliability::default();
        let got = run(&mut r, &[(0.0, 47.0), (1.0, 45.0), (2.0, 45.001)], 2);
        assert_eq!(
            got,
            vec![(0.0, 'P'), (0.0, 'U'), (1.0, 'P'), (1.0, 'T'), (2.0, 'T')]
        );
        // Garbage inside a confirmed track: rejected, the track goes on.
        let got = run(&mut r, &[(3.0, 47.0), (4.0, 45.003)], 2);
        assert_eq!(got, vec![(3.0, 'R'), (4.0, 'T')]);
    }

    #[test]
    fn a_stale_track_must_be_confirmed_again() {
        let mut r = Reliability::default();
        run(&mut r, &[(0.0, 45.0), (1.0, 45.001)], 2);
        let got = run(&mut r, &[(100.0, 45.1), (101.0, 45.101)], 2);
        assert_eq!(got, vec![(100.0, 'P'), (100.0, 'T'), (101.0, 'T')]);
        // A stale pending candidate does not confirm a new one.
        let mut r = Reliability::default();
        let got = run(&mut r, &[(0.0, 45.0), (100.0, 45.1)], 2);
        assert_eq!(got, vec![(0.0, 'P'), (0.0, 'U'), (100.0, 'P')]);
        let mut released = Vec::new();
        r.abandon(&mut |x| released.push(x));
        assert!(matches!(released[..], [Released::Unconfirmed(c)] if c.fix.ts == 100.0));
    }

    #[test]
    fn unanchored_positions_never_confirm_alone() {
        // Receiver-local positions (a wrong receiver for this aircraft), then global pairs.
        let mut r = Reliability::default();
        let got = run_anchored(
            &mut r,
            &[
                (0.0, 43.3, false),
                (1.0, 43.3, false),
                (2.0, 52.3, true),
                (3.0, 43.3, false),
                (4.0, 52.3, true),
                (5.0, 52.3, false),
            ],
            2,
        );
        assert_eq!(
            got,
            vec![
                (0.0, 'P'),
                (0.0, 'U'), // long enough, unanchored: the oldest gives way
                (1.0, 'P'),
                (1.0, 'U'), // contradicted by an anchored candidate
                (2.0, 'P'),
                (3.0, 'R'), // contradicts the anchored chain
                (2.0, 'T'),
                (4.0, 'T'),
                (5.0, 'T'), // consistent with the trusted track: fine
            ]
        );
    }

    #[test]
    fn more_confirmations_and_one() {
        let mut r = Reliability::default();
        let got = run(&mut r, &[(0.0, 45.0), (1.0, 45.001), (2.0, 45.002)], 3);
        assert_eq!(
            got,
            vec![(0.0, 'P'), (1.0, 'P'), (0.0, 'T'), (1.0, 'T'), (2.0, 'T')]
        );
        assert_eq!(r.heap_bytes(), 2 * core::mem::size_of::<Candidate>());
        let mut r = Reliability::default();
        assert_eq!(run(&mut r, &[(0.0, 45.0)], 1), vec![(0.0, 'T')]);
        assert_eq!(r.heap_bytes(), 0);
    }
}
