//! Reception: which transmissions a receiver hears, when, how loud, and with what damage.
//!
//! Owns the receiver model. A frame is heard when the aircraft is within the receiver's
//! range and radio horizon (`1.23·(√h_aircraft + √h_antenna)` nm, heights in feet — the
//! 4/3-Earth radio horizon); it is then lost with the receiver's base probability, rising to
//! certainty over the last fifth of the range. Heard frames arrive after the propagation
//! delay, stamped with the receiver's 12 MHz counter (which starts at a random value, as a
//! real receiver's does) and a signal level falling with distance. With probability
//! `noise`, one bit of the frame is flipped. Clock faults shift the stamps afterwards
//! ([`apply_time_jumps`]).

use crate::frame::{Emission, FrameFault, SimFrame};
use crate::geo::{distance_m, Point, METRES_PER_NM};
use crate::rng::Rng;
use crate::scenario::{Fault, Receiver};
use vigia_mlat::Geodetic;

/// Feet to metres.
const FT: f64 = 0.3048;

/// Speed of light, m/s.
const C_MPS: f64 = 299_792_458.0;
/// Beast MLAT counter frequency, Hz.
pub const MLAT_HZ: f64 = 12e6;
/// The counter is 48 bits wide.
const MLAT_MASK: u64 = (1 << 48) - 1;

/// Counts of what a receiver did with the transmissions it was offered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceptionStats {
    /// Frames heard (output), including damaged ones.
    pub heard: u64,
    /// Frames beyond range or horizon.
    pub out_of_range: u64,
    /// Frames lost in range.
    pub lost: u64,
    /// Heard frames with a flipped bit.
    pub bit_errors: u64,
}

/// A receiver ready to hear: its model and its counter's start.
pub struct Station<'a> {
    index: usize,
    spec: &'a Receiver,
    position: Option<Point>,
    antenna: Option<vigia_mlat::Ecef>,
    counter_offset: u64,
}

impl<'a> Station<'a> {
    /// Receiver number `index` of a scenario seeded with `seed`.
    pub fn new(index: usize, spec: &'a Receiver, seed: u64) -> Self {
        let mut rng = Rng::stream(seed, &format!("clock:{}", spec.name));
        Self {
            index,
            spec,
            position: spec.position.map(|p| Point::new(p[0], p[1])),
            antenna: spec
                .position
                .map(|p| Geodetic::new(p[0], p[1], spec.altitude_ft * FT).to_ecef()),
            counter_offset: rng.below(1 << 40),
        }
    }

    /// The counter reading of a frame arriving `t` seconds after the start: a 12 MHz counter
    /// from its random start, running `drift_ppm` fast, or a GPS counter (seconds of the UTC
    /// day in the upper 18 bits, nanoseconds in the lower 30); either with `jitter_ns` of noise.
    fn stamp(&self, t: f64, start_unix: f64, rng: &mut Rng) -> u64 {
        let jitter = if self.spec.jitter_ns > 0.0 {
            self.spec.jitter_ns * 1e-9 * rng.normal()
        } else {
            0.0
        };
        if self.spec.clock == "gps" {
            let utc = start_unix + t + jitter;
            let day_s = utc.rem_euclid(86_400.0);
            let seconds = day_s.floor();
            let ns = (((day_s - seconds) * 1e9).round() as u64).min(999_999_999);
            return ((seconds as u64) << 30) | ns;
        }
        let local = t * (1.0 + self.spec.drift_ppm * 1e-6) + jitter;
        ((local * MLAT_HZ).round() as u64).wrapping_add(self.counter_offset) & MLAT_MASK
    }

    /// The frames this receiver outputs for one aircraft's transmissions (`emissions` in
    /// time order); times in seconds after the start are turned into Unix time with
    /// `start_unix`.
    pub fn hear(
        &self,
        emissions: &[Emission],
        start_unix: f64,
        seed: u64,
        stats: &mut ReceptionStats,
    ) -> Vec<SimFrame> {
        let Some(first) = emissions.first() else {
            return Vec::new();
        };
        let mut rng = Rng::stream(seed, &format!("rx:{}:{}", self.spec.name, first.aircraft));
        let range_m = self.spec.range_nm * METRES_PER_NM;
        let mut frames = Vec::new();
        for e in emissions {
            let distance = self.position.map_or(0.0, |p| distance_m(p, e.from));
            if self.position.is_some() {
                let horizon_nm =
                    1.23 * (e.altitude_ft.max(0.0).sqrt() + self.spec.altitude_ft.max(0.0).sqrt());
                if distance > range_m || distance > horizon_nm * METRES_PER_NM {
                    stats.out_of_range += 1;
                    continue;
                }
            }
            let fringe = ((distance / range_m - 0.8) / 0.2).clamp(0.0, 1.0);
            let loss = self.spec.loss + (1.0 - self.spec.loss) * fringe * fringe;
            if rng.chance(loss) {
                stats.lost += 1;
                continue;
            }
            // Propagation over the straight line from the aircraft to the antenna (WGS-84).
            let slant = self.antenna.map_or(0.0, |antenna| {
                let from = Geodetic::new(e.from.lat, e.from.lon, e.altitude_ft.max(0.0) * FT);
                vigia_mlat::geodesy::distance(from.to_ecef(), antenna)
            });
            let arrival = e.t + slant / C_MPS;
            let ticks = self.stamp(arrival, start_unix, &mut rng);
            let level = 255.0 * (5.0 * METRES_PER_NM / distance.max(5.0 * METRES_PER_NM));
            let signal = (level * rng.uniform(0.85, 1.0)).clamp(8.0, 255.0) as u8;
            let mut frame = SimFrame {
                ts: start_unix + arrival,
                mlat_ticks: ticks,
                signal,
                receiver: self.index,
                aircraft: Some(e.aircraft),
                len: e.len,
                bytes: e.bytes,
                content: e.content,
                fault: e.fault,
            };
            if rng.chance(self.spec.noise) {
                // Any bit after the downlink format: the frame stays the same kind of reply.
                let bit = 5 + rng.below(u64::from(e.len) * 8 - 5) as usize;
                frame.bytes[bit / 8] ^= 0x80 >> (bit % 8);
                frame.fault = Some(FrameFault::BitError);
                stats.bit_errors += 1;
            }
            stats.heard += 1;
            frames.push(frame);
        }
        frames
    }

    /// Garbage frames this receiver outputs at `rate_per_s` from `0` to `end_s` seconds.
    pub fn garbage(
        &self,
        rate_per_s: f64,
        end_s: f64,
        start_unix: f64,
        rng: &mut Rng,
    ) -> Vec<SimFrame> {
        // Formats a receiver lets through without a checkable CRC, and DF17 with a bad one.
        const DFS: [u8; 6] = [4, 5, 11, 17, 20, 21];
        let mut frames = Vec::new();
        let mut t = rng.exponential(rate_per_s);
        while t <= end_s {
            let df = DFS[rng.below(DFS.len() as u64) as usize];
            let len: u8 = if df >= 16 { 14 } else { 7 };
            let mut bytes = [0u8; 14];
            for b in bytes.iter_mut().take(usize::from(len)) {
                *b = rng.below(256) as u8;
            }
            bytes[0] = (df << 3) | (bytes[0] & 0x07);
            frames.push(SimFrame {
                ts: start_unix + t,
                mlat_ticks: self.stamp(t, start_unix, rng),
                signal: rng.uniform(8.0, 40.0) as u8,
                receiver: self.index,
                aircraft: None,
                len,
                bytes,
                content: crate::frame::Content::Garbage,
                fault: Some(FrameFault::Garbage),
            });
            t += rng.exponential(rate_per_s);
        }
        frames
    }
}

impl Station<'_> {
    /// `frame` (another receiver's) as this receiver outputs it when it relays it `delay_s`
    /// later: its own counter at that time, its own index.
    pub fn relay(
        &self,
        frame: &SimFrame,
        delay_s: f64,
        start_unix: f64,
        rng: &mut Rng,
    ) -> SimFrame {
        let t = frame.ts - start_unix + delay_s;
        SimFrame {
            ts: frame.ts + delay_s,
            mlat_ticks: self.stamp(t, start_unix, rng),
            receiver: self.index,
            fault: Some(FrameFault::Replayed),
            ..*frame
        }
    }
}

/// Shift the stamps of frames received after each [`Fault::TimeJump`]: Unix time by the jump
/// and the 12 MHz counter likewise. `start_unix` locates the jump; `names` are the receivers'.
pub fn apply_time_jumps(
    frames: &mut [SimFrame],
    faults: &[Fault],
    names: &[String],
    start_unix: f64,
) {
    for fault in faults {
        let Fault::TimeJump {
            at_s,
            jump_s,
            receiver,
        } = fault
        else {
            continue;
        };
        let only = receiver
            .as_ref()
            .and_then(|name| names.iter().position(|n| n == name));
        let at = start_unix + at_s;
        let ticks = (jump_s * MLAT_HZ).round() as i64;
        for f in frames.iter_mut() {
            if f.ts >= at && only.is_none_or(|r| r == f.receiver) {
                f.ts += jump_s;
                f.mlat_ticks = (f.mlat_ticks as i64).wrapping_add(ticks) as u64 & MLAT_MASK;
            }
        }
    }
}
