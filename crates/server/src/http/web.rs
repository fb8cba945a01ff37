//! The live web map: the files of `web/` embedded in the binary and served from `/`, and the
//! base map drawn under the zones ([`basemap`], at `/basemap.geojson`).
//!
//! Owns the table of assets (URL path, content type, bytes) and their responses: an `ETag`
//! (computed at compile time for the files), `Cache-Control: no-cache` so a browser revalidates
//! (and gets a `304` when nothing changed) instead of running an old map against a new API, and
//! a Content-Security-Policy that keeps the page on its own origin — scripts, styles and API
//! calls come from this server only; images may also come from a tile server the user
//! configures. Does not own the map's data: the page reads the HTTP API ([`crate::http`]) from
//! the same origin. There is no build step: `web/` is plain HTML, CSS and ES modules.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::AppState;

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// URL path it is served at.
    pub path: &'static str,
    /// `Content-Type` header.
    pub content_type: &'static str,
    /// The file's bytes.
    pub body: &'static [u8],
    /// Strong entity tag: FNV-1a of the body, computed at compile time.
    etag: u64,
}

/// 64-bit FNV-1a: a content hash cheap enough to run in a `const` context.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

macro_rules! asset {
    ($path:literal, $file:literal, $content_type:expr) => {{
        const BODY: &[u8] =
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/", $file));
        Asset {
            path: $path,
            content_type: $content_type,
            body: BODY,
            etag: fnv1a(BODY),
        }
    }};
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of the map, the page first.
pub const ASSETS: &[Asset] = &[
    asset!("/", "index.html", "text/html; charset=utf-8"),
    asset!("/style.css", "style.css", "text/css; charset=utf-8"),
    asset!("/favicon.svg", "favicon.svg", "image/svg+xml"),
    asset!("/app.js", "app.js", JS),
    asset!("/alerts.js", "alerts.js", JS),
    asset!("/format.js", "format.js", JS),
    asset!("/i18n.js", "i18n.js", JS),
    asset!("/map.js", "map.js", JS),
    asset!("/network.js", "network.js", JS),
    asset!("/rings.js", "rings.js", JS),
    asset!("/table.js", "table.js", JS),
    asset!("/coverage.js", "coverage.js", JS),
    asset!("/panel.js", "panel.js", JS),
    asset!("/replay.js", "replay.js", JS),
    asset!("/tiles.js", "tiles.js", JS),
    asset!("/traffic.js", "traffic.js", JS),
    asset!("/zones.js", "zones.js", JS),
];

/// Scripts, styles and API calls from this origin only; images also from a tile server.
/// The page's Content-Security-Policy: everything from this origin; images also from the tile
/// servers in `server.tile_hosts` (none by default: a link with `?tiles=` cannot make the map
/// fetch from, and so report the viewer's area to, any other host).
pub fn content_security_policy(tile_hosts: &[String]) -> String {
    let mut images = String::from("'self' data:");
    for host in tile_hosts {
        images.push(' ');
        images.push_str(host);
    }
    format!(
        "default-src 'self'; img-src {images}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// Whether `origin` may go into the policy: `http(s)://host[:port]`, a leading `*.` allowed in
/// the host, nothing that could end the directive or add another.
pub fn valid_tile_host(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.strip_prefix("*.").unwrap_or(rest);
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
}

/// The entity tag of a version, quoted as the header wants it.
fn quoted(etag: u64) -> String {
    format!("\"{etag:016x}\"")
}

/// The answer to a `GET` with these request headers: `304` when `If-None-Match` names this
/// version, else the body.
fn respond(
    body: Bytes,
    content_type: &'static str,
    etag: u64,
    request: &HeaderMap,
    csp: &HeaderValue,
) -> Response {
    let etag = quoted(etag);
    let fresh = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    (headers, body).into_response()
}

impl Asset {
    /// The entity tag, quoted as the header wants it.
    pub fn etag(&self) -> String {
        quoted(self.etag)
    }

    /// The response to a `GET` with these request headers: `304` when `If-None-Match` names
    /// this version, else the file (with the page's policy `csp`).
    pub fn respond(&self, request: &HeaderMap, csp: &HeaderValue) -> Response {
        respond(
            Bytes::from_static(self.body),
            self.content_type,
            self.etag,
            request,
            csp,
        )
    }
}

/// The base map as last built: for which zone spec, and its GeoJSON.
struct Basemap {
    spec: String,
    body: Bytes,
    etag: u64,
}

/// Built on first request, and again when the zones served change (a reload); requests
/// meanwhile wait for the one build rather than starting their own.
type BasemapCache = Arc<tokio::sync::Mutex<Option<Basemap>>>;

async fn basemap(
    State(state): State<AppState>,
    cache: BasemapCache,
    request: HeaderMap,
    csp: HeaderValue,
) -> Response {
    let spec = state.zones_spec();
    let mut cached = cache.lock().await;
    if cached.as_ref().is_none_or(|b| b.spec != spec) {
        let building = spec.clone();
        match tokio::task::spawn_blocking(move || super::basemap::basemap_geojson(&building)).await
        {
            Ok(Ok(text)) => {
                let etag = fnv1a(text.as_bytes());
                *cached = Some(Basemap {
                    spec,
                    body: Bytes::from(text),
                    etag,
                });
            }
            Ok(Err(e)) => {
                return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
            }
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        }
    }
    match cached.as_ref() {
        Some(b) => respond(
            b.body.clone(),
            "application/geo+json",
            b.etag,
            &request,
            &csp,
        ),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The routes of the map: its files and its base map; images may come from `tile_hosts`.
pub fn router(tile_hosts: &[String]) -> Router<AppState> {
    let cache = BasemapCache::default();
    let csp = HeaderValue::from_str(&content_security_policy(tile_hosts)).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
    });
    let files = ASSETS.iter().fold(Router::new(), |router, asset| {
        let csp = csp.clone();
        router.route(
            asset.path,
            get(move |request: HeaderMap| async move { asset.respond(&request, &csp) }),
        )
    });
    files.route(
        "/basemap.geojson",
        get(move |state: State<AppState>, request: HeaderMap| {
            basemap(state, cache.clone(), request, csp.clone())
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(path: &str) -> &'static Asset {
        ASSETS.iter().find(|a| a.path == path).unwrap()
    }

    fn csp() -> HeaderValue {
        HeaderValue::from_str(&content_security_policy(&[])).unwrap()
    }

    #[test]
    fn images_come_only_from_the_tile_hosts_configured() {
        // `img-src http: https:` let any `?tiles=` link make the map fetch from any host.
        let none = content_security_policy(&[]);
        assert!(none.contains("img-src 'self' data:;"), "{none}");
        let osm = content_security_policy(&["https://tile.openstreetmap.org".into()]);
        assert!(osm.contains("img-src 'self' data: https://tile.openstreetmap.org;"));
        assert!(valid_tile_host("https://*.tile.example.org:8443"));
        for bad in [
            "tile.example",
            "https://x; script-src *",
            "https://",
            "javascript:x",
            "http://a/b",
        ] {
            assert!(!valid_tile_host(bad), "{bad}");
        }
    }

    fn text(asset: &Asset) -> &'static str {
        std::str::from_utf8(asset.body).unwrap()
    }

    #[test]
    fn the_page_and_its_files_have_their_content_types() {
        let page = asset("/").respond(&HeaderMap::new(), &csp());
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(
            page.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(page.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        assert_eq!(
            asset("/app.js")
                .respond(&HeaderMap::new(), &csp())
                .headers()[header::CONTENT_TYPE],
            JS
        );
        assert_eq!(
            asset("/style.css")
                .respond(&HeaderMap::new(), &csp())
                .headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
    }

    #[test]
    fn a_known_version_is_not_sent_again() {
        let app = asset("/app.js");
        let mut request = HeaderMap::new();
        let other = HeaderValue::from_static("\"0000000000000000\"");
        request.insert(header::IF_NONE_MATCH, other);
        assert_eq!(app.respond(&request, &csp()).status(), StatusCode::OK);
        let tags = format!("\"0000000000000000\", {}", app.etag());
        request.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&tags).unwrap());
        let response = app.respond(&request, &csp());
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[header::ETAG], app.etag().as_str());
    }

    #[test]
    fn versions_differ_between_files() {
        let mut tags: Vec<u64> = ASSETS.iter().map(|a| a.etag).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), ASSETS.len());
    }

    /// Every file the page or a module names is served, and nothing comes from elsewhere: the map
    /// must work on a network without the internet.
    #[test]
    fn every_referenced_file_is_served_and_none_is_remote() {
        let served: Vec<&str> = ASSETS.iter().map(|a| a.path).collect();
        let mut referenced = Vec::new();
        for a in ASSETS {
            let body = text(a);
            assert!(
                !body.contains("//cdn") && !body.contains("fonts.googleapis"),
                "{} loads from the internet",
                a.path
            );
            for marker in ["src=\"", "href=\"", "from './", "from \"./"] {
                for (at, _) in body.match_indices(marker) {
                    let rest = &body[at + marker.len()..];
                    let end = rest.find(['"', '\'']).unwrap_or(rest.len());
                    let name = rest[..end].trim_start_matches("./");
                    referenced.push(format!("/{}", name.trim_start_matches('/')));
                }
            }
        }
        referenced.retain(|r| !r.starts_with("/api/") && r != "/#");
        assert!(referenced.iter().any(|r| r == "/app.js"), "{referenced:?}");
        for r in &referenced {
            assert!(
                served.contains(&r.as_str()),
                "{r} is referenced but not served"
            );
        }
    }
}
