//! The webhook sink: each alert POSTed as JSON to an HTTP endpoint, retried with backoff.
//!
//! Owns delivery. The writer thread queues the alert ([`WebhookSender::queue`], never waits);
//! a tokio task posts it, retrying on connection errors, timeouts and non-2xx answers with
//! exponential backoff and jitter. A full queue (the endpoint is down and alerts keep coming)
//! does not drop the alert: it is appended to a spool file (`webhook-N.spool` beside the
//! store, its read offset in `webhook-N.spool.offset`) and delivered, in order, once the queue
//! has room — after a restart too. A spooled alert leaves the spool only once delivered: while
//! the endpoint is down it is retried with backoff, and an alert from the queue that failed its
//! retries goes to the spool too. Only a spool past [`MAX_SPOOL_BYTES`] (or a disk error) drops
//! an alert, counted as a failure. HTTP or HTTPS (rustls, the Mozilla roots bundled). The chat
//! presets ([`super::chat`]) go through the same delivery, only the request differs.

use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Request, Uri};
use tokio::sync::mpsc;
use vigia_feed::net::Backoff;

use super::chat::Chat;
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
    /// The spool at `path`; alerts a previous run left in it (past its saved read offset)
    /// are delivered first.
    pub fn open(path: PathBuf) -> io::Result<Self> {
        let written = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e),
        };
        let read = std::fs::read_to_string(offset_path(&path))
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .unwrap_or(0)
            .min(written);
        Ok(Self {
            path,
            state: Mutex::new(SpoolState { written, read }),
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

    /// The next alert line, if any, without taking it: it stays first until [`Spool::done`].
    pub fn peek(&self) -> io::Result<Option<(String, u64)>> {
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
        Ok(Some((line.trim_end_matches('\n').to_string(), n as u64)))
    }

    /// The line of `len` bytes last peeked was delivered: move past it (and save where), and
    /// truncate the spool once it is empty.
    pub fn done(&self, len: u64) -> io::Result<()> {
        let mut s = self.lock();
        s.read = (s.read + len).min(s.written);
        if s.read >= s.written {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&self.path)?
                .set_len(0)?;
            s.read = 0;
            s.written = 0;
        }
        std::fs::write(offset_path(&self.path), s.read.to_string())
    }
}

fn offset_path(spool: &std::path::Path) -> PathBuf {
    let mut name = spool.as_os_str().to_owned();
    name.push(".offset");
    PathBuf::from(name)
}

/// Longest alert line read back from the spool.
const MAX_LINE_BYTES: u64 = 16 << 20;

impl WebhookSender {
    /// Start the delivery task on `runtime`.
    /// `spool`: where alerts go when the queue is full (none: they are dropped and counted).
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        target: Target,
        retries: u32,
        timeout_s: f64,
        runtime: &tokio::runtime::Handle,
        metrics: Arc<Metrics>,
        index: usize,
        spool: Option<Arc<Spool>>,
    ) -> Result<Self, String> {
        let client = crate::client::https()?;
        let (queue, rx) = mpsc::channel(QUEUE);
        let timeout = Duration::from_secs_f64(timeout_s.clamp(0.001, 3600.0));
        let delivery = Delivery {
            target,
            retries,
            timeout,
            metrics,
            index,
        };
        runtime.spawn(deliver(client, delivery, rx, spool.clone()));
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

/// Where an alert is posted and in what form.
#[derive(Debug)]
pub enum Target {
    /// The alert document itself, POSTed as JSON.
    Webhook(Uri),
    /// A chat service's message ([`super::chat`]).
    Chat(Box<Chat>),
}

/// Where and how to post.
struct Delivery {
    target: Target,
    retries: u32,
    timeout: Duration,
    metrics: Arc<Metrics>,
    index: usize,
}

/// Post queued alerts, then spooled ones, in order; wait when there is nothing.
async fn deliver(
    client: crate::client::HttpClient,
    d: Delivery,
    mut rx: mpsc::Receiver<String>,
    spool: Option<Arc<Spool>>,
) {
    let mut backoff = Backoff::new(
        Duration::from_millis(250),
        Duration::from_secs(30),
        d.index as u64 + 1,
    );
    let count = |delivered: bool| {
        if let Some(c) = d.metrics.sinks.get(d.index) {
            let counter = if delivered { &c.sent } else { &c.failures };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    };
    loop {
        match rx.try_recv() {
            Ok(body) => {
                send_or_keep(&client, &d, body, &mut backoff, spool.as_deref(), &count).await;
                continue;
            }
            Err(mpsc::error::TryRecvError::Disconnected) if spool.is_none() => return,
            Err(_) => {}
        }
        let spooled = match &spool {
            Some(spool) => match spool.peek() {
                Ok(line) => line,
                Err(_) => {
                    // The spool cannot be read now (disk trouble): wait rather than spin.
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    None
                }
            },
            None => None,
        };
        if let (Some(spool), Some((line, len))) = (&spool, spooled) {
            match post(&client, &d, Bytes::from(line), &mut backoff).await {
                Outcome::Delivered => {
                    count(true);
                    let _ = spool.done(len);
                }
                // It will never be taken (not an alert, or refused for good): counted and
                // dropped, so that it does not hold back every alert after it.
                Outcome::Rejected => {
                    count(false);
                    let _ = spool.done(len);
                }
                // The endpoint is down: the alert stays first in the spool; try again later.
                Outcome::Failed => tokio::time::sleep(backoff.next_delay()).await,
            }
            continue;
        }
        match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
            Ok(Some(body)) => {
                send_or_keep(&client, &d, body, &mut backoff, spool.as_deref(), &count).await;
            }
            // The sender is gone and nothing is spooled: done.
            Ok(None) if spool.as_ref().is_none_or(|s| !s.pending()) => return,
            Ok(None) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(_) => {}
        }
    }
}

/// Post an alert from the queue; one that fails its retries is kept in the spool to be tried
/// again (counted as a failure only when there is no spool to keep it in).
async fn send_or_keep(
    client: &crate::client::HttpClient,
    d: &Delivery,
    body: String,
    backoff: &mut Backoff,
    spool: Option<&Spool>,
    count: &impl Fn(bool),
) {
    match post(client, d, Bytes::from(body.clone()), backoff).await {
        Outcome::Delivered => count(true),
        Outcome::Rejected => count(false),
        Outcome::Failed => {
            if spool.is_none_or(|spool| spool.append(&body).is_err()) {
                count(false);
            }
        }
    }
}

/// What became of one alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Taken (2xx).
    Delivered,
    /// Never will be: no request can be made of it, or the endpoint refuses it for good (a
    /// 4xx other than 408 and 429: a wrong chat, a revoked token).
    Rejected,
    /// Not now: no answer, a timeout, a 5xx, 408 or 429 after every retry.
    Failed,
}

/// Post one alert with retries.
async fn post(
    client: &crate::client::HttpClient,
    d: &Delivery,
    body: Bytes,
    backoff: &mut Backoff,
) -> Outcome {
    backoff.reset();
    for attempt in 0..=d.retries {
        if attempt > 0 {
            tokio::time::sleep(backoff.next_delay()).await;
        }
        let Some(request) = request(&d.target, &body) else {
            return Outcome::Rejected;
        };
        if let Ok(Ok(response)) = tokio::time::timeout(d.timeout, client.request(request)).await {
            let status = response.status();
            if status.is_success() {
                return Outcome::Delivered;
            }
            if status.is_client_error() && !matches!(status.as_u16(), 408 | 429) {
                return Outcome::Rejected;
            }
        }
    }
    Outcome::Failed
}

/// The HTTP request that posts `body` (an alert line) to `target`; `None` when it cannot be
/// made (a chat preset given a line that is not an alert document).
fn request(target: &Target, body: &Bytes) -> Option<Request<Full<Bytes>>> {
    let builder = |method: Method, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .header("user-agent", "vigia")
    };
    match target {
        Target::Webhook(uri) => Request::post(uri.clone())
            .header("content-type", "application/json")
            .header("user-agent", "vigia")
            .body(Full::new(body.clone()))
            .ok(),
        Target::Chat(chat) => {
            let line = std::str::from_utf8(body).ok()?;
            let r = chat.request(line)?;
            let mut b = builder(r.method, &r.url);
            for (name, value) in r.headers {
                b = b.header(name, value);
            }
            b.body(Full::new(Bytes::from(r.body))).ok()
        }
    }
}
