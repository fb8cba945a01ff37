//! The frame bus: NATS JetStream between the receivers and the workers, for a network too
//! large for one process (`vigia gateway`, `vigia worker`).
//!
//! ```text
//!  receivers ──► vigia gateway ──► JetStream stream (frames.<partition>, by aircraft address)
//!                 (times each frame once)      │ one durable consumer per partition
//!                                              ▼
//!               vigia worker --partition i/N: dedup ─► MLAT ─► track ─► detect ─► PostgreSQL
//!                                                       (the same pipeline as `vigia run`)
//! ```
//!
//! Owns the NATS side: the stream's settings and its partition count, connecting (and
//! connecting again), publishing with acknowledgements, and a worker's consumer. The
//! guarantees:
//! - a frame is acknowledged to the bus only once everything it led to is committed in the
//!   store ([`vigia_store::BusOffset`], committed with the writes); a worker that dies is
//!   replaced by starting another with the same `--partition`: it reads the committed offset,
//!   replays the frames published in the `replay_s` before it to rebuild its tracks (writing
//!   nothing for them), and goes on from the next frame — no committed event lost, none
//!   stored twice (events also carry a key the store refuses twice);
//! - the gateway retries a publish until JetStream acknowledges it; a frame stored twice (its
//!   acknowledgement lost) is dropped by the worker, as any frame older than the partition's
//!   clock by more than the de-duplication window;
//! - the gateway never blocks its receivers: while the bus is away its queue drops the
//!   oldest frames, counted, as `vigia run`'s does when its store falls behind.

use std::time::Duration;

pub(crate) mod consumer;
pub mod gateway;

pub use gateway::{Gateway, GatewayStats};

pub(crate) use consumer::start_worker;

/// Where the frame bus is and how it is cut.
#[derive(Debug, Clone, PartialEq)]
pub struct BusSettings {
    /// The NATS server(s): `nats://127.0.0.1:4222` (several separated by commas).
    pub url: String,
    /// The JetStream stream's name.
    pub stream: String,
    /// Subjects are `<subject>.<partition>`.
    pub subject: String,
    /// Partitions of the stream (by aircraft address).
    pub partitions: u32,
    /// A worker taking a partition over replays the frames published this long before the
    /// last committed one, seconds (tracks, CPR pairs and zone states are rebuilt from them).
    pub replay_s: f64,
    /// Frames are kept in the stream this long, seconds (at least a takeover's replay).
    pub max_age_s: f64,
}

impl Default for BusSettings {
    fn default() -> Self {
        Self {
            url: "nats://127.0.0.1:4222".into(),
            stream: "VIGIA_FRAMES".into(),
            subject: "vigia.frames".into(),
            partitions: 1,
            replay_s: 60.0,
            max_age_s: 24.0 * 3600.0,
        }
    }
}

impl BusSettings {
    /// The subject of partition `p`.
    pub fn subject_of(&self, p: u32) -> String {
        format!("{}.{p}", self.subject)
    }

    /// The stream's description: how a worker checks that it cuts the stream as the gateway
    /// did.
    fn description(&self) -> String {
        format!(
            "vigia frames by aircraft address; partitions={}",
            self.partitions
        )
    }
}

/// The partition count a stream was made with, from its description.
fn partitions_in(description: Option<&str>) -> Option<u32> {
    description?
        .rsplit_once("partitions=")
        .and_then(|(_, n)| n.trim().parse().ok())
}

/// `i/N`: partition `i` of `N`.
///
/// ```
/// use vigia_server::bus::parse_partition;
/// assert_eq!(parse_partition("1/4"), Ok((1, 4)));
/// assert!(parse_partition("4/4").is_err());
/// assert!(parse_partition("x").is_err());
/// ```
pub fn parse_partition(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{text:?}: a partition is i/N with 0 <= i < N (e.g. 0/2)");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: u32 = i.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || n > 4096 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Why the bus cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BusError {
    /// The NATS server cannot be reached.
    #[error("{url}: cannot connect to NATS: {message}")]
    Connect {
        /// The address.
        url: String,
        /// Why.
        message: String,
    },
    /// JetStream refused the stream or a consumer.
    #[error("stream {stream}: {message}")]
    Stream {
        /// The stream.
        stream: String,
        /// Why.
        message: String,
    },
    /// The stream is cut into another number of partitions than asked.
    #[error(
        "stream {stream} is cut into {found} partitions by its gateway, not {asked}: \
         start the workers with --partition i/{found}"
    )]
    Partitions {
        /// The stream.
        stream: String,
        /// In the stream's description.
        found: u32,
        /// Asked for.
        asked: u32,
    },
}

/// Connect to NATS, trying again (every second, then less often) until it answers or
/// `give_up` passes. The client reconnects by itself afterwards.
async fn connect(url: &str, give_up: Duration) -> Result<async_nats::Client, BusError> {
    let started = std::time::Instant::now();
    let mut wait = Duration::from_millis(200);
    loop {
        let attempt = async_nats::ConnectOptions::new()
            .name("vigia")
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(2))
            .connect(url);
        // `retry_on_initial_connect` returns at once and connects in the background; the first
        // flush tells whether the server answered.
        let result = match attempt.await {
            Ok(client) => {
                match tokio::time::timeout(Duration::from_secs(2), client.flush()).await {
                    Ok(Ok(())) => Ok(client),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("no answer within 2 s".into()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(client) => return Ok(client),
            Err(message) if started.elapsed() >= give_up => {
                return Err(BusError::Connect {
                    url: url.to_string(),
                    message,
                })
            }
            Err(_) => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// The stream, made if it does not exist; refused if it is cut otherwise than `settings`.
async fn stream(
    js: &async_nats::jetstream::Context,
    settings: &BusSettings,
    create: bool,
) -> Result<async_nats::jetstream::stream::Stream, BusError> {
    use async_nats::jetstream::stream;
    let fail = |message: String| BusError::Stream {
        stream: settings.stream.clone(),
        message,
    };
    let mut found = if create {
        js.get_or_create_stream(stream::Config {
            name: settings.stream.clone(),
            subjects: vec![format!("{}.*", settings.subject)],
            description: Some(settings.description()),
            max_age: Duration::from_secs_f64(settings.max_age_s.max(60.0)),
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| fail(e.to_string()))?
    } else {
        js.get_stream(&settings.stream)
            .await
            .map_err(|e| fail(format!("{e} (is its gateway started?)")))?
    };
    let info = found.info().await.map_err(|e| fail(e.to_string()))?;
    match partitions_in(info.config.description.as_deref()) {
        Some(n) if n == settings.partitions => Ok(found),
        Some(found) => Err(BusError::Partitions {
            stream: settings.stream.clone(),
            found,
            asked: settings.partitions,
        }),
        None => Err(fail("not a vigia frame stream (no partition count)".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partition_count_is_read_back_from_the_description() {
        let s = BusSettings {
            partitions: 12,
            ..BusSettings::default()
        };
        assert_eq!(partitions_in(Some(&s.description())), Some(12));
        assert_eq!(partitions_in(Some("frames")), None);
        assert_eq!(partitions_in(None), None);
        assert_eq!(s.subject_of(3), "vigia.frames.3");
    }
}
