//! A real PostgreSQL + PostGIS for tests (feature `testing`): one throwaway cluster per test
//! process, on loopback, and a fresh database per test.
//!
//! `VIGIA_TEST_POSTGRES=postgres://user@host:port` uses a server you run instead (its role must
//! create databases and the `postgis` extension). Otherwise Debian's PostgreSQL binaries
//! (`/usr/lib/postgresql/N/bin`, packages `postgresql` and `postgresql-N-postgis-3`, which
//! `scripts/test.sh` installs) start a cluster in a temporary directory — as the `postgres`
//! user when the tests run as root, since PostgreSQL refuses to — listening on 127.0.0.1 only,
//! and a watchdog stops it and deletes the directory when the test process ends.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The server the tests use: `postgres://postgres@127.0.0.1:PORT` or the given one.
fn server() -> &'static str {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("VIGIA_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_string(),
        _ => Cluster::start().url,
    })
}

/// A new, empty database on the test server; its address.
pub fn fresh_database() -> String {
    database_on(server())
}

fn database_on(server: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "vigia_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls)
        .expect("the test PostgreSQL answers");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("creating a test database");
    format!("{server}/{name}")
}

/// A throwaway cluster of its own, for a test that stops and starts its server (the shared
/// one stays up for the others). Stopped when the test process ends.
pub struct Cluster {
    /// `postgres://postgres@127.0.0.1:PORT`.
    pub url: String,
    dir: PathBuf,
    port: u16,
    server: Option<std::process::Child>,
}

impl Cluster {
    /// Make and start a cluster on a free port of 127.0.0.1.
    pub fn start() -> Cluster {
        start_cluster()
    }

    /// A new, empty database on it; its address.
    pub fn fresh_database(&self) -> String {
        database_on(&self.url)
    }

    /// Stop the server (fast shutdown: connections are ended) and wait for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = Command::new("kill")
                .args(["-INT", &server.id().to_string()])
                .status();
            let _ = server.wait();
        }
    }

    /// Start the stopped server again on the same port; wait until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let mut server = spawn_server(&bin_dir(), &self.dir, self.port);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !answers(&self.url) {
            assert!(
                Instant::now() < deadline && matches!(server.try_wait(), Ok(None)),
                "the test PostgreSQL did not start again"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        self.server = Some(server);
    }
}

fn answers(url: &str) -> bool {
    postgres::Client::connect(&format!("{url}/postgres"), postgres::NoTls).is_ok()
}

fn spawn_server(bin: &Path, dir: &Path, port: u16) -> std::process::Child {
    as_owner(&bin.join("postgres"))
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-p", &port.to_string(), "-k"])
        .arg(dir)
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
        .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
        .args(["-c", "max_connections=200"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// A plain client of the database at `url`, for tests that look inside it.
pub fn client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("the test database answers")
}

fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .into_iter()
        .rev()
        .map(|v| v.join("bin"))
        .find(|b| b.join("initdb").exists())
        .expect(
            "PostgreSQL is not installed: `bash scripts/test.sh` installs it (apt-get install \
             postgresql postgresql-15-postgis-3), or set VIGIA_TEST_POSTGRES",
        )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command run as the cluster's owner: `postgres` under root, else ourselves (setpriv
/// execs the program: its pid is the server's, and signals reach it).
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_cluster() -> Cluster {
    let bin = bin_dir();
    let dir = tempfile::Builder::new()
        .prefix("vigia-pg-")
        .tempdir()
        .unwrap()
        .keep();
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(ok.success(), "chown of the test cluster's directory");
    }
    let data = dir.join("data");
    let init = as_owner(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    for _ in 0..5 {
        let port = free_port();
        let mut server = spawn_server(&bin, &dir, port);
        let url = format!("postgres://postgres@127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = server.try_wait() {
                break;
            }
            if answers(&url) {
                watch(&dir);
                return Cluster {
                    url,
                    dir,
                    port,
                    server: Some(server),
                };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = server.kill();
        let _ = server.wait();
    }
    panic!("the test PostgreSQL did not start (five ports tried)");
}

/// When this process ends, stop the cluster's server (whichever process it is then: a test
/// may have restarted it) and delete its directory.
// The watchdog must outlive this process (setsid: its own session); init reaps it.
#[allow(clippy::zombie_processes)]
fn watch(dir: &Path) {
    let script = format!(
        "while kill -0 {me} 2>/dev/null; do sleep 0.5; done; \
         pid=$(head -n 1 '{dir}/data/postmaster.pid' 2>/dev/null); \
         if [ -n \"$pid\" ]; then kill -INT $pid 2>/dev/null; \
         for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done; \
         kill -KILL $pid 2>/dev/null; fi; rm -rf '{dir}'",
        me = std::process::id(),
        dir = dir.display()
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test PostgreSQL's watchdog starts");
}
