//! Real frames moved elsewhere: a real capture's flights flown, frame for frame, over another
//! place — the demo's real capture (recorded near Toulouse) moved to the Mexico–US border.
//!
//! Every airborne and surface position squitter (DF17 and DF18, type codes 5–18 and 20–22) is
//! decoded
//! as a receiver would (CPR pairs per aircraft, then local decoding against the aircraft's own
//! last position; surface frames against `receiver`), its position moved by a [`Relocation`]
//! and encoded again in the same CPR format, with the rest of the frame — type code, altitude,
//! status bits, address, capability — unchanged and the parity recomputed. Every other frame
//! (velocities, identification, Comm-B, all-call and surveillance replies) is kept byte for
//! byte: it carries no position. A position that cannot be decoded yet (the first frame of a
//! pair, a surface frame without a reference) is dropped, never guessed, and counted.
//!
//! The move keeps distances: each point keeps its north–south offset from the anchor in
//! degrees of latitude, and its east–west offset in metres (the longitude offset scaled by
//! the ratio of the cosines of the two latitudes), so ground speeds and tracks in the velocity
//! messages still agree with the positions. The output is synthetic — say so wherever it is
//! shown: its frames are not the ones a receiver heard.

use vigia_modes::adsb::Me;
use vigia_modes::cpr::{self, LatLon};
use vigia_modes::RawFrame;
use vigia_track::cpr_pairing::CprPairing;

/// A move of positions: `from` goes to `to`, everything else keeps its offset from them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relocation {
    /// The anchor in the original data.
    pub from: LatLon,
    /// Where the anchor goes.
    pub to: LatLon,
}

impl Relocation {
    /// Where `p` goes.
    pub fn apply(&self, p: LatLon) -> LatLon {
        let lat = p.lat - self.from.lat + self.to.lat;
        let scale = p.lat.to_radians().cos() / lat.to_radians().cos().max(1e-6);
        let mut dlon = p.lon - self.from.lon;
        if dlon > 180.0 {
            dlon -= 360.0;
        } else if dlon < -180.0 {
            dlon += 360.0;
        }
        let lon = (self.to.lon + dlon * scale + 540.0).rem_euclid(360.0) - 180.0;
        LatLon {
            lat: lat.clamp(-89.9, 89.9),
            lon,
        }
    }
}

/// What a relocation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelocationStats {
    /// Position squitters decoded, moved and encoded again.
    pub moved: u64,
    /// Position squitters dropped: not decodable (yet, or damaged extended squitters), or not
    /// encodable where they went.
    pub dropped: u64,
    /// Frames kept unchanged (no position in them).
    pub kept: u64,
}

/// Move the positions of `frames` (in time order) by `relocation`. `receiver`, where the
/// capture was recorded, decodes surface positions and first frames; the frames come back in
/// the same order, minus the positions that could not be decoded.
pub fn relocate(
    frames: &[RawFrame],
    receiver: Option<LatLon>,
    relocation: &Relocation,
) -> (Vec<RawFrame>, RelocationStats) {
    let mut pairing = CprPairing::new(receiver);
    let mut stats = RelocationStats::default();
    let mut out = Vec::with_capacity(frames.len());
    for frame in frames {
        let Ok(msg) = vigia_modes::decode(frame.message()) else {
            // An extended squitter that does not decode (a damaged one) may still hold the
            // original position, which a repairing decoder would recover: dropped.
            let df = frame.message().first().map_or(0, |b| b >> 3);
            if matches!(df, 17 | 18) {
                stats.dropped += 1;
            } else {
                stats.kept += 1;
                out.push(*frame);
            }
            continue;
        };
        let (cpr, surface) = match msg.me() {
            Some(Me::AirbornePosition(p)) if matches!(msg.df, 17 | 18) => (p.cpr, false),
            Some(Me::SurfacePosition(p)) if matches!(msg.df, 17 | 18) => (p.cpr, true),
            _ => {
                stats.kept += 1;
                out.push(*frame);
                continue;
            }
        };
        let clock = frame.ts.or(frame.receiver_seconds()).unwrap_or(f64::NAN);
        let moved = pairing
            .resolve(clock, msg.address, cpr, surface)
            .and_then(|fix| {
                moved_frame(frame, relocation.apply(fix.position), cpr.format, surface)
            });
        match moved {
            Some(f) => {
                stats.moved += 1;
                out.push(f);
            }
            None => stats.dropped += 1,
        }
    }
    (out, stats)
}

/// `frame` (a DF17 or DF18 position squitter) with its CPR position replaced by `to` in
/// `format`, parity recomputed (plain CRC: extended squitters overlay nothing on it).
fn moved_frame(
    frame: &RawFrame,
    to: LatLon,
    format: cpr::CprFormat,
    surface: bool,
) -> Option<RawFrame> {
    let mut bytes: [u8; 14] = frame.message().try_into().ok()?;
    let me = bytes[4..11]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let position = cpr::encode(to.lat, to.lon, format, surface);
    // ME bits 23–39 (latitude) and 40–56 (longitude), counted from 1 at the most significant
    // of the 56: the low 34 bits of the field.
    let me = (me & !((1u64 << 34) - 1))
        | (u64::from(position.lat_cpr) << 17)
        | u64::from(position.lon_cpr);
    bytes[4..11].copy_from_slice(&me.to_be_bytes()[1..]);
    let parity = vigia_modes::crc::checksum(&bytes[..11]);
    bytes[11..].copy_from_slice(&parity.to_be_bytes()[1..]);
    let mut moved = RawFrame::from_message(&bytes)?;
    moved.ts = frame.ts;
    moved.mlat_ticks = frame.mlat_ticks;
    moved.signal = frame.signal;
    Some(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_keeps_distances_from_the_anchor() {
        let r = Relocation {
            from: LatLon {
                lat: 43.6,
                lon: 1.4,
            },
            to: LatLon {
                lat: 32.5,
                lon: -117.0,
            },
        };
        let anchor = r.apply(r.from);
        assert!((anchor.lat - 32.5).abs() < 1e-12 && (anchor.lon + 117.0).abs() < 1e-12);
        // 1° of longitude east of the anchor at 43.6°N is 80.6 km; moved, still 80.6 km.
        let east = r.apply(LatLon {
            lat: 43.6,
            lon: 2.4,
        });
        let km = |p: LatLon, q: LatLon| {
            let (a, b) = (p.lat.to_radians(), q.lat.to_radians());
            let d = ((a.sin() * b.sin()) + a.cos() * b.cos() * (p.lon - q.lon).to_radians().cos())
                .clamp(-1.0, 1.0)
                .acos();
            d * 6371.0
        };
        let before = km(
            LatLon {
                lat: 43.6,
                lon: 1.4,
            },
            LatLon {
                lat: 43.6,
                lon: 2.4,
            },
        );
        let after = km(anchor, east);
        assert!((before - after).abs() < 0.01, "{before} {after}");
    }
}
