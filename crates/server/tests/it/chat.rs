//! Chat alert presets against local stand-ins of Telegram, Discord, Slack, Matrix and ntfy: the
//! request each service documents, the same rules, budget and retries as the webhook.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use vigia_detect::contract::samples::record;
use vigia_feed::net::{FrameQueue, SourceCounters};
use vigia_server::service::alert::{sinks, Alerter, CommittedEvent};
use vigia_server::service::metrics::Metrics;
use vigia_server::{AlertRule, AlertSettings, Language, SinkSettings};
use vigia_store::NewEvent;

use crate::{serve_requests, Received};

/// A stand-in on 127.0.0.1 answering each of `statuses` in turn: its address and what it
/// received.
fn stand_in(statuses: Vec<u16>) -> (String, std::sync::mpsc::Receiver<Received>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (base, serve_requests(listener, statuses))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// An alerter with one rule (zone entries into MEX) and `sink`, its metrics.
fn alerter(sink: SinkSettings, runtime: &tokio::runtime::Runtime) -> (Alerter, Arc<Metrics>) {
    let counters = Arc::new(SourceCounters::new());
    let metrics = Arc::new(Metrics::new(
        vec![("rx".into(), counters.clone())],
        Arc::new(FrameQueue::new(1, vec![counters])),
        vec![sinks::name(&sink)],
    ));
    let public = "https://vigia.example.org";
    let opened =
        vec![sinks::open(&sink, runtime.handle(), metrics.clone(), 0, None, public).unwrap()];
    let settings = AlertSettings {
        rules: vec![AlertRule {
            name: "entries into MEX".into(),
            types: vec!["zone_entry".into()],
            zones: vec!["MEX".into()],
            ..AlertRule::default()
        }],
        sinks: vec![sink],
        max_per_minute: 3,
        public_url: Some(public.into()),
    };
    (Alerter::new(&settings, opened, metrics.clone()), metrics)
}

fn entry(id: i64, flight: &str) -> CommittedEvent {
    CommittedEvent {
        id,
        event: NewEvent {
            kind: "zone_entry".into(),
            icao24: "ae01c5".into(),
            flight_id: flight.into(),
            zone: Some("MEX".into()),
            ts: 1_700_000_000.0,
            score: Some(0.5),
            document: record("zone_entry", Some("MEX"), 1_700_000_000.0),
        },
        facts: Default::default(),
        arrival: None,
    }
}

fn next(rx: &std::sync::mpsc::Receiver<Received>) -> Received {
    rx.recv_timeout(Duration::from_secs(20)).unwrap()
}

#[test]
fn each_preset_posts_what_its_service_documents() {
    let rt = runtime();
    let language = Language::En;
    // Telegram Bot API: POST /bot<token>/sendMessage {chat_id, text}.
    let (base, rx) = stand_in(vec![200]);
    let (mut a, _) = alerter(
        SinkSettings::Telegram {
            bot_token: "123456:ABC-DEF".into(),
            chat_id: "-1001234".into(),
            api_url: base,
            language,
            retries: 0,
            timeout_s: 5.0,
        },
        &rt,
    );
    assert_eq!(a.handle(&entry(7, "f1"), 1.0).len(), 1);
    let r = next(&rx);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/bot123456:ABC-DEF/sendMessage")
    );
    assert_eq!(r.json()["chat_id"], "-1001234");
    let text = r.json()["text"].as_str().unwrap().to_string();
    assert!(
        text.contains("Zone entry") && text.contains("MEX"),
        "{text}"
    );
    assert!(
        text.contains("https://vigia.example.org/?event=7"),
        "{text}"
    );
    assert!(text.contains("https://vigia.example.org/api/events/7/report"));

    // Discord webhook: POST the URL {content}, nobody pinged.
    let (base, rx) = stand_in(vec![204]);
    let (mut a, _) = alerter(
        SinkSettings::Discord {
            url: format!("{base}/api/webhooks/1/tok"),
            language,
            retries: 0,
            timeout_s: 5.0,
        },
        &rt,
    );
    a.handle(&entry(8, "f1"), 1.0);
    let r = next(&rx);
    assert_eq!(r.path, "/api/webhooks/1/tok");
    assert!(r.json()["content"].as_str().unwrap().contains("?event=8"));
    assert_eq!(r.json()["allowed_mentions"]["parse"], serde_json::json!([]));

    // Slack-compatible incoming webhook: POST {text}.
    let (base, rx) = stand_in(vec![200]);
    let (mut a, _) = alerter(
        SinkSettings::Slack {
            url: format!("{base}/services/T/B/X"),
            language: Language::Es,
            retries: 0,
            timeout_s: 5.0,
        },
        &rt,
    );
    a.handle(&entry(9, "f1"), 1.0);
    let r = next(&rx);
    let text = r.json()["text"].as_str().unwrap().to_string();
    assert!(
        text.contains("Entrada en zona") && text.contains("Informe:"),
        "{text}"
    );

    // Matrix: PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}, bearer token.
    let (base, rx) = stand_in(vec![200]);
    let (mut a, _) = alerter(
        SinkSettings::Matrix {
            homeserver: base,
            room_id: "!border:example.org".into(),
            access_token: "syt_secret".into(),
            language,
            retries: 0,
            timeout_s: 5.0,
        },
        &rt,
    );
    a.handle(&entry(10, "f1"), 1.0);
    let r = next(&rx);
    assert_eq!(r.method, "PUT");
    assert!(r.path.starts_with(
        "/_matrix/client/v3/rooms/%21border%3Aexample.org/send/m.room.message/vigia-"
    ));
    assert_eq!(r.header("authorization"), Some("Bearer syt_secret"));
    assert_eq!(r.json()["msgtype"], "m.text");

    // ntfy JSON publishing: POST / {topic, title, message, priority, click}, bearer token.
    let (base, rx) = stand_in(vec![200]);
    let (mut a, metrics) = alerter(
        SinkSettings::Ntfy {
            url: base,
            topic: "border-alerts".into(),
            token: Some("tk_x".into()),
            language,
            retries: 0,
            timeout_s: 5.0,
        },
        &rt,
    );
    a.handle(&entry(11, "f1"), 1.0);
    let r = next(&rx);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
    assert_eq!(r.json()["topic"], "border-alerts");
    assert_eq!(r.json()["click"], "https://vigia.example.org/?event=11");
    assert_eq!(r.json()["priority"], 4);
    assert_eq!(r.header("authorization"), Some("Bearer tk_x"));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while metrics.sinks[0].sent.load(Ordering::Relaxed) < 1 {
        assert!(std::time::Instant::now() < deadline, "counted as sent");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_chat_sink_keeps_the_webhooks_rules_budget_and_retries() {
    let rt = runtime();
    // The homeserver fails the first attempt: the retry reuses the transaction id, so a
    // message the server took before failing to answer is not posted twice.
    let (base, rx) = stand_in(vec![500, 200, 200, 200, 200]);
    let (mut a, metrics) = alerter(
        SinkSettings::Matrix {
            homeserver: base,
            room_id: "!r:x".into(),
            access_token: "t".into(),
            language: Language::En,
            retries: 3,
            timeout_s: 5.0,
        },
        &rt,
    );
    assert_eq!(a.handle(&entry(1, "f1"), 10.0).len(), 1);
    let (first, retry) = (next(&rx), next(&rx));
    assert_eq!(first.path, retry.path, "same transaction");
    // Hysteresis: the same flight entering again in the episode does not alert again.
    assert!(a.handle(&entry(2, "f1"), 11.0).is_empty());
    // Budget: max_per_minute 3 → one at once, the rest held and summarised.
    assert_eq!(a.handle(&entry(3, "f2"), 12.0).len(), 0, "over the burst");
    let summaries = a.tick(100.0);
    assert_eq!(summaries.len(), 1);
    let summary = next(&rx);
    let body = summary.json()["body"].as_str().unwrap().to_string();
    assert!(body.starts_with("vigia: 1 alerts held back"), "{body}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while metrics.sinks[0].sent.load(Ordering::Relaxed) < 2 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(metrics.sinks[0].failures.load(Ordering::Relaxed), 0);
}

#[test]
fn sink_names_in_metrics_carry_no_token() {
    let telegram = SinkSettings::Telegram {
        bot_token: "123456:SECRET".into(),
        chat_id: "-100".into(),
        api_url: "https://api.telegram.org".into(),
        language: Language::En,
        retries: 5,
        timeout_s: 5.0,
    };
    assert_eq!(sinks::name(&telegram), "telegram:https://api.telegram.org");
    let discord = SinkSettings::Discord {
        url: "https://discord.com/api/webhooks/1/SECRET".into(),
        language: Language::En,
        retries: 5,
        timeout_s: 5.0,
    };
    assert_eq!(sinks::name(&discord), "discord:https://discord.com");
    let ntfy = SinkSettings::Ntfy {
        url: "https://ntfy.sh".into(),
        topic: "secret-topic".into(),
        token: Some("tk".into()),
        language: Language::En,
        retries: 5,
        timeout_s: 5.0,
    };
    assert_eq!(sinks::name(&ntfy), "ntfy:https://ntfy.sh");
}

#[test]
fn https_is_spoken_and_an_untrusted_certificate_refused() {
    // A TLS server (openssl s_server) with a self-signed certificate: the sink speaks TLS to
    // it and refuses the certificate (not in the bundled Mozilla roots), so the alert is not
    // delivered and is counted as a failure (no spool here).
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (Debian's openssl package) makes the test certificate");
    assert!(made.status.success(), "{made:?}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.path().join("s_server.log");
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .arg("-www")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(dir.path().join("err.log")).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "s_server listens");
        std::thread::sleep(Duration::from_millis(50));
    }
    let rt = runtime();
    let (mut a, metrics) = alerter(
        SinkSettings::Slack {
            url: format!("https://127.0.0.1:{port}/hook"),
            language: Language::En,
            retries: 0,
            timeout_s: 5.0,
        },
        &rt,
    );
    a.handle(&entry(1, "f1"), 1.0);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while metrics.sinks[0].failures.load(Ordering::Relaxed) < 1 {
        assert!(std::time::Instant::now() < deadline, "counted as a failure");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(metrics.sinks[0].sent.load(Ordering::Relaxed), 0);
    let _ = server.kill();
    let _ = server.wait();
    let said = std::fs::read_to_string(dir.path().join("err.log")).unwrap()
        + &std::fs::read_to_string(&log).unwrap();
    let said = said.to_ascii_lowercase();
    assert!(
        said.contains("alert certificate unknown") || said.contains("alert unknown ca"),
        "the client refused the certificate with a TLS alert: {said}"
    );
}

#[test]
fn an_alert_refused_for_good_is_counted_and_does_not_hold_back_the_next() {
    // 400 (a wrong chat, a revoked token) is not retried: retrying would hold back every alert
    // after it. The next alert goes out.
    let rt = runtime();
    let (base, rx) = stand_in(vec![400, 200]);
    let (mut a, metrics) = alerter(
        SinkSettings::Slack {
            url: format!("{base}/hook"),
            language: Language::En,
            retries: 3,
            timeout_s: 5.0,
        },
        &rt,
    );
    assert_eq!(a.handle(&entry(1, "f1"), 1.0).len(), 1);
    assert_eq!(a.handle(&entry(2, "f2"), 100.0).len(), 1);
    let (refused, next_one) = (next(&rx), next(&rx));
    assert!(refused.json()["text"]
        .as_str()
        .unwrap()
        .contains("?event=1"));
    assert!(
        next_one.json()["text"]
            .as_str()
            .unwrap()
            .contains("?event=2"),
        "the second request is the next alert, not a retry"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while metrics.sinks[0].sent.load(Ordering::Relaxed) < 1 {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(metrics.sinks[0].failures.load(Ordering::Relaxed), 1);
}
