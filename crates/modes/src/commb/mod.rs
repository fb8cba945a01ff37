//! Comm-B replies (DF20/21): which register (BDS) a 56-bit MB field holds, and its content.
//!
//! A DF20/21 reply does not say which register it carries: the ground interrogator asked
//! for one, and only it knows. A passive receiver must infer it. This module owns that
//! inference for the registers of the Enhanced Surveillance and ELS services — BDS 1,0, 1,7,
//! 2,0, 3,0, 4,0, 5,0, 6,0 — one file per register (Doc 9871 Appendix A).
//!
//! ## How a register is chosen
//! 1. **Structure.** Each register's decoder rejects payloads that break its layout:
//!    a wrong header byte (1,0, 2,0, 3,0), non-zero reserved bits, a status bit clear while
//!    its field is non-zero, values out of physical range (roll > 50°, IAS > 500 kt, an
//!    IAS/Mach pair no altitude allows, ...).
//! 2. **Evidence.** Each survivor gets a score: a matching header byte is worth 10 points
//!    (the chance that noise has it is 1/256 and its other checks pass); 4,0, 5,0 and 6,0 earn
//!    points for internal consistency (round selected altitudes, GS ≈ TAS ± wind, turn rate
//!    consistent with roll, two vertical rates that agree) and — when the caller passes a
//!    [`CommBContext`] from the aircraft's ADS-B state — for agreeing with it (ground speed
//!    and track for 5,0; heading and vertical rate for 6,0; callsign for 2,0).
//! 3. **Decision.** The best candidate wins if it leads the next by at least
//!    [`DECISION_MARGIN`] points and its score is not negative. Otherwise the reply is
//!    [`CommB::Ambiguous`] with the set of candidates: an honest "can't tell" is worth more to
//!    an analyst than a confident wrong heading. A payload no register accepts is
//!    [`CommB::Unknown`] (other registers — 4,4, 4,5, 2,1, ... — are not decoded).
//!
//! The same payload always gives the same answer for the same context: no hidden state.

pub mod bds10;
pub mod bds17;
pub mod bds20;
pub mod bds30;
pub mod bds40;
pub mod bds50;
pub mod bds60;
mod score;

pub use bds10::DataLinkCapability;
pub use bds17::GicbCapability;
pub use bds30::AcasResolutionAdvisory;
pub use bds40::SelectedVerticalIntention;
pub use bds50::TrackAndTurn;
pub use bds60::HeadingAndSpeed;
pub use score::Score;

use crate::bits::{me, me_bit};
use crate::Callsign;

/// How many points the winning register must lead the runner-up by.
pub const DECISION_MARGIN: i32 = 2;

/// What the caller knows of the aircraft from ADS-B, to test Comm-B candidates against.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct CommBContext {
    /// Ground speed, knots.
    pub groundspeed_kt: Option<f64>,
    /// Track over ground, degrees.
    pub track_deg: Option<f64>,
    /// Vertical rate, ft/min.
    pub vertical_rate_fpm: Option<f64>,
    /// Identification.
    pub callsign: Option<Callsign>,
}

/// A Comm-B register identifier.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BdsCode {
    /// 1,0 data link capability.
    Bds10,
    /// 1,7 GICB capability.
    Bds17,
    /// 2,0 aircraft identification.
    Bds20,
    /// 3,0 ACAS resolution advisory.
    Bds30,
    /// 4,0 selected vertical intention.
    Bds40,
    /// 5,0 track and turn.
    Bds50,
    /// 6,0 heading and speed.
    Bds60,
}

impl BdsCode {
    const ALL: [BdsCode; 7] = [
        BdsCode::Bds10,
        BdsCode::Bds17,
        BdsCode::Bds20,
        BdsCode::Bds30,
        BdsCode::Bds40,
        BdsCode::Bds50,
        BdsCode::Bds60,
    ];

    /// The register as usually written: `"4,0"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BdsCode::Bds10 => "1,0",
            BdsCode::Bds17 => "1,7",
            BdsCode::Bds20 => "2,0",
            BdsCode::Bds30 => "3,0",
            BdsCode::Bds40 => "4,0",
            BdsCode::Bds50 => "5,0",
            BdsCode::Bds60 => "6,0",
        }
    }
}

/// A set of candidate registers.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub struct Candidates(u8);

impl Candidates {
    fn insert(&mut self, code: BdsCode) {
        self.0 |= 1 << code as u8;
    }

    /// The registers in the set, in code order.
    pub fn iter(self) -> impl Iterator<Item = BdsCode> {
        BdsCode::ALL
            .into_iter()
            .filter(move |c| self.0 & (1 << *c as u8) != 0)
    }
}

/// A decoded register.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum Bds {
    /// 1,0.
    DataLinkCapability(DataLinkCapability),
    /// 1,7.
    GicbCapability(GicbCapability),
    /// 2,0.
    Identification(Callsign),
    /// 3,0.
    AcasResolutionAdvisory(AcasResolutionAdvisory),
    /// 4,0.
    SelectedVerticalIntention(SelectedVerticalIntention),
    /// 5,0.
    TrackAndTurn(TrackAndTurn),
    /// 6,0.
    HeadingAndSpeed(HeadingAndSpeed),
}

impl Bds {
    /// Which register this is.
    pub fn code(&self) -> BdsCode {
        match self {
            Bds::DataLinkCapability(_) => BdsCode::Bds10,
            Bds::GicbCapability(_) => BdsCode::Bds17,
            Bds::Identification(_) => BdsCode::Bds20,
            Bds::AcasResolutionAdvisory(_) => BdsCode::Bds30,
            Bds::SelectedVerticalIntention(_) => BdsCode::Bds40,
            Bds::TrackAndTurn(_) => BdsCode::Bds50,
            Bds::HeadingAndSpeed(_) => BdsCode::Bds60,
        }
    }

    /// Decode `mb` as register `code`, if its structure allows.
    pub fn decode_as(mb: u64, code: BdsCode) -> Option<Bds> {
        match code {
            BdsCode::Bds10 => DataLinkCapability::decode(mb).map(Bds::DataLinkCapability),
            BdsCode::Bds17 => GicbCapability::decode(mb).map(Bds::GicbCapability),
            BdsCode::Bds20 => bds20::decode(mb).map(Bds::Identification),
            BdsCode::Bds30 => AcasResolutionAdvisory::decode(mb).map(Bds::AcasResolutionAdvisory),
            BdsCode::Bds40 => {
                SelectedVerticalIntention::decode(mb).map(Bds::SelectedVerticalIntention)
            }
            BdsCode::Bds50 => TrackAndTurn::decode(mb).map(Bds::TrackAndTurn),
            BdsCode::Bds60 => HeadingAndSpeed::decode(mb).map(Bds::HeadingAndSpeed),
        }
    }

    fn score(&self, ctx: Option<&CommBContext>) -> Score {
        match self {
            Bds::DataLinkCapability(_) | Bds::AcasResolutionAdvisory(_) => Score(10),
            Bds::Identification(cs) => {
                let agrees = ctx.and_then(|c| c.callsign).map(|c| c == *cs);
                Score(match agrees {
                    Some(true) => 14,
                    Some(false) => 6,
                    None => 10,
                })
            }
            Bds::GicbCapability(_) => Score(1),
            Bds::SelectedVerticalIntention(b) => b.score(),
            Bds::TrackAndTurn(b) => b.score(ctx),
            Bds::HeadingAndSpeed(b) => b.score(ctx),
        }
    }
}

/// The outcome of Comm-B inference on one MB field.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum CommB {
    /// All 56 bits are zero: the transponder had nothing in the register.
    Empty,
    /// No supported register fits the payload.
    Unknown,
    /// One register fits clearly better than any other.
    Known(Bds),
    /// Several registers fit and the evidence does not separate them.
    Ambiguous(Candidates),
}

/// Infer the register an MB field holds and decode it (see the module docs for the rules).
///
/// ```
/// use vigia_modes::commb::{infer, Bds, CommB};
/// // BDS 2,0 "KLM1023" as carried in a Comm-B reply: header 0x20, then the characters.
/// match infer(0x20_2CC3_71C3_2CE0, None) {
///     CommB::Known(Bds::Identification(cs)) => assert_eq!(cs.as_str(), "KLM1023"),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn infer(mb: u64, ctx: Option<&CommBContext>) -> CommB {
    if mb == 0 {
        return CommB::Empty;
    }
    let mut best: Option<(Bds, Score)> = None;
    let mut runner_up = Score(i32::MIN);
    let mut candidates = Candidates::default();
    for code in BdsCode::ALL {
        let Some(bds) = Bds::decode_as(mb, code) else {
            continue;
        };
        candidates.insert(code);
        let score = bds.score(ctx);
        match best {
            Some((_, top)) if score <= top => runner_up = runner_up.max(score),
            Some((_, top)) => {
                runner_up = top;
                best = Some((bds, score));
            }
            None => best = Some((bds, score)),
        }
    }
    match best {
        None => CommB::Unknown,
        Some((bds, top)) => {
            let clear = runner_up == Score(i32::MIN) || top.0 - runner_up.0 >= DECISION_MARGIN;
            if clear && top.0 >= 0 {
                CommB::Known(bds)
            } else if runner_up == Score(i32::MIN) {
                CommB::Unknown
            } else {
                CommB::Ambiguous(candidates)
            }
        }
    }
}

/// A field guarded by a status bit: `Some(None)` when the status is clear and the field is
/// zero, `Some(Some(raw))` when the status is set, `None` (invalid register) when the status
/// is clear but the field is not zero.
#[inline]
pub(crate) fn field_if_status(mb: u64, status: u32, first: u32, last: u32) -> Option<Option<u32>> {
    let raw = me(mb, first, last);
    if me_bit(mb, status) {
        Some(Some(raw))
    } else if raw == 0 {
        Some(None)
    } else {
        None
    }
}

/// Interpret the low `width` bits of `raw` (sign bit first) as two's complement.
#[inline]
pub(crate) fn signed(raw: u32, width: u32) -> i32 {
    let sign = 1u32 << (width - 1);
    if raw & sign != 0 {
        raw as i32 - (1i32 << width)
    } else {
        raw as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mb(hex: &str) -> u64 {
        u64::from_str_radix(&hex[8..22], 16).unwrap_or(0)
    }

    #[test]
    fn empty_and_unknown() {
        assert_eq!(infer(0, None), CommB::Empty);
    }

    #[test]
    fn documented_bds40() {
        // pyModeS/1090 Riddle example: A000029C85E42F313000007047D3 → BDS 4,0,
        // MCP and FMS raw 3008 ft (188 × 16 ft): the selected 3 000 ft; baro 1020 hPa.
        match infer(mb("A000029C85E42F313000007047D3"), None) {
            CommB::Known(Bds::SelectedVerticalIntention(b)) => {
                assert_eq!(b.selected_altitude_mcp_ft, Some(3000));
                assert_eq!(b.selected_altitude_fms_ft, Some(3000));
                assert!((b.baro_setting_hpa.unwrap_or(0.0) - 1020.0).abs() < 0.01);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn documented_bds50() {
        // 1090 Riddle example: A000139381951536E024D4CCF6B5 → roll 2.1°, track 114.258°,
        // GS 438 kt, track rate 0.125 °/s, TAS 424 kt.
        let m = mb("A000139381951536E024D4CCF6B5");
        let b = match Bds::decode_as(m, BdsCode::Bds50) {
            Some(Bds::TrackAndTurn(b)) => b,
            other => panic!("{other:?}"),
        };
        assert!((b.roll_deg.unwrap_or(0.0) - 2.109).abs() < 0.01);
        assert!((b.track_deg.unwrap_or(0.0) - 114.258).abs() < 0.01);
        assert_eq!(b.groundspeed_kt, Some(438));
        assert!((b.track_rate_deg_s.unwrap_or(0.0) - 0.125).abs() < 1e-9);
        assert_eq!(b.tas_kt, Some(424));
        assert!(matches!(infer(m, None), CommB::Known(Bds::TrackAndTurn(_))));
    }

    #[test]
    fn documented_bds60() {
        // 1090 Riddle example: A00004128F39F91A7E27C46ADC21 → heading 42.715°, IAS 252 kt,
        // Mach 0.42, baro rate −1920 ft/min, inertial −1920 ft/min.
        let m = mb("A00004128F39F91A7E27C46ADC21");
        let b = match Bds::decode_as(m, BdsCode::Bds60) {
            Some(Bds::HeadingAndSpeed(b)) => b,
            other => panic!("{other:?}"),
        };
        assert!((b.heading_deg.unwrap_or(0.0) - 42.715).abs() < 0.01);
        assert_eq!(b.ias_kt, Some(252));
        assert!((b.mach.unwrap_or(0.0) - 0.42).abs() < 1e-9);
        assert_eq!(b.baro_rate_fpm, Some(-1920));
        assert_eq!(b.inertial_rate_fpm, Some(-1920));
        assert!(matches!(
            infer(m, None),
            CommB::Known(Bds::HeadingAndSpeed(_))
        ));
    }

    #[test]
    fn context_breaks_a_tie() {
        // A payload that is both a plausible 5,0 and 6,0 without context is settled by the
        // aircraft's ADS-B track. Build one: 5,0 with GS/TAS and no other fields cannot be
        // a 6,0 (its IAS status bit 13 would carry track bits), so construct from 6,0 side:
        // heading 90°, IAS 250, Mach 0.6, no rates.
        let heading_raw = (90.0_f64 / (90.0 / 512.0)) as u64; // 512
        let mut m: u64 = 1 << 55; // status heading
        m |= heading_raw << (56 - 12);
        m |= 1 << (56 - 13);
        m |= 250 << (56 - 23);
        m |= 1 << (56 - 24);
        m |= ((0.6_f64 / (2.048 / 512.0)) as u64) << (56 - 34);
        let ctx = CommBContext {
            track_deg: Some(95.0),
            ..Default::default()
        };
        assert!(matches!(
            infer(m, Some(&ctx)),
            CommB::Known(Bds::HeadingAndSpeed(_))
        ));
    }

    #[test]
    fn signed_fields() {
        assert_eq!(signed(0b11_1111_1111, 10), -1);
        assert_eq!(signed(0b01_1111_1111, 10), 511);
    }
}
