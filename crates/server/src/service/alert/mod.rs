//! Alerts: which committed events someone must hear about ([`rules`]), once per episode, and
//! the sinks that tell them ([`sinks`], [`webhook`]).
//!
//! Owns the alert document — `{"alert": {rule, sent_at, latency_ms}, "event": {id, …}}` — and
//! the fan-out to sinks, under a budget per rule (`max_per_minute`): past it an alert is not
//! sent but counted, and a summary alert — `{"alert": {rule, sent_at, suppressed: {count,
//! first_event_id, last_event_id, since, until}}}` — goes out once a minute while alerts are
//! held back. Nothing is lost silently: each held-back alert's event is in the store, and the
//! summary names the range. The writer thread calls [`Alerter::handle`] after the event's commit,
//! so an alert always names an event that is in the store. Sinks never block the pipeline:
//! stdout and file writes are local; the webhook is a bounded queue drained by a tokio task
//! that retries with backoff, and counts what it drops.

pub mod chat;
pub mod rules;
pub mod sinks;
pub mod webhook;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::service::metrics::Metrics;
use crate::service::view::EventView;
use crate::settings::AlertSettings;
use rules::{AlertGate, EventFacts};
use sinks::Sink;

/// A committed event and what the rules need to know about its aircraft.
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedEvent {
    /// The store's id.
    pub id: i64,
    /// Type, zone, score, and the document with evidence.
    pub event: vigia_store::NewEvent,
    /// Identity facts for the rules.
    pub facts: EventFacts,
    /// Arrival time (system clock) of the frame that produced the event, if live.
    pub arrival: Option<f64>,
}

/// Rules, hysteresis and sinks.
pub struct Alerter {
    gate: AlertGate,
    sinks: Vec<Sink>,
    metrics: Arc<Metrics>,
    per_minute: f64,
    budgets: HashMap<String, Budget>,
}

/// One rule's token bucket (wall time) and the alerts held back since its last summary.
#[derive(Debug, Clone, Copy)]
struct Budget {
    tokens: f64,
    at: f64,
    held: Option<Held>,
}

/// Alerts held back: how many, the range of their events, and when.
#[derive(Debug, Clone, Copy)]
struct Held {
    count: u64,
    first_event_id: i64,
    last_event_id: i64,
    since: f64,
    until: f64,
}

/// A summary of held-back alerts goes out at most this often per rule, seconds.
const SUMMARY_EVERY_S: f64 = 60.0;

impl Alerter {
    /// Alerts per `settings`, delivered through `sinks` (built by [`sinks::open`], in the order
    /// of `metrics.sinks`).
    pub fn new(settings: &AlertSettings, sinks: Vec<Sink>, metrics: Arc<Metrics>) -> Self {
        Self {
            gate: AlertGate::new(settings.rules.clone()),
            sinks,
            metrics,
            per_minute: f64::from(settings.max_per_minute.max(1)),
            budgets: HashMap::new(),
        }
    }

    /// Whether `rule` may send one more alert at `now`; if not, the alert for `event_id` is
    /// counted as held back.
    fn spend(&mut self, rule: &str, event_id: i64, now: f64) -> bool {
        let burst = (self.per_minute / 3.0).max(1.0);
        let budget = self.budgets.entry(rule.to_string()).or_insert(Budget {
            tokens: burst,
            at: now,
            held: None,
        });
        budget.tokens =
            (budget.tokens + (now - budget.at).max(0.0) * self.per_minute / 60.0).min(burst);
        budget.at = budget.at.max(now);
        if budget.tokens >= 1.0 {
            budget.tokens -= 1.0;
            return true;
        }
        let held = budget.held.get_or_insert(Held {
            count: 0,
            first_event_id: event_id,
            last_event_id: event_id,
            since: now,
            until: now,
        });
        held.count += 1;
        held.last_event_id = event_id;
        held.until = now;
        self.metrics.alerts_held.fetch_add(1, Ordering::Relaxed);
        false
    }

    /// Send the summaries of alerts held back for a minute or more; returns them.
    pub fn tick(&mut self, now: f64) -> Vec<Value> {
        let mut due = Vec::new();
        for (rule, budget) in &mut self.budgets {
            if let Some(held) = budget.held {
                if now - held.since >= SUMMARY_EVERY_S {
                    budget.held = None;
                    due.push((rule.clone(), held));
                }
            }
        }
        due.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sent = Vec::new();
        for (rule, held) in due {
            let alert = json!({
                "alert": {
                    "rule": rule,
                    "sent_at": (now * 1e6).round() / 1e6,
                    "suppressed": {
                        "count": held.count,
                        "first_event_id": held.first_event_id,
                        "last_event_id": held.last_event_id,
                        "since": (held.since * 1e3).round() / 1e3,
                        "until": (held.until * 1e3).round() / 1e3,
                    },
                },
            });
            self.deliver(&alert);
            sent.push(alert);
        }
        sent
    }

    /// Every held-back alert summarised now, whatever its age (at shutdown).
    pub fn finish(&mut self) -> Vec<Value> {
        self.tick(f64::INFINITY)
    }

    fn deliver(&mut self, alert: &Value) {
        self.metrics.alerts.fetch_add(1, Ordering::Relaxed);
        let line = alert.to_string();
        for (sink, counters) in self.sinks.iter_mut().zip(&self.metrics.sinks) {
            match sink.send(&line) {
                Ok(true) => {
                    counters.sent.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {}
                Err(_) => {
                    counters.failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Consider one committed event; returns the alert documents sent (one per matching rule).
    pub fn handle(&mut self, committed: &CommittedEvent, now: f64) -> Vec<Value> {
        let rules = self.gate.admit(committed);
        let mut sent = Vec::with_capacity(rules.len());
        for rule in rules {
            if !self.spend(&rule, committed.id, now) {
                continue;
            }
            let latency_s = committed.arrival.map(|a| (now - a).max(0.0));
            if let Some(l) = latency_s {
                self.metrics.alert_latency.observe(l);
            }
            let event = EventView::committed(committed.id, &committed.event.document);
            let alert = json!({
                "alert": {
                    "rule": rule,
                    "sent_at": (now * 1e6).round() / 1e6,
                    "latency_ms": latency_s.map(|l| (l * 1e6).round() / 1e3),
                },
                "event": event,
            });
            self.deliver(&alert);
            sent.push(alert);
        }
        sent
    }

    /// Forget the hysteresis state of a flight that ended.
    pub fn flight_ended(&mut self, flight_id: &str) {
        self.gate.forget(flight_id);
    }

    /// Flush file sinks.
    pub fn flush(&mut self) {
        for sink in &mut self.sinks {
            let _ = sink.flush();
        }
    }
}
