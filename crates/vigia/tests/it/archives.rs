//! Real trajectory archives as users have them: FLARM/OGN registrations in the callsign
//! column, bad cells, rows stored newest first. One bad field drops that field, not the
//! record; a file is read in time order whatever its row order.

use std::path::Path;

use super::{root, vigia};

/// The real Guatemala calibration flight as CSV lines (header first).
fn calibration_lines() -> Vec<String> {
    let file =
        std::fs::File::open(root().join("crates/track/tests/data/calibration_guatemala.csv.zst"))
            .unwrap();
    std::io::read_to_string(zstd::Decoder::new(file).unwrap())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn tracks(input: &Path, out: &Path, extra: &[&str]) -> (String, String) {
    let mut args = vec!["tracks", "--stats", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(input.to_str().unwrap());
    let run = vigia(&args);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    (std::fs::read_to_string(out).unwrap(), stderr)
}

#[test]
fn flarm_registrations_and_bad_cells_keep_their_records() {
    // Callsign column: a glider's registration, as OGN-fed archives hold; every tenth
    // altitude unreadable.
    let dir = tempfile::tempdir().unwrap();
    let lines = calibration_lines();
    let mut text = format!("{}\n", lines[0]);
    let mut bad_altitudes = 0;
    for (i, line) in lines[1..].iter().enumerate() {
        let mut f: Vec<&str> = line.split(',').collect();
        f[2] = "D-KWFW";
        if i % 10 == 9 {
            f[5] = "n/a";
            bad_altitudes += 1;
        }
        text.push_str(&f.join(","));
        text.push('\n');
    }
    let input = dir.path().join("gliders.csv");
    std::fs::write(&input, text).unwrap();
    let (geojson, stderr) = tracks(&input, &dir.path().join("out.geojson"), &[]);
    assert!(
        stderr.contains("records: 1855 read, 0 malformed"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "fields with bad values dropped, records kept: altitude {bad_altitudes} (first: {}:11)",
            input.display()
        )),
        "{stderr}"
    );
    let flights: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    let f = &flights["features"][0]["properties"];
    assert_eq!(f["callsigns"][0], "D-KWFW");
    assert!(f["points"].as_u64().unwrap() > 1800, "{f}");
}

#[test]
fn an_archive_stored_newest_first_is_read_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let lines = calibration_lines();
    let forward = dir.path().join("forward.csv");
    std::fs::write(&forward, lines.join("\n") + "\n").unwrap();
    let mut reversed = vec![lines[0].clone()];
    reversed.extend(lines[1..].iter().rev().cloned());
    let backward = dir.path().join("backward.csv");
    std::fs::write(&backward, reversed.join("\n") + "\n").unwrap();

    let (a, stderr_a) = tracks(&forward, &dir.path().join("a.csv"), &[]);
    let (b, stderr_b) = tracks(&backward, &dir.path().join("b.csv"), &[]);
    assert!(!stderr_a.contains("out of time order"), "{stderr_a}");
    assert!(
        stderr_b.contains("archives read in time order: 1854 record(s) were out of time order"),
        "{stderr_b}"
    );
    assert!(!stderr_b.contains("out_of_order"), "{stderr_b}");
    // The same points, except the line numbers cited as evidence (not in this output).
    assert_eq!(a, b);
    assert!(a.lines().count() > 1800);

    // In file order, as before: nearly everything is late.
    let (_, stderr) = tracks(&backward, &dir.path().join("c.csv"), &["--no-sort"]);
    assert!(stderr.contains("out_of_order"), "{stderr}");
    assert!(stderr.contains("without --no-sort"), "{stderr}");
}

#[test]
fn surface_positions_without_a_reference_get_a_hint() {
    // The real corpus starts on the apron: its surface positions need the receiver's
    // position, and without --ref the user was not told why the flight starts at take-off.
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("tests/data/long_flight.csv.zst");
    let out = dir.path().join("t.geojson");
    let (_, stderr) = tracks(&corpus, &out, &[]);
    assert!(
        stderr.contains("surface position frames could not be placed")
            && stderr.contains("pass --ref LAT,LON"),
        "{stderr}"
    );
    let (_, stderr) = tracks(&corpus, &out, &["--ref", "43.7,1.36"]);
    assert!(!stderr.contains("--ref LAT,LON"), "{stderr}");
}

#[test]
fn a_fifo_is_read_as_a_stream() {
    // Named pipes and process substitution (`<(zcat f)`) cannot seek back: they once failed
    // with "read failed after 0 bytes".
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("rows.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let text = calibration_lines().join("\n") + "\n";
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text))
    };
    let (csv, stderr) = tracks(&fifo, &dir.path().join("out.csv"), &[]);
    writer.join().unwrap().unwrap();
    assert!(
        stderr.contains("records: 1855 read, 0 malformed"),
        "{stderr}"
    );
    assert!(csv.lines().count() > 1800);
}

#[test]
fn a_cut_short_input_says_why_and_fails_after_using_what_was_good() {
    // A truncated download and a directory both said only "read failed after N bytes", and
    // the truncated archive exited 0.
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(root().join("tests/data/long_flight.csv.zst")).unwrap();
    let cut = dir.path().join("cut.csv.zst");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let out = dir.path().join("t.csv");
    let run = vigia(&[
        "tracks",
        "--ref",
        "43.7,1.36",
        "--out",
        out.to_str().unwrap(),
        cut.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    assert!(
        stderr.contains("read failed after") && stderr.contains("incomplete"),
        "{stderr}"
    );
    // What was read before the cut was tracked.
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 100);
    let run = vigia(&[
        "tracks",
        "--out",
        out.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("directory"), "{stderr}");
}
