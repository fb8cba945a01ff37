//! The surveillance score: a number in `[0, 1]` per flight and the reasons behind it.
//!
//! Each reason carries a weight `w` in `(0, 1)`; the score is the noisy-OR of the weights,
//! `1 − Π(1 − w)`: independent hints add up, none alone reaches 1, and the order does not
//! matter. The weights are judgement, written down here so anyone can disagree with a
//! number rather than with a black box:
//!
//! | reason | weight |
//! |---|---|
//! | ISR type (dedicated: MQ-9, RC-135, P-8, ...) from the aircraft database | 0.60 |
//! | ISR-capable airframe (King Air 350, PC-12, ...) | 0.10 |
//! | address in a military block / database military flag | 0.35 |
//! | military callsign prefix (ICAO Doc 8585) | 0.30 |
//! | ISR mission callsign (press reports) | 0.40 |
//! | orbits totalling ≥ 2 h on station | 0.50 |
//! | orbits totalling 20 min – 2 h | 0.30 |
//! | survey grid | 0.30 |
//! | squawk 7400 (UAV lost link) | 0.40 |
//! | emitter category B6 (UAV) | 0.40 |
//! | no callsign in ≥ 10 min of trusted positions | 0.05 |
//!
//! The score is rounded to 0.01 here, once, so that every output (JSON, Markdown, API, map)
//! shows the same number and compares the same number with [`SURVEILLANCE_LIKE`], the one
//! line above which a flight is called surveillance-like everywhere.
//!
//! `docs/evaluation.md` reports how the score separates the real calibration flights from the
//! airliners.

use vigia_modes::{Callsign, Squawk};

use crate::identity::{CallsignKind, Identity, IdentityResolver, IsrWeight};

/// A flight scoring at least this is *surveillance-like*: listed as such in `vigia analyze`'s
/// summary and reports, and the default threshold of alert rules that ask for it. One
/// constant for every output; `docs/evaluation.md` shows where it falls on real flights
/// (one ISR-typical reason — a military callsign prefix, 20 min of orbits or a survey grid —
/// reaches it; an airliner's missing callsign does not).
pub const SURVEILLANCE_LIKE: f64 = 0.3;

/// One reason that raised the score.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// Stable code, e.g. `isr_type`.
    pub code: &'static str,
    /// Human text, e.g. "ISR type Q9 (General Atomics MQ-9 Reaper / Predator B)".
    pub text: String,
    /// Its weight.
    pub weight: f64,
}

/// The facts of one flight the score looks at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlightFacts<'a> {
    /// Identity.
    pub identity: Option<&'a Identity>,
    /// Callsign prefix kind and operator, if the callsign matched one.
    pub callsign_prefix: Option<(CallsignKind, &'a str, &'a str)>,
    /// Time on station in orbits (all episodes), seconds.
    pub orbit_time_s: Option<f64>,
    /// Survey grids flown.
    pub surveys: usize,
    /// Mode A codes heard.
    pub squawks: Vec<u16>,
    /// Emitter category (`B6` for UAV), when heard.
    pub uav_category: bool,
    /// Whether a callsign was heard.
    pub has_callsign: bool,
    /// Duration of trusted positions, seconds.
    pub duration_s: f64,
}

/// Score a flight.
///
/// ```
/// use vigia_detect::score::{score, FlightFacts};
/// let (s, reasons) = score(&FlightFacts { orbit_time_s: Some(3.0 * 3600.0), ..Default::default() });
/// assert!((s - 0.5).abs() < 1e-9);
/// assert_eq!(reasons[0].code, "orbit");
/// ```
pub fn score(f: &FlightFacts) -> (f64, Vec<Reason>) {
    let mut reasons = Vec::new();
    let mut add =
        |code: &'static str, text: String, weight: f64| reasons.push(Reason { code, text, weight });
    if let Some(id) = f.identity {
        if let Some(t) = &id.isr_type {
            match t.weight {
                IsrWeight::Dedicated => add(
                    "isr_type",
                    format!("ISR type {} ({})", t.designator, t.aircraft),
                    0.60,
                ),
                IsrWeight::Airframe => add(
                    "isr_airframe",
                    format!("ISR-capable airframe {} ({})", t.designator, t.aircraft),
                    0.10,
                ),
            }
        }
        if let Some(block) = &id.military_block {
            add(
                "military_address",
                format!("address in the {block} block"),
                0.35,
            );
        } else if id.record.as_ref().is_some_and(|r| r.military) {
            add(
                "military_address",
                "flagged military by the aircraft database".to_string(),
                0.35,
            );
        }
    }
    if let Some((kind, prefix, operator)) = f.callsign_prefix {
        match kind {
            CallsignKind::Military => add(
                "military_callsign",
                format!("callsign prefix {prefix}: {operator}"),
                0.30,
            ),
            CallsignKind::Isr => add(
                "isr_callsign",
                format!("callsign prefix {prefix}: {operator} (unofficial)"),
                0.40,
            ),
        }
    }
    if let Some(s) = f.orbit_time_s {
        let hours = s / 3600.0;
        if s >= 2.0 * 3600.0 {
            add("orbit", format!("orbit {hours:.1} h on station"), 0.50);
        } else {
            add(
                "orbit",
                format!("orbit {:.0} min on station", s / 60.0),
                0.30,
            );
        }
    }
    if f.surveys > 0 {
        add("survey", format!("{} survey grid(s)", f.surveys), 0.30);
    }
    if f.squawks.contains(&0o7400) {
        add(
            "squawk_7400",
            "squawk 7400 (UAV lost link)".to_string(),
            0.40,
        );
    }
    if f.uav_category {
        add(
            "uav_category",
            "emitter category B6 (UAV)".to_string(),
            0.40,
        );
    }
    if !f.has_callsign && f.duration_s >= 600.0 {
        add(
            "no_callsign",
            format!("no callsign in {:.0} min of positions", f.duration_s / 60.0),
            0.05,
        );
    }
    let s = 1.0 - reasons.iter().map(|r| 1.0 - r.weight).product::<f64>();
    // Rounded once, here: every output shows and compares the same number.
    ((s * 100.0).round() / 100.0, reasons)
}

/// The score of a flight in progress, with its reasons, from what is known as it flies —
/// identity, callsign, squawk, time so far, and the time on station of the orbits already
/// reported live — rounded to 0.01 as every score is shown. The flight record's score (when
/// the flight ends) adds what needs the whole track: surveys, the emitter category.
///
/// ```
/// use vigia_detect::identity::IdentityResolver;
/// use vigia_detect::score::live_score;
/// use vigia_modes::IcaoAddress;
/// let resolver = IdentityResolver::new(None);
/// let military = resolver.identify(IcaoAddress::new(0xae01c5));
/// let (on_station, reasons) = live_score(&resolver, &military, None, None, 600.0, Some(7200.0));
/// assert!(on_station > live_score(&resolver, &military, None, None, 600.0, None).0);
/// assert!(reasons.iter().any(|r| r.code == "orbit"));
/// ```
pub fn live_score(
    resolver: &IdentityResolver,
    identity: &Identity,
    callsign: Option<Callsign>,
    squawk: Option<Squawk>,
    duration_s: f64,
    orbit_time_s: Option<f64>,
) -> (f64, Vec<Reason>) {
    let prefix = callsign.and_then(|c| resolver.callsign_prefix(&c));
    let facts = FlightFacts {
        identity: Some(identity),
        callsign_prefix: prefix.map(|p| (p.kind, p.prefix.as_str(), p.operator.as_str())),
        squawks: squawk.map(|s| vec![s.0]).unwrap_or_default(),
        has_callsign: callsign.is_some(),
        duration_s,
        orbit_time_s,
        ..FlightFacts::default()
    };
    let (score, reasons) = score(&facts);
    ((score * 100.0).round() / 100.0, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_is_the_number_every_output_prints() {
        // JSON rounded to 0.01 and Markdown printed `{:.2}`: the same flight once scored 0.81
        // in one and 0.80 in the other. The score itself is the 2-decimal number now.
        for orbit_min in [0.0, 25.0, 150.0] {
            for surveys in 0..2 {
                for squawk in [vec![], vec![0o7400]] {
                    for uav in [false, true] {
                        for has_callsign in [false, true] {
                            let (s, _) = score(&FlightFacts {
                                orbit_time_s: (orbit_min > 0.0).then_some(orbit_min * 60.0),
                                surveys,
                                squawks: squawk.clone(),
                                uav_category: uav,
                                has_callsign,
                                duration_s: 3600.0,
                                ..Default::default()
                            });
                            let printed: f64 = format!("{s:.2}").parse().unwrap();
                            assert_eq!(printed, s, "{s}");
                            assert_eq!(s >= SURVEILLANCE_LIKE, printed >= SURVEILLANCE_LIKE);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn nothing_scores_zero_and_hints_combine() {
        assert_eq!(score(&FlightFacts::default()).0, 0.0);
        let (s, r) = score(&FlightFacts {
            orbit_time_s: Some(1800.0),
            squawks: vec![0o7400],
            ..Default::default()
        });
        assert_eq!(r.len(), 2);
        assert!((s - (1.0 - 0.7 * 0.6)).abs() < 1e-12);
    }
}
