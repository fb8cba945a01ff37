//! vigia-server: the long-running service — everything between the live sources and the people
//! watching — as a library: `vigia run`, `vigia demo` and the tests build it the same way.
//!
//! ```text
//!  sources (vigia-feed::net, tokio) ──► FrameQueue (bounded, drops oldest) ──► pipeline thread
//!     dedup ─► Tracker ─► Analyzer ─► live aircraft snapshot (every 1 s)
//!                                   └► WriteBatch ──► writer thread: Store::commit (durable for
//!                                        events) ─► alert rules ─► sinks (stdout, file, webhook)
//!                                                                └► broadcast ─► SSE clients
//!  http (axum): /api/aircraft, /api/flights, /api/events, /api/zones, /api/stream, /metrics;
//!  the web map at /
//! ```
//!
//! ```no_run
//! # async fn example() -> Result<(), vigia_server::ServiceError> {
//! let mut config = vigia_server::Config::default();
//! config.zones = "MEX".into();
//! config.sources.push(vigia_server::config::SourceConfig {
//!     url: "beast://127.0.0.1:30005".into(), id: None, lat: None, lon: None,
//!     alt_m: None, clock: None,
//! });
//! let service = vigia_server::Service::new(config)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.map_err(|e| {
//!     vigia_server::ServiceError::Http(vigia_server::http::ServeError::Io(e))
//! })?;
//! service.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```
//!
//! | module | owns |
//! |---|---|
//! | [`config`] | the service's configuration file: schema, defaults and checks |
//! | [`settings`] | the serde settings of the pipeline and of alerts (rules, sinks) |
//! | [`service`] | the service side: pipeline and writer threads, alerts, live state, metrics |
//! | [`http`] | the HTTP API, the event stream, the web map; reads the service's state |
//! | [`run`] | [`Service`]: both sides assembled from a [`Config`], and run |
//! | [`bus`] | the frame bus (NATS JetStream): `vigia gateway` and a worker's consumer |
//!
//! Dependencies inside the crate point one way: `run` → `http` → `service` →
//! `settings`/`config`.
//! The core crates stay synchronous; only the sources, the webhook sink and the HTTP API run
//! on tokio. An event is reported — alert, stream, API — only after the store has committed
//! it durably, so nobody is ever told about an event that a crash could lose.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod bus;
pub mod client;
pub mod config;
pub mod http;
pub mod run;
pub mod service;
pub mod settings;

pub use config::{Checked, Config};
pub use http::{check_exposure, ExposureError};
pub use run::{Service, ServiceError};
pub use service::ServiceState;
pub use settings::{
    AlertRule, AlertSettings, DarkSettings, Language, PipelineSettings, SinkSettings,
};
