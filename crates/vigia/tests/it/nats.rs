//! A NATS server with JetStream for tests and benches (Debian's `nats-server`, which
//! `scripts/test.sh` installs): on a free loopback port, its store in a directory of the
//! caller's, killed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A NATS server with JetStream on 127.0.0.1, its store in a directory of its own.
pub struct Nats {
    /// `nats://127.0.0.1:PORT`.
    pub url: String,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Nats {
    /// Start one with its store under `dir`.
    pub fn start(dir: &Path) -> Nats {
        let mut nats = Nats {
            url: String::new(),
            port: free_port(),
            dir: dir.join("jetstream"),
            child: None,
        };
        nats.url = format!("nats://127.0.0.1:{}", nats.port);
        nats.restart();
        nats
    }

    /// Stop (SIGTERM: JetStream flushes its store) and start again on the same port and store.
    pub fn restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
        let child = Command::new("nats-server")
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "nats-server is not installed: `bash scripts/test.sh` installs it \
                 (apt-get install nats-server)",
            );
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child = Some(child);
    }
}

impl Nats {
    /// Publish each of `payloads` to `subject` with the plain NATS protocol (a stream on that
    /// subject stores them as it stores a gateway's).
    #[allow(dead_code)]
    pub fn publish_raw(&self, subject: &str, payloads: &[Vec<u8>]) {
        use std::io::{BufRead, Write};
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut reader = std::io::BufReader::new(conn.try_clone().unwrap());
        let mut info = String::new();
        reader.read_line(&mut info).unwrap();
        assert!(info.starts_with("INFO"), "{info}");
        conn.write_all(b"CONNECT {\"verbose\":false}\r\n").unwrap();
        for p in payloads {
            write!(conn, "PUB {subject} {}\r\n", p.len()).unwrap();
            conn.write_all(p).unwrap();
            conn.write_all(b"\r\n").unwrap();
        }
        // PING answered by PONG: everything before it was taken.
        conn.write_all(b"PING\r\n").unwrap();
        let mut line = String::new();
        while !line.starts_with("PONG") {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0);
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
