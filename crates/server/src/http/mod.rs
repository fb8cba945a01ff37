//! The HTTP API (axum): live aircraft, flights, events with evidence, zones, the event stream,
//! metrics, health, and the OpenAPI document.
//!
//! Owns routing, request parsing, JSON shapes of flights and events for the map, the token
//! check for requests that change state, and the refusal to listen beyond loopback without a
//! token ([`check_exposure`]). [`run`] takes its listener and shutdown signal as arguments, so a
//! test binds `127.0.0.1:0`. Reads go to the store through a read-only connection on tokio's
//! blocking pool; the live table is a snapshot the pipeline publishes — no request ever holds
//! a lock the pipeline needs.

pub mod openapi;
mod report;
pub mod stream;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use vigia_feed::net::unix_now;
use vigia_store::{EventFilter, FlightFilter, FlightRow, Store, StoredEvent};
use vigia_zones::{ZoneIndex, ZoneSet};

use crate::live::LiveView;
use crate::metrics::Metrics;
use crate::pipeline::Control;
use stream::StreamMessage;

/// The zones as the API serves them.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonesView {
    /// The spec they were loaded from (`MEX,USA`).
    pub spec: String,
    /// GeoJSON FeatureCollection text.
    pub geojson: Arc<str>,
}

impl ZonesView {
    /// The zones of `set` (indexed as `index`) as GeoJSON; buffered zones as their outline.
    pub fn new(spec: &str, set: &ZoneSet, index: &ZoneIndex) -> Self {
        let outlines: Vec<_> = index
            .ids()
            .map(|id| index.outline(id, vigia_zones::buffer::default_cell_deg(index, id)))
            .collect();
        let geojson = vigia_zones::geojson::to_geojson(
            set.zones()
                .iter()
                .zip(&outlines)
                .map(|(z, outline)| (z.name.as_str(), z.kind, z.altitude_band_ft, outline)),
        );
        Self {
            spec: spec.to_string(),
            geojson: geojson.into(),
        }
    }
}

/// Reloads the zones from the configuration: the new index and its view.
pub type ZoneLoader = dyn Fn() -> Result<(Arc<ZoneIndex>, ZonesView), String> + Send + Sync;

/// Everything a request can reach.
pub struct Shared {
    /// Live aircraft snapshot.
    pub live: Arc<LiveView>,
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
    /// Zone reloading, and the pipeline to hand the new zones to.
    pub reload: Option<(Arc<ZoneLoader>, Mutex<Sender<Control>>)>,
    /// Turns true at shutdown (ends streams).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Start time, seconds.
    pub started: f64,
}

/// The API's state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The shared part.
    pub inner: Arc<Shared>,
}

/// Listening beyond loopback without a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExposureError {
    /// A non-loopback address and no token.
    #[error("refusing to listen on {0} without a token: anyone who can reach it could change state. Set `token` in the [server] section of the config, or listen on 127.0.0.1")]
    NoToken(SocketAddr),
}

/// Refuse a non-loopback listening address when no token is configured.
///
/// ```
/// use vigia_server::check_exposure;
/// assert!(check_exposure("127.0.0.1:8080".parse().unwrap(), None).is_ok());
/// assert!(check_exposure("0.0.0.0:8080".parse().unwrap(), None).is_err());
/// assert!(check_exposure("0.0.0.0:8080".parse().unwrap(), Some("s3cret")).is_ok());
/// ```
pub fn check_exposure(address: SocketAddr, token: Option<&str>) -> Result<(), ExposureError> {
    if address.ip().is_loopback() || token.is_some_and(|t| !t.is_empty()) {
        Ok(())
    } else {
        Err(ExposureError::NoToken(address))
    }
}

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// See [`ExposureError`].
    #[error(transparent)]
    Exposure(#[from] ExposureError),
    /// The listener failed.
    #[error("HTTP server: {0}")]
    Io(#[from] std::io::Error),
}

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/aircraft", get(aircraft))
        .route("/api/flights", get(flights))
        .route("/api/flights/{id}", get(flight))
        .route("/api/events", get(events))
        .route("/api/events/{id}", get(event))
        .route("/api/events/{id}/report", get(report::report))
        .route("/api/events/{id}/ack", post(acknowledge))
        .route("/api/zones", get(zones))
        .route("/api/zones/reload", post(reload_zones))
        .route("/api/stream", get(stream::stream))
        .route("/api/openapi.json", get(openapi_document))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .merge(crate::web::router())
        .with_state(state)
}

/// Serve the API on `listener` until `shutdown` completes. Refuses (before serving) a
/// non-loopback address without a token.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    check_exposure(listener.local_addr()?, state.inner.token.as_deref())?;
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// An error answer: status and `{"error": text}`.
fn error(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(json!({"error": text.into()}))).into_response()
}

/// Run a store read on the blocking pool.
async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, vigia_store::StoreError> + Send + 'static,
) -> Result<T, Response> {
    let inner = state.inner.clone();
    tokio::task::spawn_blocking(move || {
        let db = inner.db.lock().unwrap_or_else(PoisonError::into_inner);
        f(&db)
    })
    .await
    .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

async fn aircraft(State(state): State<AppState>) -> Response {
    let snapshot = state.inner.live.get();
    Json(json!({"now": snapshot.now, "count": snapshot.aircraft.len(), "aircraft": snapshot.aircraft}))
        .into_response()
}

/// `/api/flights` query.
#[derive(Debug, Deserialize)]
struct FlightQuery {
    since: Option<f64>,
    icao24: Option<String>,
    zone: Option<String>,
    limit: Option<usize>,
}

fn flight_json(f: &FlightRow) -> Value {
    json!({
        "id": f.id, "icao24": f.icao24, "callsign": f.callsign,
        "start_ts": f.start_ts, "end_ts": f.end_ts, "positions": f.positions,
        "last": f.last.map(|(lat, lon, alt)| json!({"lat": lat, "lon": lon, "altitude_ft": alt})),
        "zones": f.zones, "score": f.score, "military": f.military, "ended": f.ended,
    })
}

async fn flights(State(state): State<AppState>, Query(q): Query<FlightQuery>) -> Response {
    let filter = FlightFilter {
        since: q.since,
        icao24: q.icao24,
        zone: q.zone,
        limit: q.limit.unwrap_or(0),
    };
    match read(&state, move |db| db.flights(&filter)).await {
        Ok(rows) => {
            Json(json!({"flights": rows.iter().map(|f| flight_json(&f.row)).collect::<Vec<_>>()}))
                .into_response()
        }
        Err(r) => r,
    }
}

async fn flight(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = read(&state, move |db| {
        let Some(f) = db.flight(&id)? else {
            return Ok(None);
        };
        let track = db.flight_track(&id)?;
        Ok(Some(vigia_store::geojson::track(&f.row, &track)))
    })
    .await;
    match result {
        Ok(Some(feature)) => Json(feature).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such flight"),
        Err(r) => r,
    }
}

/// `/api/events` query.
#[derive(Debug, Deserialize)]
struct EventQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    zone: Option<String>,
    since: Option<f64>,
    icao24: Option<String>,
    after_id: Option<i64>,
    limit: Option<usize>,
}

fn event_json(e: &StoredEvent) -> Value {
    let mut doc = e.document.clone();
    if let Value::Object(o) = &mut doc {
        o.insert("id".into(), json!(e.id));
        o.insert("committed_at".into(), json!(e.committed_at));
        o.insert("acknowledged_at".into(), json!(e.acknowledged_at));
        o.entry("score").or_insert(json!(e.score));
    }
    doc
}

async fn events(State(state): State<AppState>, Query(q): Query<EventQuery>) -> Response {
    let filter = EventFilter {
        kind: q.kind,
        zone: q.zone,
        icao24: q.icao24,
        since: q.since,
        after_id: q.after_id,
        limit: q.limit.unwrap_or(0),
        ..EventFilter::default()
    };
    match read(&state, move |db| db.events(&filter)).await {
        Ok(rows) => {
            Json(json!({"events": rows.iter().map(event_json).collect::<Vec<_>>()})).into_response()
        }
        Err(r) => r,
    }
}

async fn event(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match read(&state, move |db| db.event(id)).await {
        Ok(Some(e)) => Json(event_json(&e)).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such event"),
        Err(r) => r,
    }
}

/// Check the bearer token of a state-changing request.
#[allow(clippy::result_large_err)]
fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let Some(expected) = state.inner.token.as_deref().filter(|t| !t.is_empty()) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "no token is configured: state changes are disabled (set `token` in [server])",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Compare without an early exit on the first differing byte.
    let same = given.is_some_and(|g| {
        g.len() == expected.len()
            && g.bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if same {
        Ok(())
    } else {
        Err(error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong token (Authorization: Bearer TOKEN)",
        ))
    }
}

async fn acknowledge(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Err(r) = authorize(&state, &headers) {
        return r;
    }
    let inner = state.inner.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut db = inner
            .db_writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        db.acknowledge(id, unix_now())
    })
    .await;
    match done {
        Ok(Ok(true)) => Json(json!({"id": id, "acknowledged": true})).into_response(),
        Ok(Ok(false)) => error(StatusCode::NOT_FOUND, "no such event"),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn zones(State(state): State<AppState>) -> Response {
    let geojson = state
        .inner
        .zones
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .geojson
        .clone();
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        geojson.to_string(),
    )
        .into_response()
}

async fn reload_zones(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&state, &headers) {
        return r;
    }
    let Some((loader, _)) = &state.inner.reload else {
        return error(
            StatusCode::NOT_IMPLEMENTED,
            "this server cannot reload zones",
        );
    };
    let loader = loader.clone();
    let loaded = tokio::task::spawn_blocking(move || loader()).await;
    match loaded {
        Ok(Ok((index, view))) => {
            let names: Vec<String> = index.ids().map(|z| index.name(z).to_string()).collect();
            if let Some((_, control)) = &state.inner.reload {
                let sent = control
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .send(Control::ReplaceZones(index));
                if sent.is_err() {
                    return error(StatusCode::SERVICE_UNAVAILABLE, "the pipeline has stopped");
                }
            }
            *state
                .inner
                .zones
                .write()
                .unwrap_or_else(PoisonError::into_inner) = view;
            Json(json!({"reloaded": true, "zones": names})).into_response()
        }
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn openapi_document() -> Response {
    Json(openapi::document()).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.inner.metrics.render(unix_now()),
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    let m = &state.inner.metrics;
    let connected: u64 = m.sources.iter().map(|(_, c)| c.snapshot().connected).sum();
    Json(json!({
        "status": "ok",
        "uptime_s": (unix_now() - state.inner.started).max(0.0),
        "sources": m.sources.len(),
        "sources_connected": connected,
        "queue_depth": m.queue.len(),
    }))
    .into_response()
}
