//! Alerts: which committed events someone must hear about ([`rules`]), once per episode, and
//! the sinks that tell them ([`sinks`], [`webhook`]).
//!
//! Owns the alert document — `{"alert": {rule, sent_at, latency_ms}, "event": {id, …}}` — and
//! the fan-out to sinks. The writer thread calls [`Alerter::handle`] after the event's commit,
//! so an alert always names an event that is in the store. Sinks never block the pipeline:
//! stdout and file writes are local; the webhook is a bounded queue drained by a tokio task
//! that retries with backoff, and counts what it drops.

pub mod rules;
pub mod sinks;
pub mod webhook;

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
}

impl Alerter {
    /// Alerts per `settings`, delivered through `sinks` (built by [`sinks::open`], in the order
    /// of `metrics.sinks`).
    pub fn new(settings: &AlertSettings, sinks: Vec<Sink>, metrics: Arc<Metrics>) -> Self {
        Self {
            gate: AlertGate::new(settings.rules.clone()),
            sinks,
            metrics,
        }
    }

    /// Consider one committed event; returns the alert documents sent (one per matching rule).
    pub fn handle(&mut self, committed: &CommittedEvent, now: f64) -> Vec<Value> {
        let rules = self.gate.admit(committed);
        let mut sent = Vec::with_capacity(rules.len());
        for rule in rules {
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
