//! The webhook sink: each alert POSTed as JSON to an HTTP endpoint, retried with backoff.
//!
//! Owns delivery. The writer thread queues the alert ([`WebhookSender::queue`], never waits);
//! a tokio task posts it, retrying on connection errors, timeouts and non-2xx answers with
//! exponential backoff and jitter. A full queue (the endpoint is down and alerts keep coming)
//! drops the new alert and counts a failure — the alert is still in the store, the file and
//! the stream. Plain HTTP only: for HTTPS, put a TLS-terminating proxy in front.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc;
use vigia_feed::net::Backoff;

use crate::service::metrics::Metrics;

/// Alerts waiting for a webhook before new ones are dropped.
const QUEUE: usize = 1024;

/// The writer thread's end of a webhook.
pub struct WebhookSender {
    queue: mpsc::Sender<String>,
}

impl WebhookSender {
    /// Start the delivery task on `runtime`.
    pub fn spawn(
        url: &str,
        retries: u32,
        timeout_s: f64,
        runtime: &tokio::runtime::Handle,
        metrics: Arc<Metrics>,
        index: usize,
    ) -> Result<Self, String> {
        let uri = crate::settings::parse_http_url(url)?;
        let (queue, rx) = mpsc::channel(QUEUE);
        let timeout = Duration::from_secs_f64(timeout_s.clamp(0.001, 3600.0));
        runtime.spawn(deliver(uri, retries, timeout, rx, metrics, index));
        Ok(Self { queue })
    }

    /// Queue one alert; a full queue is an error (counted by the caller as a failure). The
    /// delivery task counts the outcome.
    pub fn queue(&self, line: &str) -> io::Result<()> {
        self.queue
            .try_send(line.to_string())
            .map_err(|_| io::Error::new(io::ErrorKind::WouldBlock, "webhook queue full"))
    }
}

async fn deliver(
    uri: Uri,
    retries: u32,
    timeout: Duration,
    mut rx: mpsc::Receiver<String>,
    metrics: Arc<Metrics>,
    index: usize,
) {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut backoff = Backoff::new(
        Duration::from_millis(250),
        Duration::from_secs(30),
        index as u64 + 1,
    );
    while let Some(body) = rx.recv().await {
        let body = Bytes::from(body);
        let mut delivered = false;
        backoff.reset();
        for attempt in 0..=retries {
            if attempt > 0 {
                tokio::time::sleep(backoff.next_delay()).await;
            }
            let Ok(request) = Request::post(uri.clone())
                .header("content-type", "application/json")
                .header("user-agent", "vigia")
                .body(Full::new(body.clone()))
            else {
                break;
            };
            match tokio::time::timeout(timeout, client.request(request)).await {
                Ok(Ok(response)) if response.status().is_success() => {
                    delivered = true;
                    break;
                }
                _ => continue,
            }
        }
        if let Some(c) = metrics.sinks.get(index) {
            if delivered {
                c.sent.fetch_add(1, Ordering::Relaxed);
            } else {
                c.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
