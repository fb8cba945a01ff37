//! The service side: sources → pipeline → writer → alerts, live state and counters, and the
//! state the HTTP side reads ([`ServiceState`]). It knows nothing of HTTP; `crate::run`
//! assembles it with `crate::http` into a [`crate::Service`].
//!
//! | module | owns |
//! |---|---|
//! | [`dedup`] | dropping the same frame heard by several receivers |
//! | [`flood`] | folding floods of events from new aircraft; spoofing warnings |
//! | [`pipeline`] | the pipeline thread: queue → dedup → track → detect → batches, live state |
//! | [`writer`] | the writer thread: commit, then alert and broadcast — in that order |
//! | [`alert`] | rules with hysteresis, and the sinks |
//! | [`live`] | the live aircraft table and its published snapshot |
//! | [`receivers`] | what each receiver hears (rate, aircraft, coverage, clock) and the aircraft heard without a position |
//! | [`metrics`] | counters and the Prometheus text |
//! | [`state`] | what the HTTP side may reach ([`ServiceState`]) |
//! | [`stream`] | the live messages broadcast to subscribers |
//! | [`view`] | a committed event as the API, stream and alerts show it |
//! | [`zones`] | loading the watched zones and their GeoJSON view |

pub mod alert;
pub(crate) mod clock;
pub mod dedup;
pub mod flood;
pub mod live;
pub mod metrics;
pub mod pipeline;
pub mod receivers;
pub mod state;
pub mod stream;
pub mod view;
pub mod writer;
pub mod zones;

pub use state::ServiceState;
