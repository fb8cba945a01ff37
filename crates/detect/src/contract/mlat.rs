//! The contract's records of multilateration: how strong a claim on MLAT positions is, and
//! what a multilaterated position cites (receivers with their counters, ellipse, solution).

use serde::{Deserialize, Serialize};

use super::r2;

/// How strong a claim resting on multilaterated positions is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlatClaimRecord {
    /// `observed`: every MLAT position cited lies farther from the boundary than its 95 %
    /// error; `possible`: one does not.
    pub confidence: String,
    /// The largest 95 % error of the MLAT positions cited, metres.
    pub uncertainty_m: f64,
    /// The smallest distance of an MLAT position to the boundary, in units of its 95 % error.
    pub clearance: f64,
}

impl MlatClaimRecord {
    pub(super) fn new(claim: &crate::event::MlatClaim) -> Self {
        Self {
            confidence: if claim.observed() {
                "observed"
            } else {
                "possible"
            }
            .into(),
            uncertainty_m: claim.uncertainty_m.round(),
            clearance: r2(claim.clearance),
        }
    }
}

/// One receiver's reception of a multilaterated reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlatReceiverRecord {
    /// The receiver's id.
    pub receiver: String,
    /// Its raw counter reading (12 MHz ticks, or GPS seconds << 30 | nanoseconds).
    pub ticks: u64,
}

/// A horizontal error ellipse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EllipseRecord {
    /// Semi-major axis, metres.
    pub semi_major_m: f64,
    /// Semi-minor axis, metres.
    pub semi_minor_m: f64,
    /// Direction of the major axis, degrees clockwise from north.
    pub orientation_deg: f64,
}

/// One reply's own MLAT solution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolutionRecord {
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Semi-major axis of its 95 % error ellipse, metres.
    pub error_95_m: f64,
}
