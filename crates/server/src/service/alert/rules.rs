//! Alert rules and their hysteresis: one alert per flight, per zone episode, per rule.
//!
//! Owns matching an event against a rule (type, zone, score, identity) and the episode memory.
//! An *episode* of a flight in a zone starts with the first matching event (an entry, a
//! transit, or an exit seen first) and ends `rearm_after_s` after the flight's last exit:
//! a flight weaving along the border produces one alert, not one per crossing. Events without
//! a zone (orbit, survey, flight record) alert once per flight and type. The memory of a flight
//! is dropped when the flight ends, so it stays bounded.

use std::collections::HashMap;

use crate::service::alert::CommittedEvent;
use crate::settings::AlertRule;
use vigia_detect::contract::{EventBody, EventRecord, PositionMethod};

/// The receivers an event names: those that heard an aircraft without a position, or those
/// of the multilaterated positions it cites.
fn heard_by(document: &EventRecord) -> Vec<&str> {
    if let EventBody::HeardWithoutPosition(h) = &document.body {
        return h.receivers.iter().map(|r| r.id.as_str()).collect();
    }
    document
        .evidence()
        .iter()
        .filter_map(|p| match &p.method {
            PositionMethod::Mlat { receivers, .. } => Some(receivers),
            _ => None,
        })
        .flatten()
        .map(|r| r.receiver.as_str())
        .collect()
}

/// What the rules know of the event's aircraft.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EventFacts {
    /// Military by block or database.
    pub military: bool,
    /// Surveillance-capable type per the aircraft database.
    pub isr_type: bool,
}

#[derive(Debug, Clone, Copy)]
struct Episode {
    /// When the flight last left the zone, if it is outside now.
    exited_at: Option<f64>,
}

/// The rules and their episode memory.
#[derive(Debug)]
pub struct AlertGate {
    rules: Vec<AlertRule>,
    episodes: HashMap<(usize, String, String), Episode>,
}

impl AlertGate {
    /// A gate for `rules`.
    pub fn new(rules: Vec<AlertRule>) -> Self {
        Self {
            rules,
            episodes: HashMap::new(),
        }
    }

    /// Whether `rule` matches the event, hysteresis aside.
    pub fn matches(rule: &AlertRule, e: &CommittedEvent) -> bool {
        let kind = e.event.kind.as_str();
        let type_ok = if rule.types.is_empty() {
            // Flight records and aircraft heard without a position alert only when named.
            kind != "flight" && kind != "heard_without_position"
        } else {
            rule.types.iter().any(|t| t == kind)
        };
        let zone_ok = rule.zones.is_empty()
            || e.event
                .zone
                .as_ref()
                .is_some_and(|z| rule.zones.iter().any(|r| r.eq_ignore_ascii_case(z)));
        let score_ok = e.event.score.unwrap_or(0.0) >= rule.min_score;
        let identity_filters = rule.military || rule.isr_type || !rule.watchlist.is_empty();
        let watched = rule
            .watchlist
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&e.event.icao24));
        let identity_ok = !identity_filters
            || watched
            || (rule.military && e.facts.military)
            || (rule.isr_type && e.facts.isr_type);
        let receivers_ok = rule.receivers.is_empty() || {
            let heard = heard_by(&e.event.document);
            rule.receivers
                .iter()
                .any(|r| heard.iter().any(|h| h.eq_ignore_ascii_case(r)))
        };
        // A watchlisted aircraft alerts whatever its score.
        type_ok && zone_ok && identity_ok && receivers_ok && (score_ok || watched)
    }

    /// The names of the rules this event alerts for (matching, and first in its episode).
    pub fn admit(&mut self, e: &CommittedEvent) -> Vec<String> {
        let mut names = Vec::new();
        let kind = e.event.kind.as_str();
        let ts = e.event.ts;
        for (i, rule) in self.rules.iter().enumerate() {
            if !Self::matches(rule, e) {
                continue;
            }
            let scope = match &e.event.zone {
                Some(zone) if kind.starts_with("zone_") => zone.clone(),
                Some(zone) => format!("{kind}:{zone}"),
                None => kind.to_string(),
            };
            let key = (i, e.event.flight_id.clone(), scope);
            let exit = kind == "zone_exit" || kind == "zone_transit";
            let alert = match self.episodes.get_mut(&key) {
                None => {
                    self.episodes.insert(
                        key,
                        Episode {
                            exited_at: exit.then_some(ts),
                        },
                    );
                    true
                }
                Some(ep) => {
                    let rearmed = ep.exited_at.is_some_and(|t| ts - t > rule.rearm_after_s);
                    ep.exited_at = if exit { Some(ts) } else { None };
                    rearmed
                }
            };
            if alert {
                names.push(rule.name.clone());
            }
        }
        names
    }

    /// Drop the memory of a flight.
    pub fn forget(&mut self, flight_id: &str) {
        self.episodes.retain(|(_, f, _), _| f != flight_id);
    }

    /// Episodes remembered.
    pub fn len(&self) -> usize {
        self.episodes.len()
    }

    /// Whether no episode is remembered.
    pub fn is_empty(&self) -> bool {
        self.episodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigia_store::NewEvent;

    fn event(kind: &str, zone: Option<&str>, ts: f64, score: f64) -> CommittedEvent {
        CommittedEvent {
            id: 1,
            event: NewEvent {
                kind: kind.into(),
                icao24: "ae01c5".into(),
                flight_id: "ae01c5-1".into(),
                zone: zone.map(str::to_string),
                ts,
                score: Some(score),
                document: vigia_detect::contract::samples::record(kind, zone, ts),
            },
            facts: EventFacts {
                military: true,
                isr_type: false,
            },
            arrival: None,
        }
    }

    fn rule() -> AlertRule {
        AlertRule {
            name: "border".into(),
            types: vec![
                "zone_entry".into(),
                "zone_exit".into(),
                "zone_transit".into(),
            ],
            zones: vec!["USA".into()],
            rearm_after_s: 600.0,
            ..AlertRule::default()
        }
    }

    #[test]
    fn a_flight_weaving_along_the_border_alerts_once_per_episode() {
        let mut gate = AlertGate::new(vec![rule()]);
        let alerts =
            |gate: &mut AlertGate, kind, ts| gate.admit(&event(kind, Some("USA"), ts, 0.4)).len();
        assert_eq!(alerts(&mut gate, "zone_entry", 0.0), 1);
        assert_eq!(alerts(&mut gate, "zone_exit", 100.0), 0);
        assert_eq!(
            alerts(&mut gate, "zone_entry", 200.0),
            0,
            "back within 600 s"
        );
        assert_eq!(alerts(&mut gate, "zone_exit", 300.0), 0);
        assert_eq!(alerts(&mut gate, "zone_entry", 1000.0), 1, "a new episode");
        assert_eq!(alerts(&mut gate, "zone_entry", 1001.0), 0);
        gate.forget("ae01c5-1");
        assert!(gate.is_empty());
    }

    #[test]
    fn filters_on_type_zone_score_and_identity() {
        let r = AlertRule {
            min_score: 0.5,
            ..rule()
        };
        assert!(!AlertGate::matches(
            &r,
            &event("zone_entry", Some("USA"), 0.0, 0.4)
        ));
        assert!(AlertGate::matches(
            &r,
            &event("zone_entry", Some("USA"), 0.0, 0.5)
        ));
        assert!(!AlertGate::matches(
            &r,
            &event("zone_entry", Some("MEX"), 0.0, 0.9)
        ));
        assert!(!AlertGate::matches(&r, &event("orbit", None, 0.0, 0.9)));
        let watch = AlertRule {
            watchlist: vec!["AE01C5".into()],
            ..r.clone()
        };
        assert!(AlertGate::matches(
            &watch,
            &event("zone_entry", Some("USA"), 0.0, 0.0)
        ));
        let isr = AlertRule {
            isr_type: true,
            min_score: 0.0,
            ..rule()
        };
        assert!(!AlertGate::matches(
            &isr,
            &event("zone_entry", Some("USA"), 0.0, 0.9)
        ));
        let any = AlertRule::default();
        assert!(AlertGate::matches(&any, &event("orbit", None, 0.0, 0.0)));
        assert!(!AlertGate::matches(&any, &event("flight", None, 0.0, 0.0)));
    }

    #[test]
    fn a_military_address_heard_by_a_border_receiver_alerts() {
        use vigia_detect::contract::{HeardReceiver, HeardRecord};
        let mut e = event("heard_without_position", None, 100.0, 0.0);
        e.event.document.body = EventBody::HeardWithoutPosition(HeardRecord {
            military: true,
            receivers: vec![HeardReceiver {
                id: "nogales".into(),
                position: Some([31.34, -110.94]),
            }],
            ..HeardRecord::default()
        });
        let border = AlertRule {
            name: "military heard at the border".into(),
            types: vec!["heard_without_position".into()],
            military: true,
            receivers: vec!["Nogales".into(), "douglas".into()],
            ..AlertRule::default()
        };
        assert!(AlertGate::matches(&border, &e));
        let elsewhere = AlertRule {
            receivers: vec!["ajo".into()],
            ..border.clone()
        };
        assert!(!AlertGate::matches(&elsewhere, &e));
        // A civil address does not match the military rule.
        e.facts.military = false;
        assert!(!AlertGate::matches(&border, &e));
        // An event that names no receiver does not match a rule that lists some.
        let mut zone = event("zone_entry", Some("USA"), 0.0, 0.4);
        zone.facts.military = true;
        assert!(!AlertGate::matches(
            &AlertRule {
                types: vec![],
                ..border
            },
            &zone
        ));
    }
}
