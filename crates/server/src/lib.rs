//! vigia-server: the long-running service — everything between the live sources and the people
//! watching.
//!
//! ```text
//!  sources (vigia-feed::net, tokio) ──► FrameQueue (bounded, drops oldest) ──► pipeline thread
//!     dedup ─► Tracker ─► Analyzer ─► live aircraft snapshot (every 1 s)
//!                                   └► WriteBatch ──► writer thread: Store::commit (durable for
//!                                        events) ─► alert rules ─► sinks (stdout, file, webhook)
//!                                                                └► broadcast ─► SSE clients
//!  HTTP API (axum): /api/aircraft, /api/flights, /api/events, /api/zones, /api/stream, /metrics;
//!  the web map at /
//! ```
//!
//! | module | owns |
//! |---|---|
//! | [`settings`] | the serde settings of the pipeline and of alerts (rules, sinks) |
//! | [`dedup`] | dropping the same frame heard by several receivers |
//! | [`pipeline`] | the pipeline thread: queue → dedup → track → detect → batches, live state |
//! | [`writer`] | the writer thread: commit, then alert and broadcast — in that order |
//! | [`alert`] | rules with hysteresis, and the sinks |
//! | [`live`] | the live aircraft table and its published snapshot |
//! | [`metrics`] | counters and the Prometheus text |
//! | [`api`] | the HTTP API, the event stream, the OpenAPI document, tokens |
//! | [`web`] | the live web map's files (`web/`), embedded and served at `/` |
//!
//! The core crates stay synchronous; only the sources, the webhook sink and the HTTP API run
//! on tokio. An event is reported — alert, stream, API — only after the store has committed
//! it durably, so nobody is ever told about an event that a crash could lose.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod alert;
pub mod api;
pub mod dedup;
pub mod live;
pub mod metrics;
pub mod pipeline;
pub mod settings;
pub mod web;
pub mod writer;

pub use api::{check_exposure, run, AppState, ExposureError, ZonesView};
pub use pipeline::{Pipeline, PipelineHandle};
pub use settings::{AlertRule, AlertSettings, PipelineSettings, SinkSettings};
