//! Helpers for tests of the live service: real corpus frames replayed in real time by a Beast
//! server on 127.0.0.1, `vigia run` as a child process, a minimal HTTP client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use vigia_feed::framer::beast;
use vigia_feed::{RawFrame, Record, RecordReader};

/// rs1090's corpus: KLM1302 (486257) cruising north over France at FL340.
pub const CORPUS: &str = "tests/data/long_flight.csv.zst";
/// Replay window start (corpus time): the first frames of a CPR pair of 486257.
pub const REPLAY_FROM: f64 = 1_698_143_444.0;
/// Replay window end: 7 s later.
pub const REPLAY_TO: f64 = 1_698_143_451.0;
/// A box whose southern edge (45.6365° N) 486257 crosses at about corpus time 1698143449.0,
/// between its positions at 448.74 (45.63572° N) and 449.30 (45.63679° N).
pub const BOX_GEOJSON: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
"properties":{"name":"BOX"},"geometry":{"type":"Polygon","coordinates":[[[0.5,45.6365],[1.5,45.6365],[1.5,46.5],[0.5,46.5],[0.5,45.6365]]]}}]}"#;

/// Frames of the corpus with `from <= ts < to`, in order (their `ts` is the corpus time).
pub fn corpus_frames(from: f64, to: f64) -> Vec<RawFrame> {
    let path = super::root().join(CORPUS);
    let file = std::fs::File::open(&path).unwrap();
    RecordReader::new(path.display().to_string(), file, None)
        .unwrap()
        .filter_map(|r| match r {
            Ok(Record::Frame(f)) if f.ts.is_some_and(|t| t >= from && t < to) => Some(f),
            _ => None,
        })
        .collect()
}

/// Send `frames` as Beast binary on `stream`, paced by their timestamps (real time), starting
/// at `frames[from]`; stops after `stop_after` or at the end. Returns the index reached.
pub fn play(
    stream: &mut TcpStream,
    frames: &[RawFrame],
    from: usize,
    stop_after: Option<Duration>,
) -> usize {
    let Some(first) = frames.get(from) else {
        return from;
    };
    let t0 = first.ts.unwrap();
    let start = Instant::now();
    for (i, f) in frames.iter().enumerate().skip(from) {
        let due = Duration::from_secs_f64((f.ts.unwrap() - t0).max(0.0));
        if stop_after.is_some_and(|s| due > s) {
            return i;
        }
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        if stream.write_all(&beast::encode(f).unwrap()).is_err() {
            return i;
        }
    }
    frames.len()
}

/// A Beast server thread on 127.0.0.1 serving one client at a time.
pub struct ReplayServer {
    /// Its address.
    pub address: SocketAddr,
    thread: JoinHandle<()>,
}

impl ReplayServer {
    /// Serve `frames` in real time to the first client. With `restart_after`, the server
    /// closes the connection and its listening socket after that much replay, is down for
    /// `down`, then listens again on the same port and continues — with some garbage bytes
    /// first — from where it stopped.
    pub fn start(frames: Vec<RawFrame>, restart_after: Option<Duration>, down: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let thread = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let reached = play(&mut conn, &frames, 0, restart_after);
            if restart_after.is_none() {
                std::thread::sleep(Duration::from_millis(500));
                return;
            }
            drop(conn);
            drop(listener);
            std::thread::sleep(down);
            let listener = TcpListener::bind(address).unwrap();
            let (mut conn, _) = listener.accept().unwrap();
            conn.write_all(b"\x1a\x39garbage\x00\xff\xfe not beast at all\x1a")
                .unwrap();
            play(&mut conn, &frames, reached, None);
            std::thread::sleep(Duration::from_millis(500));
        });
        Self { address, thread }
    }

    /// Wait for the replay to end.
    pub fn join(self) {
        self.thread.join().unwrap();
    }
}

/// A running `vigia run`.
pub struct Vigia {
    /// The process.
    pub child: Child,
    /// Its API address.
    pub api: SocketAddr,
    /// Its standard error lines after the start-up line, as they come.
    pub stderr: mpsc::Receiver<String>,
}

impl Vigia {
    /// Start `vigia run` with `args` and wait for its API to listen.
    pub fn start(args: &[&str]) -> Self {
        Self::start_as("run", args)
    }

    /// Start `vigia COMMAND` with `args` (a command that serves the API: `run`, `worker`) and
    /// wait for its API to listen.
    pub fn start_as(command: &str, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigia"))
            .arg(command)
            .args(args)
            .current_dir(super::root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = BufReader::new(stdout).read_to_end(&mut sink);
        });
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut seen = Vec::new();
        let api = loop {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("vigia {command} did not start; stderr: {seen:#?}"));
            if let Some(rest) = line.split("api listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
            seen.push(line);
        };
        Self {
            child,
            api,
            stderr: rx,
        }
    }

    /// GET `path` on the API.
    pub fn get(&self, path: &str) -> (u16, String) {
        http(self.api, "GET", path, None)
    }

    /// GET `path`, parsed as JSON (status must be 200).
    pub fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Poll `path` until `done` holds on its JSON, for up to `within`.
    pub fn wait_json(
        &self,
        path: &str,
        within: Duration,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + within;
        loop {
            let v = self.json(path);
            if done(&v) || Instant::now() > deadline {
                return v;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Send a signal to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Wait for the process to exit, at most `within`; its exit status.
    pub fn wait(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "vigia did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Vigia {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request; returns status and body.
pub fn http(address: SocketAddr, method: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// The value of metric `name` in Prometheus text `metrics` (the first line that starts with it).
pub fn metric(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in metrics:\n{metrics}"))
}

/// A free port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Write the test zone and a config using it, with `pipeline` lines added to its `[pipeline]`
/// table; returns the config path.
pub fn write_config(dir: &Path, pipeline: &str) -> std::path::PathBuf {
    let zone = dir.join("box.geojson");
    std::fs::write(&zone, BOX_GEOJSON).unwrap();
    let config = dir.join("vigia.toml");
    std::fs::write(
        &config,
        format!(
            "zones = {zone:?}\n\
             [server]\nlisten = \"127.0.0.1:0\"\ntoken = \"test-token\"\n\
             [store]\npath = {db:?}\n\
             [network]\nbackoff_initial_s = 0.05\nbackoff_max_s = 0.2\nstall_timeout_s = 5\n\
             [pipeline]\nsnapshot_ms = 200\nflush_ms = 100\n{pipeline}\
             [[alerts.rules]]\nname = \"box\"\ntypes = [\"zone_entry\", \"zone_transit\"]\nzones = [\"BOX\"]\n\
             [[alerts.sinks]]\nkind = \"file\"\npath = {alerts:?}\n",
            zone = zone.display().to_string(),
            db = dir.join("vigia.db").display().to_string(),
            alerts = dir.join("alerts.jsonl").display().to_string(),
        ),
    )
    .unwrap();
    config
}
