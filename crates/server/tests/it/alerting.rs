//! Alerts under floods: a rule's budget with summaries, a webhook that cannot keep up.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use vigia_detect::contract::samples::record;
use vigia_feed::net::{FrameQueue, SourceCounters};
use vigia_server::service::alert::{sinks, Alerter};
use vigia_server::service::metrics::Metrics;
use vigia_server::{AlertRule, AlertSettings, SinkSettings};
use vigia_store::NewEvent;

use crate::answer;

#[test]
fn alerts_past_a_rules_budget_are_held_and_summarised_not_lost() {
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.jsonl");
    let sink = SinkSettings::File {
        path: path.display().to_string(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let counters = Arc::new(SourceCounters::new());
    let metrics = Arc::new(Metrics::new(
        vec![("rx".into(), counters.clone())],
        Arc::new(FrameQueue::new(1, vec![counters])),
        vec![sinks::name(&sink)],
    ));
    let opened = vec![sinks::open(&sink, runtime.handle(), metrics.clone(), 0, None, "").unwrap()];
    let settings = AlertSettings {
        rules: vec![AlertRule::default()],
        sinks: vec![sink],
        max_per_minute: 60,
        public_url: None,
    };
    let mut alerter = Alerter::new(&settings, opened, metrics.clone());
    // 200 entries of 200 flights at once: 20 alerts go out (a third of the minute's budget).
    let mut sent = 0;
    for id in 1..=200i64 {
        let committed = vigia_server::service::alert::CommittedEvent {
            id,
            event: NewEvent {
                kind: "zone_entry".into(),
                icao24: format!("{:06x}", 0x100000 + id),
                flight_id: format!("f{id}"),
                zone: Some("MEX".into()),
                ts: 1.0,
                score: Some(0.0),
                document: record("zone_entry", Some("MEX"), 1.0),
            },
            facts: Default::default(),
            arrival: None,
        };
        sent += alerter.handle(&committed, 1000.0).len();
    }
    assert_eq!(sent, 20);
    assert_eq!(metrics.alerts_held.load(Ordering::Relaxed), 180);
    assert!(alerter.tick(1030.0).is_empty(), "one summary a minute");
    let summaries = alerter.tick(1061.0);
    assert_eq!(summaries.len(), 1);
    let held = &summaries[0]["alert"]["suppressed"];
    assert_eq!(
        (
            held["count"].as_u64(),
            held["first_event_id"].as_i64(),
            held["last_event_id"].as_i64()
        ),
        (Some(180), Some(21), Some(200))
    );
    alerter.flush();
    let lines = std::fs::read_to_string(&path).unwrap();
    assert_eq!(lines.lines().count(), 21, "20 alerts and the summary");
}

#[test]
fn a_webhook_that_cannot_keep_up_gets_every_alert_in_order_through_the_spool() {
    use std::sync::atomic::Ordering;
    // 3 000 alerts while the endpoint does not answer yet: 1 024 wait in memory, the rest in
    // the spool file. They used to be dropped past the queue.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_runtime, metrics, mut webhook) = spooled_webhook(address, 60.0, dir.path());
    let n = 3000;
    for k in 0..n {
        assert!(matches!(webhook.send(&format!("{{\"n\":{k}}}")), Ok(false)));
    }
    let spool = dir.path().join("webhook-0.spool");
    assert!(
        std::fs::metadata(&spool).unwrap().len() > 0,
        "spilled to the spool"
    );
    let bodies = answer(listener, vec![200; n]);
    for k in 0..n {
        let body = bodies.recv_timeout(Duration::from_secs(20)).unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["n"], k, "in order");
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while metrics.sinks[0].sent.load(Ordering::Relaxed) < n as u64 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(metrics.sinks[0].failures.load(Ordering::Relaxed), 0);
    assert_eq!(
        std::fs::metadata(&spool).unwrap().len(),
        0,
        "the emptied spool is truncated"
    );
}

#[test]
fn alerts_to_a_dead_endpoint_wait_in_the_spool_until_it_answers() {
    use std::sync::atomic::Ordering;
    // Nothing listens on the port yet: every attempt fails. The alerts used to be counted as
    // failures and dropped (spooled ones too, read out before their post).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_runtime, metrics, mut webhook) = spooled_webhook(port, 1.0, dir.path());
    for k in 0..5 {
        assert!(matches!(webhook.send(&format!("{{\"n\":{k}}}")), Ok(false)));
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        metrics.sinks[0].failures.load(Ordering::Relaxed),
        0,
        "nothing dropped"
    );
    // The endpoint comes up: all five arrive, in order.
    let bodies = answer(std::net::TcpListener::bind(port).unwrap(), vec![200; 5]);
    for k in 0..5 {
        let body = bodies.recv_timeout(Duration::from_secs(40)).unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["n"], k, "in order");
    }
}

#[test]
fn a_restarted_service_resumes_its_spool_where_delivery_stopped() {
    use vigia_server::service::alert::webhook::Spool;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("webhook-0.spool");
    let spool = Spool::open(path.clone()).unwrap();
    for k in 0..3 {
        spool.append(&format!("alert {k}")).unwrap();
    }
    let (first, len) = spool.peek().unwrap().unwrap();
    assert_eq!(first, "alert 0");
    assert_eq!(
        spool.peek().unwrap().unwrap().0,
        "alert 0",
        "peeking takes nothing"
    );
    spool.done(len).unwrap();
    drop(spool);
    // After a restart: the delivered alert is not sent again.
    let spool = Spool::open(path).unwrap();
    let (next, len) = spool.peek().unwrap().unwrap();
    assert_eq!(next, "alert 1");
    spool.done(len).unwrap();
    let (last, len) = spool.peek().unwrap().unwrap();
    assert_eq!(last, "alert 2");
    spool.done(len).unwrap();
    assert!(!spool.pending());
}

/// A webhook to `address` (no retries, `timeout_s` per attempt) spooling into `dir`, with its
/// runtime (kept alive by the caller) and metrics.
fn spooled_webhook(
    address: std::net::SocketAddr,
    timeout_s: f64,
    dir: &std::path::Path,
) -> (tokio::runtime::Runtime, Arc<Metrics>, sinks::Sink) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sink = SinkSettings::Webhook {
        url: format!("http://{address}/hook"),
        retries: 0,
        timeout_s,
    };
    let counters = Arc::new(SourceCounters::new());
    let metrics = Arc::new(Metrics::new(
        vec![("rx".into(), counters.clone())],
        Arc::new(FrameQueue::new(1, vec![counters])),
        vec![sinks::name(&sink)],
    ));
    let webhook = sinks::open(
        &sink,
        runtime.handle(),
        metrics.clone(),
        0,
        Some(dir),
        "http://127.0.0.1:8080",
    )
    .unwrap();
    (runtime, metrics, webhook)
}
