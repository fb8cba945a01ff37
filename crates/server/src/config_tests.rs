//! Tests of the configuration: parsing, checks with every problem named, the annotated
//! example.

use super::*;
use crate::SinkSettings;

#[test]
fn a_quiet_dump1090_is_not_a_stall() {
    // dump1090 sends a Beast heartbeat every 60 s when nothing is in range.
    assert!(NetworkConfig::default().stall_timeout_s > 60.0);
    assert!(
        vigia_feed::net::ClientSettings::default()
            .stall_timeout
            .as_secs_f64()
            > 60.0
    );
}

#[test]
fn a_source_with_a_height_is_a_receiver_of_the_network() {
    let text = "[[sources]]\nurl = \"beast://a:30005?id=nogales&lat=31.3&lon=-110.9&alt=1200\"\n\
                [[sources]]\nurl = \"sbs://b:30003\"\n\
                [[sources]]\nurl = \"beast://c:30005\"\nid = \"douglas\"\nlat = 31.3\nlon = -109.5\nalt_m = 1250\nclock = \"gps\"\n";
    let checked = Config::parse(text).unwrap().check().unwrap();
    // The network first, in order; then the others.
    let ids: Vec<&str> = checked.sources.iter().map(|s| s.spec.id.as_str()).collect();
    assert_eq!(ids, ["nogales", "douglas", "sbs://b:30003"]);
    assert_eq!(checked.network.len(), 2);
    assert_eq!(checked.network[1].clock, vigia_feed::ClockName::Gps);
    assert_eq!(checked.network[0].alt_m, 1200.0);
    for (source, problem) in [
        ("url = \"beast://a?lat=31&lon=-110&alt=10\"", "needs an id"),
        (
            "url = \"sbs://a?id=x&lat=31&lon=-110&alt=10\"",
            "needs a Beast feed",
        ),
        ("url = \"beast://a?id=x&alt=10\"", "needs lat and lon"),
        (
            "url = \"beast://a?id=x&lat=31&lon=-110&alt=20000\"",
            "alt_m must",
        ),
    ] {
        let problems = Config::parse(&format!("[[sources]]\n{source}\n"))
            .unwrap()
            .check()
            .unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains(problem)),
            "{source}: {problems:?}"
        );
    }
}

#[test]
fn the_annotated_example_checks_and_holds_the_defaults() {
    let example = Config::parse(EXAMPLE).unwrap();
    let checked = example.clone().check().unwrap();
    assert_eq!(checked.sources.len(), 2);
    assert_eq!(example.alerts.rules.len(), 5);
    assert!(example.alerts.rules.iter().any(|r| r.military));
    assert!(example
        .alerts
        .rules
        .iter()
        .any(|r| r.types.iter().any(|t| t == "signal_lost")));
    assert!(example.alerts.rules.iter().any(|r| !r.receivers.is_empty()));
    // The example's surveillance-like rule uses the one line every output uses.
    assert!(example
        .alerts
        .rules
        .iter()
        .any(|r| r.min_score == vigia_detect::score::SURVEILLANCE_LIKE));
    let mut defaults = example;
    defaults.sources.clear();
    defaults.listeners.clear();
    defaults.alerts = AlertSettings::default();
    assert_eq!(defaults, Config::default());
}

#[test]
fn the_examples_commented_out_in_the_annotated_file_work_once_uncommented() {
    // Every commented `[[alerts.sinks]]` block and `public_url` line, uncommented.
    let mut text = String::new();
    let mut in_block = false;
    for line in EXAMPLE.lines() {
        let bare = line.strip_prefix("# ");
        let uncommented = match bare {
            Some(b) if b.starts_with("[[alerts.sinks]]") => {
                in_block = true;
                Some(b)
            }
            Some(b) if (in_block && b.contains(" = ")) || b.starts_with("public_url = ") => Some(b),
            _ => {
                in_block = false;
                None
            }
        };
        match uncommented {
            Some(b) => text.push_str(b.split("  #").next().unwrap_or(b)),
            None => text.push_str(line),
        }
        text.push('\n');
    }
    let config = Config::parse(&text).unwrap();
    let kinds: Vec<&str> = config
        .alerts
        .sinks
        .iter()
        .map(|s| match s {
            SinkSettings::Stdout => "stdout",
            SinkSettings::File { .. } => "file",
            SinkSettings::Webhook { .. } => "webhook",
            SinkSettings::Telegram { .. } => "telegram",
            SinkSettings::Discord { .. } => "discord",
            SinkSettings::Slack { .. } => "slack",
            SinkSettings::Matrix { .. } => "matrix",
            SinkSettings::Ntfy { .. } => "ntfy",
        })
        .collect();
    assert_eq!(
        kinds,
        ["stdout", "file", "webhook", "telegram", "discord", "slack", "matrix", "ntfy"]
    );
    assert_eq!(
        config.alerts.public_url.as_deref(),
        Some("https://vigia.example.org")
    );
    assert!(
        config.alerts.validate().is_empty(),
        "{:?}",
        config.alerts.validate()
    );
}
