//! One cited position as evidence: the raw frames (hex) it was decoded from, the receivers and
//! error ellipse of a multilaterated one, or the archive row it was read from.

use vigia_track::Evidence;

use super::{
    r6, EllipseRecord, FrameRecord, MlatReceiverRecord, PositionMethod, PositionRecord,
    SolutionRecord, SourceRecord,
};
use crate::event::PositionEvidence;

/// One cited position, with what it was computed from.
pub fn position(p: &PositionEvidence, inputs: &[String]) -> PositionRecord {
    let frame = |f: &vigia_track::FrameRef| FrameRecord {
        ts: r6(f.ts),
        hex: f.hex().to_string(),
    };
    let method = match &p.evidence {
        Evidence::CprPair { newest, partner } => PositionMethod::CprPair {
            frames: vec![frame(newest), frame(partner)],
        },
        Evidence::CprLocal { frame: f, .. } => PositionMethod::CprLocal {
            frames: vec![frame(f)],
        },
        Evidence::Mlat(m) => PositionMethod::Mlat {
            frames: vec![frame(&m.frame)],
            receivers: m
                .heard()
                .map(|(r, ticks)| MlatReceiverRecord {
                    receiver: inputs
                        .get(usize::from(r))
                        .cloned()
                        .unwrap_or_else(|| r.to_string()),
                    ticks,
                })
                .collect(),
            error_95: EllipseRecord {
                semi_major_m: f64::from(m.semi_major_m).round(),
                semi_minor_m: f64::from(m.semi_minor_m).round(),
                orientation_deg: f64::from(m.orientation_deg).round(),
            },
            solution: SolutionRecord {
                latitude: r6(m.solution_lat),
                longitude: r6(m.solution_lon),
                error_95_m: f64::from(m.solution_error_m).round(),
            },
        },
        Evidence::Report(src) => PositionMethod::Report {
            source: SourceRecord {
                file: inputs.get(src.input as usize).cloned().unwrap_or_default(),
                record: src.record,
                line: src.line,
                row: src.row,
            },
        },
    };
    PositionRecord {
        ts: r6(p.ts),
        latitude: r6(p.lat),
        longitude: r6(p.lon),
        altitude: p.altitude_ft.map(|a| a.round() as i64),
        method,
    }
}
