//! The HTTP side (axum): the API — live aircraft, flights, events with evidence, zones, the
//! event stream, metrics, health, the OpenAPI document — and the web map.
//!
//! Owns routing, request parsing, the JSON shapes of flights for the map, the token check for
//! requests that change state, and the refusal to listen beyond loopback without a token
//! ([`check_exposure`]). It reads the service's [`ServiceState`] and never the other way round.
//! [`serve`] takes its listener and shutdown signal as arguments, so a test binds
//! `127.0.0.1:0`. Reads go to the store through a read-only connection on tokio's blocking
//! pool; the live table is a snapshot the pipeline publishes — no request ever holds a lock the
//! pipeline needs.
//!
//! | module | owns |
//! |---|---|
//! | [`basemap`] | the land drawn under the zones, `/basemap.geojson` |
//! | `conn` | accepting connections under a cap; header, idle and shutdown timeouts |
//! | [`openapi`] | the OpenAPI document |
//! | `report` | `GET /api/events/{id}/report` |
//! | [`stream`] | `GET /api/stream` (SSE) |
//! | [`web`] | the web map's embedded files and `/basemap.geojson` |

pub mod basemap;
mod conn;
pub mod ecosystem;
pub mod openapi;
mod report;
pub mod stream;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use vigia_feed::net::unix_now;
use vigia_store::{EventFilter, FlightFilter, FlightRow, Store, StoredEvent};

pub use conn::ConnectionLimits;

use crate::service::state::{ReloadError, ServiceState};
use crate::service::view::EventView;

/// The handlers' state: the running service's shared part.
pub(crate) type AppState = Arc<ServiceState>;

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
        .route("/api/receivers", get(receivers))
        .route("/api/heard", get(heard))
        .route("/api/coverage", get(coverage))
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
        .route("/data/aircraft.json", get(data_aircraft))
        .route("/data/receiver.json", get(data_receiver))
        .merge(web::router(&state.tile_hosts))
        .layer(axum::middleware::map_response(harden))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            check_host,
        ))
        .with_state(state)
}

/// Whether a `Host` header names this service: an IP address, `localhost`, or an allowed name
/// (port ignored, case-insensitive). No header (HTTP/1.0) is allowed.
pub fn host_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host else { return true };
    let name = match host.strip_prefix('[') {
        // [v6]:port
        Some(rest) => {
            return rest
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok())
        }
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    name.parse::<std::net::IpAddr>().is_ok()
        || name.eq_ignore_ascii_case("localhost")
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// Refuse requests that name another host (DNS rebinding).
async fn check_host(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if host_allowed(host, &state.allowed_hosts) {
        next.run(request).await
    } else {
        error(
            StatusCode::MISDIRECTED_REQUEST,
            "this service does not answer to that host name (add it to server.allowed_hosts)",
        )
    }
}

/// Headers every response carries: no content sniffing (a JSON body is never run as script),
/// no framing by other sites. An error answered in plain text (axum's own rejections of a
/// malformed query or path) or with no body becomes `{"error": text}`, like every other error.
async fn harden(response: Response) -> Response {
    let mut response = json_errors(response).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::X_FRAME_OPTIONS)
        .or_insert(header::HeaderValue::from_static("DENY"));
    response
}

/// Serve the API and the map on `listener` until `shutdown` completes, under the state's
/// connection limits. Refuses (before serving) a non-loopback address without a token.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServiceState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    check_exposure(listener.local_addr()?, state.token.as_deref())?;
    let (limits, metrics) = (state.limits, state.metrics.clone());
    conn::serve(listener, router(state), limits, metrics, shutdown).await?;
    Ok(())
}

/// An error's plain-text or empty body as `{"error": text}`.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(content_type.is_empty() || content_type.starts_with("text/plain")) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let text = match text.trim() {
        "" => status.canonical_reason().unwrap_or("error").to_lowercase(),
        t => t.to_string(),
    };
    // The other headers (`Allow` on a 405, say) stay.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Response::from_parts(
        parts,
        axum::body::Body::from(json!({ "error": text }).to_string()),
    )
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
    let inner = state.clone();
    tokio::task::spawn_blocking(move || {
        let db = inner.db.lock().unwrap_or_else(PoisonError::into_inner);
        f(&db)
    })
    .await
    .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

async fn aircraft(State(state): State<AppState>) -> Response {
    // The snapshot's JSON, made once and shared by every request on it.
    let body = axum::body::Bytes::from_owner(SharedText(state.live.json()));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn data_aircraft(State(state): State<AppState>) -> Response {
    let live = state.live.get();
    let network = state.network.latest();
    let messages = state
        .metrics
        .records
        .load(std::sync::atomic::Ordering::Relaxed);
    let now = if live.now > 0.0 { live.now } else { unix_now() };
    Json(ecosystem::aircraft_json(
        now,
        messages,
        &live,
        &network.heard,
    ))
    .into_response()
}

async fn data_receiver(State(state): State<AppState>) -> Response {
    Json(ecosystem::receiver_json(state.receiver)).into_response()
}

async fn receivers(State(state): State<AppState>) -> Response {
    let snapshot = state.network.latest();
    let now_ms = (unix_now() * 1000.0) as u64;
    // Each receiver's link, from its source's counters (a receiver is a source by its id):
    // whether it is connected now, since when data last came, how often it was lost.
    let receivers: Vec<Value> = snapshot
        .receivers
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            let counters = state
                .metrics
                .sources
                .iter()
                .find(|(name, _)| *name == r.id)
                .map(|(_, c)| c.snapshot());
            if let (Some(c), Some(map)) = (counters, v.as_object_mut()) {
                map.insert("link".into(), link(&c, now_ms));
            }
            v
        })
        .collect();
    Json(json!({"now": snapshot.now, "receivers": receivers})).into_response()
}

/// A source's link as `/api/receivers` shows it.
fn link(c: &vigia_feed::net::CountersSnapshot, now_ms: u64) -> Value {
    json!({
        "connected": c.connected > 0,
        "last_data_s": (c.last_data_ms > 0)
            .then(|| (now_ms.saturating_sub(c.last_data_ms) as f64 / 1000.0 * 10.0).round() / 10.0),
        "connects": c.connects,
        "connect_failures": c.connect_failures,
        "disconnects": c.disconnects,
        "stalls": c.stalls,
    })
}

async fn heard(State(state): State<AppState>) -> Response {
    let snapshot = state.network.latest();
    Json(serde_json::json!({"now": snapshot.now, "heard": snapshot.heard})).into_response()
}

/// Shared text as a response body, without a copy.
struct SharedText(Arc<str>);

impl AsRef<[u8]> for SharedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `/api/flights` query.
#[derive(Debug, Deserialize)]
struct FlightQuery {
    since: Option<f64>,
    icao24: Option<String>,
    zone: Option<String>,
    limit: Option<usize>,
    /// The `next` cursor of the previous page.
    before: Option<String>,
}

/// A page cursor: the last flight's `end_ts` and id, `END_TS,ID`.
fn flight_cursor(f: &FlightRow) -> String {
    format!("{},{}", f.end_ts, f.id)
}

fn parse_flight_cursor(text: &str) -> Option<(f64, String)> {
    let (ts, id) = text.split_once(',')?;
    let ts: f64 = ts.parse().ok().filter(|t: &f64| t.is_finite())?;
    Some((ts, id.to_string()))
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
    let before = match q.before.as_deref().map(parse_flight_cursor) {
        Some(None) => return error(StatusCode::BAD_REQUEST, "before: expected END_TS,ID"),
        Some(cursor) => cursor,
        None => None,
    };
    let filter = FlightFilter {
        since: q.since,
        icao24: q.icao24,
        zone: q.zone,
        limit: q.limit.unwrap_or(0),
        before,
    };
    let page = match filter.limit {
        0 => vigia_store::DEFAULT_LIMIT,
        n => n.min(vigia_store::MAX_LIMIT),
    };
    match read(&state, move |db| db.flights(&filter)).await {
        Ok(rows) => {
            // A full page may have more after it: its last row is the cursor.
            let next = (rows.len() == page)
                .then(|| rows.last().map(|f| flight_cursor(&f.row)))
                .flatten();
            Json(json!({
                "flights": rows.iter().map(|f| flight_json(&f.row)).collect::<Vec<_>>(),
                "next": next,
            }))
            .into_response()
        }
        Err(r) => r,
    }
}

/// `/api/coverage` query.
#[derive(Debug, Deserialize)]
struct CoverageQuery {
    /// Only the band holding this altitude, feet.
    altitude: Option<f64>,
    /// Only cells resting on at least this many expected broadcasts.
    min_expected: Option<f64>,
    /// One receiver's own model, by id (default: the network's).
    receiver: Option<String>,
}

/// The coverage model as saved (at most a minute old): GeoJSON, one square per cell and band;
/// the network's, or with `receiver=ID` that receiver's own.
async fn coverage(State(state): State<AppState>, Query(q): Query<CoverageQuery>) -> Response {
    let band = q
        .altitude
        .filter(|a| a.is_finite())
        .map(vigia_detect::coverage::band);
    let min_expected = q.min_expected.filter(|m| m.is_finite()).unwrap_or(0.0);
    let receiver = q.receiver.unwrap_or_default();
    match read(&state, move |db| db.coverage(&receiver)).await {
        Ok(cells) => {
            Json(vigia_report::coverage::write(&cells, band, min_expected)).into_response()
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
        Ok(Some(vigia_report::geojson::stored_flight(&f.row, &track)))
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
    serde_json::to_value(EventView::stored(e)).unwrap_or(Value::Null)
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
fn authorize(token: Option<&str>, headers: &HeaderMap) -> Result<(), Response> {
    let Some(expected) = token.filter(|t| !t.is_empty()) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "no token is configured: state changes are disabled (set `token` in [server])",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // The scheme is case-insensitive (RFC 9110 §11.1).
        .and_then(|v| {
            v.get(..7)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                .map(|_| &v[7..])
        });
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
    if let Err(r) = authorize(state.token.as_deref(), &headers) {
        return r;
    }
    let inner = state.clone();
    let done = tokio::task::spawn_blocking(move || inner.acknowledge(id, unix_now())).await;
    match done {
        Ok(Ok(true)) => Json(json!({"id": id, "acknowledged": true})).into_response(),
        Ok(Ok(false)) => error(StatusCode::NOT_FOUND, "no such event"),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn zones(State(state): State<AppState>) -> Response {
    let geojson = state
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
    if let Err(r) = authorize(state.token.as_deref(), &headers) {
        return r;
    }
    let inner = state.clone();
    match tokio::task::spawn_blocking(move || inner.reload_zones()).await {
        Ok(Ok(names)) => Json(json!({"reloaded": true, "zones": names})).into_response(),
        Ok(Err(ReloadError::Stopped)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the pipeline is not running",
        ),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn openapi_document() -> Response {
    Json(openapi::document()).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render(unix_now());
    crate::service::metrics::render_network(&state.network.latest(), &mut text);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let connected: u64 = m.sources.iter().map(|(_, c)| c.snapshot().connected).sum();
    let writer_queue = m.writer_queue.load(std::sync::atomic::Ordering::Relaxed);
    let problems = health_problems(m.sources.len(), connected, writer_queue);
    Json(json!({
        "status": if problems.is_empty() { "ok" } else { "degraded" },
        "problems": problems,
        "uptime_s": (unix_now() - state.started).max(0.0),
        "sources": m.sources.len(),
        "sources_connected": connected,
        "queue_depth": m.queue.len(),
        "writer_queue": writer_queue,
    }))
    .into_response()
}

/// Why the service is degraded, if it is: the process answers (so `/healthz` stays 200 for
/// liveness checks) but it is not watching, or not keeping a record.
fn health_problems(sources: usize, connected: u64, writer_queue: u64) -> Vec<String> {
    let mut problems = Vec::new();
    if sources > 0 && connected == 0 {
        problems.push(format!(
            "no receiver connected (0 of {sources} sources): nothing is being watched"
        ));
    }
    let limit = crate::service::pipeline::WRITER_QUEUE as u64;
    if writer_queue * 2 >= limit {
        problems.push(format!(
            "the store's writer is behind: {writer_queue} of {limit} batches waiting"
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn bearer(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn health_says_why_it_is_degraded() {
        assert!(health_problems(2, 1, 0).is_empty());
        assert!(
            health_problems(0, 0, 0).is_empty(),
            "no source configured: nothing to miss"
        );
        let none = health_problems(3, 0, 0);
        assert_eq!(none.len(), 1);
        assert!(
            none[0].contains("no receiver connected (0 of 3"),
            "{none:?}"
        );
        let behind = health_problems(1, 1, 40);
        assert!(
            behind[0].contains("writer is behind: 40 of 64"),
            "{behind:?}"
        );
        assert_eq!(health_problems(1, 0, 63).len(), 2);
    }

    #[test]
    fn state_changes_need_the_configured_token() {
        let status = |token, headers: &HeaderMap| match authorize(token, headers) {
            Ok(()) => StatusCode::OK,
            Err(r) => r.status(),
        };
        assert_eq!(status(None, &bearer("Bearer x")), StatusCode::FORBIDDEN);
        assert_eq!(status(Some(""), &bearer("Bearer ")), StatusCode::FORBIDDEN);
        assert_eq!(
            status(Some("s3cret"), &HeaderMap::new()),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(Some("s3cret"), &bearer("Bearer s3cre")),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(Some("s3cret"), &bearer("Bearer s3cretx")),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(Some("s3cret"), &bearer("Bearer s3cret")),
            StatusCode::OK
        );
        // The scheme's case does not matter; the token's does.
        assert_eq!(
            status(Some("s3cret"), &bearer("bearer s3cret")),
            StatusCode::OK
        );
        assert_eq!(
            status(Some("s3cret"), &bearer("BEARER S3CRET")),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(Some("s3cret"), &bearer("Bear")),
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn only_this_service_s_names_are_answered() {
        // DNS rebinding: a page at evil.example makes its name resolve to 127.0.0.1 and
        // reads the API; its requests say `Host: evil.example:8080`.
        let none: &[String] = &[];
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "10.0.0.7",
            "192.168.1.20:80",
        ] {
            assert!(host_allowed(Some(host), none), "{host}");
        }
        assert!(host_allowed(None, none), "HTTP/1.0 without Host");
        for host in [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1.evil.example",
            "[evil]:80",
        ] {
            assert!(!host_allowed(Some(host), none), "{host}");
        }
        let allowed = vec!["vigia.example.org".to_string()];
        assert!(host_allowed(Some("Vigia.Example.org:443"), &allowed));
        assert!(!host_allowed(Some("evil.example"), &allowed));
    }

    #[test]
    fn a_stored_event_is_served_as_the_contract_with_its_store_keys() {
        let stored = StoredEvent {
            id: 7,
            kind: "zone_presence".into(),
            icao24: "0d0abc".into(),
            flight_id: "0d0abc-1700000000".into(),
            zone: Some("MEX".into()),
            ts: 1.0,
            score: Some(0.4),
            committed_at: 2.0,
            acknowledged_at: None,
            document: vigia_detect::contract::samples::record("zone_presence", Some("MEX"), 1.0),
        };
        let v = event_json(&stored);
        assert_eq!(
            (v["id"].clone(), v["committed_at"].clone()),
            (json!(7), json!(2.0))
        );
        assert_eq!(v["type"], "zone_presence");
        assert_eq!(v["zone"], "MEX");
        assert_eq!(v["entry_observed"], false);
        assert!(v.get("acknowledged_at").is_none());
        assert_eq!(v["evidence"]["positions"].as_array().unwrap().len(), 2);
    }
}
