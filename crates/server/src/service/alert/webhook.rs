//! The webhook sink: each alert POSTed as JSON to an HTTP endpoint, retried with backoff.
//!
//! Owns delivery. The writer thread queues the alert ([`WebhookSender::queue`], never waits);
//! a tokio task posts it, retrying on connection errors, timeouts and non-2xx answers with
//! exponential backoff and jitter. A full queue (the endpoint is down and alerts keep coming)
//! does not drop the alert: it is appended to a spool file (`webhook-N.spool` beside the
//! store) and delivered, in order, once the queue has room — after a restart too. Only a spool
//! past [`MAX_SPOOL_BYTES`] (or a disk error) drops an alert, counted as a failure. Plain HTTP
//! only: for HTTPS, put a TLS-terminating proxy in front.

use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc;
use vigia_feed::net::Backoff;

use crate::service::metrics::Metrics;

/// Alerts waiting in memory for a webhook before new ones go to the spool.
const QUEUE: usize = 1024;
/// Largest spool file, bytes (about a million alerts).
pub const MAX_SPOOL_BYTES: u64 = 1 << 30;

/// The writer thread's end of a webhook.
pub struct WebhookSender {
    queue: mpsc::Sender<String>,
    spool: Option<Arc<Spool>>,
}

/// Alerts appended to a file when the queue is full, read back in order by the delivery task.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
    state: Mutex<SpoolState>,
}

#[derive(Debug, Default)]
struct SpoolState {
    /// Bytes written (the file's length).
    written: u64,
    /// Bytes already handed to delivery.
    read: u64,
}

impl Spool {
    /// The spool at `path`; alerts a previous run left in it are delivered first.
    pub fn open(path: PathBuf) -> io::Result<Self> {
        let written = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e),
        };
        Ok(Self {
            path,
            state: Mutex::new(SpoolState { written, read: 0 }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SpoolState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Alerts are waiting in the file.
    pub fn pending(&self) -> bool {
        let s = self.lock();
        s.read < s.written
    }

    /// Append one alert line.
    pub fn append(&self, line: &str) -> io::Result<()> {
        let mut s = self.lock();
        let size = line.len() as u64 + 1;
        if s.written + size > MAX_SPOOL_BYTES {
            return Err(io::Error::other("webhook spool full"));
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        file.write_all(&buf)?;
        s.written += size;
        Ok(())
    }

    /// The next alert line, if any; an emptied spool is truncated.
    pub fn next_line(&self) -> io::Result<Option<String>> {
        let mut s = self.lock();
        if s.read >= s.written {
            return Ok(None);
        }
        let mut file = std::fs::File::open(&self.path)?;
        file.seek(SeekFrom::Start(s.read))?;
        let mut reader = io::BufReader::new(file.take(MAX_LINE_BYTES));
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        if n == 0 {
            // Shorter than recorded (truncated by hand): start over.
            s.read = 0;
            s.written = 0;
            return Ok(None);
        }
        s.read += n as u64;
        if s.read >= s.written {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&self.path)?
                .set_len(0)?;
            s.read = 0;
            s.written = 0;
        }
        Ok(Some(line.trim_end_matches('\n').to_string()))
    }
}

/// Longest alert line read back from the spool.
const MAX_LINE_BYTES: u64 = 16 << 20;

impl WebhookSender {
    /// Start the delivery task on `runtime`.
    /// `spool`: where alerts go when the queue is full (none: they are dropped and counted).
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        url: &str,
        retries: u32,
        timeout_s: f64,
        runtime: &tokio::runtime::Handle,
        metrics: Arc<Metrics>,
        index: usize,
        spool: Option<Arc<Spool>>,
    ) -> Result<Self, String> {
        let uri = crate::settings::parse_http_url(url)?;
        let (queue, rx) = mpsc::channel(QUEUE);
        let timeout = Duration::from_secs_f64(timeout_s.clamp(0.001, 3600.0));
        let delivery = Delivery {
            uri,
            retries,
            timeout,
            metrics,
            index,
        };
        runtime.spawn(deliver(delivery, rx, spool.clone()));
        Ok(Self { queue, spool })
    }

    /// Queue one alert; when the queue is full (or alerts already wait in the spool, to keep
    /// their order) it goes to the spool. An error only when it could not be kept at all
    /// (counted by the caller as a failure). The delivery task counts the outcome.
    pub fn queue(&self, line: &str) -> io::Result<()> {
        let full = || io::Error::new(io::ErrorKind::WouldBlock, "webhook queue full");
        let Some(spool) = &self.spool else {
            return self.queue.try_send(line.to_string()).map_err(|_| full());
        };
        if spool.pending() {
            return spool.append(line);
        }
        match self.queue.try_send(line.to_string()) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(line)) => spool.append(&line),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(full()),
        }
    }
}

/// Where and how to post.
struct Delivery {
    uri: Uri,
    retries: u32,
    timeout: Duration,
    metrics: Arc<Metrics>,
    index: usize,
}

/// Post queued alerts, then spooled ones, in order; wait when there is nothing.
async fn deliver(d: Delivery, mut rx: mpsc::Receiver<String>, spool: Option<Arc<Spool>>) {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut backoff = Backoff::new(
        Duration::from_millis(250),
        Duration::from_secs(30),
        d.index as u64 + 1,
    );
    loop {
        let body = match rx.try_recv() {
            Ok(body) => body,
            Err(mpsc::error::TryRecvError::Disconnected) if spool.is_none() => return,
            Err(_) => {
                let spooled = match &spool {
                    Some(spool) => spool.next_line().unwrap_or(None),
                    None => None,
                };
                match spooled {
                    Some(line) => line,
                    None => match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
                        Ok(Some(body)) => body,
                        Ok(None) => {
                            if spool.as_ref().is_some_and(|s| s.pending()) {
                                continue;
                            }
                            return;
                        }
                        Err(_) => continue,
                    },
                }
            }
        };
        let delivered = post(&client, &d, Bytes::from(body), &mut backoff).await;
        if let Some(c) = d.metrics.sinks.get(d.index) {
            if delivered {
                c.sent.fetch_add(1, Ordering::Relaxed);
            } else {
                c.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Post one alert with retries; whether it was delivered.
async fn post(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    d: &Delivery,
    body: Bytes,
    backoff: &mut Backoff,
) -> bool {
    backoff.reset();
    for attempt in 0..=d.retries {
        if attempt > 0 {
            tokio::time::sleep(backoff.next_delay()).await;
        }
        let Ok(request) = Request::post(d.uri.clone())
            .header("content-type", "application/json")
            .header("user-agent", "vigia")
            .body(Full::new(body.clone()))
        else {
            break;
        };
        if let Ok(Ok(response)) = tokio::time::timeout(d.timeout, client.request(request)).await {
            if response.status().is_success() {
                return true;
            }
        }
    }
    false
}
