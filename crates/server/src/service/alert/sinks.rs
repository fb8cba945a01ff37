//! The alert sinks: standard output, an append-only file, a webhook, chat services
//! (Telegram, Discord, Slack-compatible, Matrix, ntfy: [`super::chat`]).
//!
//! Owns opening them from [`SinkSettings`] and writing one alert line. Standard output and the
//! file are written synchronously by the writer thread (a line, then a flush: an alert that was
//! written is not sitting in a buffer); the webhook hands the line to its own task
//! ([`crate::service::alert::webhook`]) and returns at once.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};

use crate::settings::SinkSettings;

use super::chat::Chat;
use super::webhook::{Spool, Target, WebhookSender};

/// One opened sink.
pub enum Sink {
    /// Standard output.
    Stdout,
    /// An append-only file.
    File(File),
    /// A webhook's or chat preset's queue.
    Webhook(WebhookSender),
}

/// Why a sink could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// The alert file could not be opened for appending.
    #[error("{path}: cannot open the alert file: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The sink's URL is not `http(s)://host[:port]/path`.
    #[error("{0}")]
    Url(String),
}

/// The name a sink has in metrics, which anyone who can read `/metrics` sees: `stdout`,
/// `file:NAME` (the file's name, not its path), `webhook:http://HOST:PORT` (no user,
/// password, path or query: those carry secrets). The index tells sinks of one kind apart.
///
/// ```
/// use vigia_server::service::alert::sinks::name;
/// use vigia_server::SinkSettings;
/// let hook = SinkSettings::Webhook {
///     url: "http://ops:s3cret@127.0.0.1:9000/hook?token=abc".into(),
///     retries: 5,
///     timeout_s: 5.0,
/// };
/// assert_eq!(name(&hook), "webhook:http://127.0.0.1:9000");
/// let file = SinkSettings::File { path: "/var/lib/vigia/private/alerts.jsonl".into() };
/// assert_eq!(name(&file), "file:alerts.jsonl");
/// ```
pub fn name(settings: &SinkSettings) -> String {
    match settings {
        SinkSettings::Stdout => "stdout".into(),
        SinkSettings::File { path } => format!(
            "file:{}",
            std::path::Path::new(path)
                .file_name()
                .map_or_else(|| "?".into(), |n| n.to_string_lossy())
        ),
        _ => {
            let url = settings.delivery().map_or("", |(url, _, _)| url);
            let kind = match settings {
                SinkSettings::Telegram { .. } => "telegram",
                SinkSettings::Discord { .. } => "discord",
                SinkSettings::Slack { .. } => "slack",
                SinkSettings::Matrix { .. } => "matrix",
                SinkSettings::Ntfy { .. } => "ntfy",
                _ => "webhook",
            };
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let scheme = url.split_once("://").map_or("http", |(s, _)| s);
            format!("{kind}:{scheme}://{host}")
        }
    }
}

/// The names of `sinks` in metrics ([`name`]), made distinct (`#2`, `#3` after a repeat: two
/// webhooks to one host are two series).
pub fn names(sinks: &[SinkSettings]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(sinks.len());
    for s in sinks {
        let base = name(s);
        let mut candidate = base.clone();
        let mut k = 1;
        while out.contains(&candidate) {
            k += 1;
            candidate = format!("{base}#{k}");
        }
        out.push(candidate);
    }
    out
}

/// Open a sink. Sinks that post (webhook, chat presets) need a tokio runtime handle to run
/// their delivery task, the index of their counters in
/// [`crate::service::metrics::Metrics::sinks`], a directory for their spool
/// (`webhook-INDEX.spool`: alerts that found the queue full; none: such alerts are dropped and
/// counted), and the map's public address for the links in chat messages.
pub fn open(
    settings: &SinkSettings,
    runtime: &tokio::runtime::Handle,
    metrics: std::sync::Arc<crate::service::metrics::Metrics>,
    index: usize,
    spool_dir: Option<&std::path::Path>,
    public_url: &str,
) -> Result<Sink, SinkError> {
    Ok(match settings {
        SinkSettings::Stdout => Sink::Stdout,
        SinkSettings::File { path } => Sink::File(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| SinkError::File {
                    path: path.clone(),
                    source,
                })?,
        ),
        _ => {
            let Some((url, retries, timeout_s)) = settings.delivery() else {
                return Err(SinkError::Url("this sink does not post".into()));
            };
            let target = match Chat::from_settings(settings, public_url) {
                Some(chat) => {
                    crate::settings::parse_http_url(url).map_err(SinkError::Url)?;
                    Target::Chat(Box::new(chat))
                }
                None => {
                    Target::Webhook(crate::settings::parse_http_url(url).map_err(SinkError::Url)?)
                }
            };
            let spool = match spool_dir {
                Some(dir) => {
                    let path = dir.join(format!("webhook-{index}.spool"));
                    let spool = Spool::open(path.clone()).map_err(|source| SinkError::File {
                        path: path.display().to_string(),
                        source,
                    })?;
                    Some(std::sync::Arc::new(spool))
                }
                None => None,
            };
            Sink::Webhook(
                WebhookSender::spawn(target, retries, timeout_s, runtime, metrics, index, spool)
                    .map_err(SinkError::Url)?,
            )
        }
    })
}

impl Sink {
    /// Deliver one alert line (no newline): `Ok(true)` when delivered, `Ok(false)` when queued
    /// (the webhook's task counts the outcome).
    pub fn send(&mut self, line: &str) -> io::Result<bool> {
        match self {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
                out.flush()?;
                Ok(true)
            }
            Sink::File(file) => {
                let mut buf = Vec::with_capacity(line.len() + 1);
                buf.extend_from_slice(line.as_bytes());
                buf.push(b'\n');
                // One write call per line: concurrent readers never see half a line.
                file.write_all(&buf)?;
                Ok(true)
            }
            Sink::Webhook(sender) => sender.queue(line).map(|()| false),
        }
    }

    /// Flush buffered output.
    pub fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout => io::stdout().flush(),
            Sink::File(file) => file.flush(),
            Sink::Webhook(_) => Ok(()),
        }
    }
}
