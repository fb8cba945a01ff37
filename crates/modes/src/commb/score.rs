//! The plausibility score used to choose among Comm-B registers that fit the same payload.

/// A small signed tally of evidence points for one candidate register.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, PartialOrd, Ord)]
pub struct Score(pub i32);

impl Score {
    /// Add (or, negative, subtract) evidence points.
    pub(crate) fn add(&mut self, points: i32) {
        self.0 += points;
    }
}
