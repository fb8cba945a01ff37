//! Connections: accepting them under a cap, cutting off the slow and the idle, and ending them
//! at shutdown within a deadline.
//!
//! Owns the accept loop that [`serve`](super::serve) runs (in place of `axum::serve`, which has
//! no limits): at most `max_connections` open — at the cap, the oldest connection that has not
//! been answered anything yet (a slow client, likely a slowloris) is closed to make room, and
//! only when there is none is the new one closed; a request's headers within `header_timeout`
//! (hyper's timer; a slowloris client is cut off),
//! a connection with nothing read or written for `idle_timeout` closed, and at shutdown every
//! connection asked to finish its request in flight, then dropped after `shutdown_timeout`
//! (a half-sent request no longer holds SIGTERM). The counters are the service's metrics.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use crate::service::metrics::Metrics;

/// How many connections, and how long each may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectionLimits {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Time to send a request's headers.
    pub header_timeout: Duration,
    /// Time with nothing read or written before the connection is closed.
    pub idle_timeout: Duration,
    /// Time requests in flight get at shutdown.
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        crate::config::ServerConfig::default().limits()
    }
}

/// Serve `app` on `listener` under `limits` until `shutdown` completes.
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let open: Registry = Arc::default();
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of descriptors and the like: wait a little rather than spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let permit = match permits.clone().try_acquire_owned() {
                    Ok(permit) => permit,
                    // Full: make room by closing the oldest connection never answered.
                    Err(_) if shed(&open) => {
                        match tokio::time::timeout(SHED_WAIT, permits.clone().acquire_owned()).await {
                            Ok(Ok(permit)) => permit,
                            _ => {
                                metrics.http_refused.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                        }
                    }
                    Err(_) => {
                        metrics.http_refused.fetch_add(1, Ordering::Relaxed);
                        drop(stream);
                        continue;
                    }
                };
                let (app, metrics, stopping) = (app.clone(), metrics.clone(), stopping.clone());
                let activity = Arc::new(Activity::new());
                let id = register(&open, &activity);
                let open = open.clone();
                connections.spawn(async move {
                    // Undone when the task ends, however it ends (a panic, an abort at shutdown).
                    let _open = Registered { open, id, metrics: metrics.clone(), _permit: permit };
                    metrics.http_open.fetch_add(1, Ordering::Relaxed);
                    connection(stream, app, limits, stopping, activity, &metrics).await;
                });
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
    Ok(())
}

/// How long a new connection waits for the room a shed one leaves.
const SHED_WAIT: Duration = Duration::from_millis(500);

/// The last id given, and the open connections' activity by id: what shedding chooses from.
type Open = (u64, Vec<(u64, Arc<Activity>)>);
type Registry = Arc<std::sync::Mutex<Open>>;

fn lock(open: &Registry) -> std::sync::MutexGuard<'_, Open> {
    open.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn register(open: &Registry, activity: &Arc<Activity>) -> u64 {
    let mut open = lock(open);
    open.0 += 1;
    let id = open.0;
    open.1.push((id, activity.clone()));
    id
}

fn unregister(open: &Registry, id: u64) {
    lock(open).1.retain(|(k, _)| *k != id);
}

/// An open connection's place: in the registry, in the gauge, and its permit.
struct Registered {
    open: Registry,
    id: u64,
    metrics: Arc<Metrics>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Registered {
    fn drop(&mut self) {
        unregister(&self.open, self.id);
        self.metrics.http_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Ask the oldest connection that has written nothing yet to close; whether there was one.
fn shed(open: &Registry) -> bool {
    let open = lock(open);
    let oldest = open
        .1
        .iter()
        .filter(|(_, a)| !a.answered() && !a.shed.load(Ordering::Relaxed))
        .min_by_key(|(id, _)| *id);
    match oldest {
        Some((_, activity)) => {
            activity.shed.store(true, Ordering::Relaxed);
            activity.close.notify_one();
            true
        }
        None => false,
    }
}

/// Serve one connection; true when it was closed for slowness or idleness.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
    activity: Arc<Activity>,
    metrics: &Metrics,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let service = TowerToHyperService::new(app);
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await.is_ok();
    };
    let timed_out = tokio::select! {
        result = conn.as_mut() => is_timeout(result.err()),
        () = activity.idle(limits.idle_timeout) => true,
        () = activity.close.notified() => true,
        () = stop => {
            // Finish the request in flight (the caller's deadline bounds it), then close.
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                _ = conn.as_mut() => {}
                () = activity.idle(limits.idle_timeout) => {}
            }
            false
        }
    };
    // Counted before the socket is dropped (with `conn`, at the return): whoever sees the
    // close sees the count.
    if timed_out {
        metrics.http_timed_out.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether hyper closed the connection for its header timeout.
fn is_timeout(error: Option<hyper::Error>) -> bool {
    error.is_some_and(|e| e.is_timeout())
}

/// When a connection last read or wrote, as milliseconds since it opened.
#[derive(Debug)]
struct Activity {
    opened: Instant,
    last_ms: AtomicU64,
    /// Something was written (an answer began).
    wrote: std::sync::atomic::AtomicBool,
    /// Chosen to be closed to make room.
    shed: std::sync::atomic::AtomicBool,
    close: tokio::sync::Notify,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
            wrote: std::sync::atomic::AtomicBool::new(false),
            shed: std::sync::atomic::AtomicBool::new(false),
            close: tokio::sync::Notify::new(),
        }
    }

    fn answered(&self) -> bool {
        self.wrote.load(Ordering::Relaxed)
    }

    fn touch(&self) {
        let ms = self.opened.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Completes once nothing was read or written for `limit`.
    async fn idle(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let since = self.opened.elapsed().saturating_sub(last);
            if since >= limit {
                return;
            }
            tokio::time::sleep(limit - since).await;
        }
    }
}

/// A stream that records its activity.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
            self.activity.wrote.store(true, Ordering::Relaxed);
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
