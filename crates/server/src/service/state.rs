//! What the HTTP side may reach of the running service: [`ServiceState`].
//!
//! Owned by the service and shared read-mostly with `http`: the live aircraft snapshot the
//! pipeline publishes, read and acknowledge connections to the store, the zones served, the
//! counters, the broadcast of live messages, the token, and the two requests that change the
//! running service (reload the zones, acknowledge an event). No request holds a lock the
//! pipeline needs: the pipeline only publishes into [`LiveView`] and takes zone replacements
//! from a channel.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use vigia_store::{Store, StoreError};

use super::live::LiveView;
use super::metrics::Metrics;
use super::pipeline::Control;
use super::stream::StreamMessage;
use super::zones::{self, ZonesView};

/// Everything a request can reach.
pub struct ServiceState {
    /// Live aircraft snapshot.
    pub live: Arc<LiveView>,
    /// The receivers' status and the aircraft heard without a position.
    pub network: Arc<crate::service::receivers::NetworkView>,
    /// Read connection to the store.
    pub db: Mutex<Store>,
    /// Write connection for acknowledgements.
    pub db_writer: Mutex<Store>,
    /// The zones served.
    pub zones: RwLock<ZonesView>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Live updates for `/api/stream`.
    pub stream: tokio::sync::broadcast::Sender<StreamMessage>,
    /// The token that state changes require; none: state changes are refused.
    pub token: Option<String>,
    /// Host names (besides IP addresses and `localhost`) requests may name in their `Host`
    /// header: a web page on another site that makes its own name resolve to this machine
    /// (DNS rebinding) names its own host, and is refused.
    pub allowed_hosts: Vec<String>,
    /// Origins the map may load tile images from (`server.tile_hosts`).
    pub tile_hosts: Vec<String>,
    /// How many HTTP connections, and how long each may take.
    pub limits: crate::http::ConnectionLimits,
    /// The running pipeline, to hand it reloaded zones (none before it starts, or in a
    /// service that serves only stored data).
    pub control: Mutex<Option<Sender<Control>>>,
    /// Turns true at shutdown (ends streams).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Start time, seconds.
    pub started: f64,
    /// The receiver's position from the configuration (`[receiver]`, else the first source
    /// with one), latitude and longitude: `/data/receiver.json` and the map's range rings.
    pub receiver: Option<(f64, f64)>,
}

/// Why the zones could not be reloaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReloadError {
    /// The spec no longer loads (a file changed or vanished).
    #[error("zones {spec:?}: {source}")]
    Load {
        /// The spec.
        spec: String,
        /// Why (boxed: a load error is large and rare).
        #[source]
        source: Box<vigia_zones::SpecError>,
    },
    /// No pipeline to hand the zones to.
    #[error("the pipeline is not running")]
    Stopped,
}

impl ServiceState {
    /// Load the zones' spec again and hand them to the pipeline; the names of the zones now
    /// watched.
    pub fn reload_zones(&self) -> Result<Vec<String>, ReloadError> {
        let control = self.control.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(control) = control.as_ref() else {
            return Err(ReloadError::Stopped);
        };
        let spec = self.zones_spec();
        let (index, view) = zones::load(&spec).map_err(|source| ReloadError::Load {
            spec: spec.clone(),
            source: Box::new(source),
        })?;
        let names = index.ids().map(|z| index.name(z).to_string()).collect();
        if control.send(Control::ReplaceZones(index)).is_err() {
            return Err(ReloadError::Stopped);
        }
        *self.zones.write().unwrap_or_else(PoisonError::into_inner) = view;
        Ok(names)
    }

    /// The spec the zones were loaded from.
    pub fn zones_spec(&self) -> String {
        self.zones
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .spec
            .clone()
    }

    /// Mark event `id` acknowledged at `now`; `false` when there is no such event.
    pub fn acknowledge(&self, id: i64, now: f64) -> Result<bool, StoreError> {
        self.db_writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .acknowledge(id, now)
    }
}
