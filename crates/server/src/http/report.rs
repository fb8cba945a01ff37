//! `GET /api/events/{id}/report`: the event's incident report (the same page as
//! `vigia report`), rendered from the store by `vigia-report`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use vigia_zones::ZoneSet;

use super::{error, read, AppState};

/// The report page of one event.
/// The incident report's content security policy: its own inline styles and SVG, nothing
/// else (no script, no fetch, no frame, no form).
pub(super) const REPORT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub(super) async fn report(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let spec = state.zones_spec();
    let generator = format!("vigia {}", env!("CARGO_PKG_VERSION"));
    let rendered = read(&state, move |db| {
        // The zones drawn are those watched; a spec that no longer loads draws none.
        let zones = ZoneSet::parse_spec(&spec).unwrap_or_default();
        vigia_report::report_from_store(db, id, &zones, &generator)
    })
    .await;
    match rendered {
        // A report is a document, not an application: no script of any origin runs in it,
        // whatever a zone's or an aircraft's name holds (names are escaped as well).
        Ok(Some(html)) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, REPORT_CSP),
            ],
            html,
        )
            .into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such event"),
        Err(r) => r,
    }
}
