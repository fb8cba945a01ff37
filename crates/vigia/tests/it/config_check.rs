//! `vigia config check`: precise errors, as users see them (snapshots).

use std::process::{Command, Output};

fn check(text: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vigia.toml"), text).unwrap();
    Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["config", "check", "vigia.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap()
}

#[test]
fn a_good_file_is_summarised() {
    let out = check(
        "zones = \"MEX,USA\"\n[[sources]]\nurl = \"beast://127.0.0.1:30005\"\nid = \"roof\"\n\
         [[listeners]]\nbind = \"127.0.0.1:30104\"\n\
         [[alerts.rules]]\nname = \"mx\"\ntypes = [\"zone_entry\"]\nzones = [\"MEX\"]\nmin_score = 0.3\n\
         [[alerts.sinks]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:9000/hook\"\n",
    );
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn every_problem_is_listed_with_its_key() {
    let out = check(
        "zones = \"MEX,ATLANTIS\"\n[server]\nlisten = \"0.0.0.0:8080\"\n\
         [[sources]]\nurl = \"tcp://127.0.0.1:30005\"\n[[sources]]\nurl = \"beast://h:30005\"\nlat = 95.0\nlon = 0.0\n\
         [[listeners]]\nbind = \"nowhere\"\nformat = \"csv\"\n\
         [network]\nstall_timeout_s = -1\n\
         [[alerts.rules]]\ntypes = [\"zone_entrance\"]\nmin_score = 2\nwatchlist = [\"KLM\"]\n\
         [[alerts.sinks]]\nkind = \"webhook\"\nurl = \"ftp://example.invalid/hook\"\n",
    );
    assert!(!out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn nonsense_numbers_are_refused_with_their_key() {
    // NaN, negative and 1e308 tracker values, flush_ms = 0 and a 1e-9 s backoff (5 506
    // reconnects in 3 s) were accepted.
    let out = check(
        "[server]\nmax_connections = 0\nheader_timeout_s = 1e9\nidle_timeout_s = nan\n\
         [[sources]]\nurl = \"beast://127.0.0.1:30005\"\n\
         [network]\nbackoff_initial_s = 1e-9\n\
         [pipeline]\nflush_ms = 0\n\
         [tracker]\nflight_gap_s = nan\nexpire_after_s = -5\nretrust_after_s = 1e308\nmax_aircraft = 0\n",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for key in [
        "server.max_connections",
        "server.header_timeout_s",
        "server.idle_timeout_s",
        "network.backoff_initial_s",
        "pipeline.flush_ms",
        "tracker.flight_gap_s",
        "tracker.expire_after_s",
        "tracker.retrust_after_s",
        "tracker.max_aircraft",
    ] {
        assert!(stderr.contains(key), "{key}: {stderr}");
    }
}

#[test]
fn a_syntax_error_shows_line_and_column() {
    let out = check("[server]\nlisten = 127.0.0.1:8080\n");
    assert!(!out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_unknown_key_is_named() {
    let out = check("[store]\nretain = 30\n");
    assert!(!out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_printed_default_is_a_configuration_that_checks() {
    let out = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["config", "default"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[[alerts.rules]]") && text.contains("# "),
        "annotated, with rules"
    );
    let checked = check(&text);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(String::from_utf8_lossy(&checked.stdout).contains("ok (2 sources, zones MEX,USA"));
}

#[test]
fn a_frame_listener_open_to_the_network_is_warned_about() {
    let out = check(
        "[[listeners]]\nbind = \"0.0.0.0:30004\"\nformat = \"beast\"\n\
         [[listeners]]\nbind = \"127.0.0.1:30104\"\nformat = \"beast\"\n",
    );
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("listens on 0.0.0.0:30004"), "{stderr}");
    assert!(!stderr.contains("127.0.0.1:30104"), "{stderr}");
}
