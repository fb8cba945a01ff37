//! Outgoing HTTP(S): the client the alert sinks post with, and downloads (an aircraft
//! database).
//!
//! Owns TLS: rustls with the ring provider and the Mozilla root store bundled in the binary
//! (webpki-roots), so a minimal install (a Pi, a container) needs no system certificates.
//! Plain `http://` goes through the same client.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Bytes;
use hyper::{Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// The client the sinks post with.
pub type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A client for `http://` and `https://` with certificates checked against the bundled roots.
// ring, not aws-lc-rs: no cmake or assembler toolchain needed to build (a Pi builds it too);
// rustls marks ring's provider deprecated only for lacking post-quantum key exchange, which
// alert posts and public downloads do not need.
#[allow(deprecated)]
pub fn https<B>() -> Result<Client<HttpsConnector<HttpConnector>, B>, String>
where
    B: hyper::body::Body + Send + 'static + Unpin,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| format!("TLS: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(https))
}

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// Not an `http(s)://` URL.
    #[error("{0}")]
    Url(String),
    /// Connecting, TLS, or the transfer failed.
    #[error("{url}: {reason}")]
    Transfer {
        /// Where from.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("{url}: the server answered {status}")]
    Status {
        /// Where from.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// More than the limit.
    #[error("{url}: larger than {limit} bytes; not kept")]
    TooLarge {
        /// Where from.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// Writing the file failed.
    #[error("{path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Redirects followed (GitHub's raw files answer with one or two).
const MAX_REDIRECTS: usize = 5;

/// Fetch `url` into the file `dest` (created or truncated), following redirects, at most
/// `limit` bytes, each response within `timeout` and the whole transfer within 20 times it.
/// Blocks (its own single-thread runtime); the number of bytes written.
pub fn download(
    url: &str,
    dest: &Path,
    limit: u64,
    timeout: Duration,
) -> Result<u64, DownloadError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DownloadError::Transfer {
            url: url.into(),
            reason: e.to_string(),
        })?;
    runtime.block_on(async {
        match tokio::time::timeout(timeout * 20, fetch(url, dest, limit, timeout)).await {
            Ok(result) => result,
            Err(_) => Err(DownloadError::Transfer {
                url: url.into(),
                reason: format!("not done within {} s", (timeout * 20).as_secs()),
            }),
        }
    })
}

async fn fetch(
    url: &str,
    dest: &Path,
    limit: u64,
    timeout: Duration,
) -> Result<u64, DownloadError> {
    let client = https::<Empty<Bytes>>().map_err(DownloadError::Url)?;
    let mut current = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        let uri: Uri = crate::settings::parse_http_url(&current).map_err(DownloadError::Url)?;
        let failed = |reason: String| DownloadError::Transfer {
            url: current.clone(),
            reason,
        };
        let request = Request::get(uri.clone())
            .header("user-agent", concat!("vigia/", env!("CARGO_PKG_VERSION")))
            .body(Empty::new())
            .map_err(|e| failed(e.to_string()))?;
        let response = tokio::time::timeout(timeout, client.request(request))
            .await
            .map_err(|_| failed(format!("no answer within {} s", timeout.as_secs())))?
            .map_err(|e| failed(error_chain(&e)))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| failed(format!("{status} without a location")))?;
            let next = resolve(&uri, location);
            if uri.scheme_str() == Some("https") && !next.starts_with("https://") {
                return Err(failed(
                    "redirected from https to plain http: refused".into(),
                ));
            }
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(DownloadError::Status {
                url: current,
                status: status.as_u16(),
            });
        }
        let write_error = |source| DownloadError::Write {
            path: dest.display().to_string(),
            source,
        };
        let mut file = std::fs::File::create(dest).map_err(write_error)?;
        let mut body = response.into_body();
        let mut written = 0u64;
        while let Some(frame) = tokio::time::timeout(timeout, body.frame())
            .await
            .map_err(|_| failed(format!("stalled for {} s", timeout.as_secs())))?
        {
            let frame = frame.map_err(|e| failed(error_chain(&e)))?;
            if let Some(data) = frame.data_ref() {
                written += data.len() as u64;
                if written > limit {
                    drop(file);
                    let _ = std::fs::remove_file(dest);
                    return Err(DownloadError::TooLarge {
                        url: current,
                        limit,
                    });
                }
                file.write_all(data).map_err(write_error)?;
            }
        }
        file.sync_all().map_err(write_error)?;
        return Ok(written);
    }
    Err(DownloadError::Transfer {
        url: url.into(),
        reason: format!("more than {MAX_REDIRECTS} redirects"),
    })
}

/// A redirect's location, absolute or relative to `base`.
fn resolve(base: &Uri, location: &str) -> String {
    let scheme = base.scheme_str().unwrap_or("http");
    // Absolute: a scheme before any path or query.
    if let Some((head, _)) = location.split_once("://") {
        if !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return location.to_string();
        }
    }
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let authority = base.authority().map_or("", |a| a.as_str());
    if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let path = base.path();
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{scheme}://{authority}{dir}/{location}")
    }
}

/// An error with its causes (hyper's top-level message alone says little).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_locations_resolve_against_the_request() {
        let base: Uri = "https://github.com/a/b/raw/csv/aircraft.csv.gz"
            .parse()
            .unwrap();
        assert_eq!(
            resolve(&base, "https://raw.example/x"),
            "https://raw.example/x"
        );
        assert_eq!(resolve(&base, "/c/d"), "https://github.com/c/d");
        assert_eq!(
            resolve(&base, "e.gz"),
            "https://github.com/a/b/raw/csv/e.gz"
        );
    }
}
