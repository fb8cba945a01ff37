//! End-to-end tests of the `vigia` binary, run as users run it.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod aircraft_db;
mod analyze;
mod archives;
mod bus;
mod config_check;
mod dark;
mod decode;
mod demo;
mod interop;
mod live;
mod load;
mod load_gen;
mod nats;
mod network;
mod parquet;
mod run;
mod scenarios;
mod segments;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The workspace root (fixtures live under `tests/data` and `crates/*/tests/data`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run `vigia` with arguments from the workspace root.
pub fn vigia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("vigia runs")
}

/// Run `vigia` with `stdin` as standard input.
pub fn vigia_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigia starts");
    // Written from a thread: a large input would otherwise fill the pipes both ways.
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let output = child.wait_with_output().expect("vigia ends");
    writer.join().expect("writer").expect("write stdin");
    output
}
