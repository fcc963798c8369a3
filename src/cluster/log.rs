//! `-v=N` request logging, as kubectl's (client-go `transport/round_trippers.go` and
//! `rest/request.go` at klog levels):
//! - 6: one line per request, `GET https://… 200 OK in 12 milliseconds`;
//! - 7: the request line and its headers first, then `Response Status: 200 OK in 12 milliseconds`;
//! - 8: also the response headers, and request and response bodies truncated to 1024 characters
//!   (9: 10240; 10 and up: whole), with client-go's ` [truncated N chars]`.
//!
//! Credentials never print: `Authorization` reads `Bearer <redacted>` (kubectl: `<masked>`), and every
//! line passes through [`crate::redact`].
//!
//! The layer wraps kube's whole stack (it is applied with `ClientBuilder::with_layer`, one call
//! whatever builds the stack), so it sees requests before kube adds the base URL, the
//! credentials and the configured headers: those are added to what it prints from the
//! `kube::Config` they come from.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use hyper::{Request, Response};
use kube::client::{Body, ClientBuilder};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The level from which each request is logged (klog's `V(6)`).
pub const REQUESTS: u8 = 6;
const HEADERS: u8 = 7;
const BODIES: u8 = 8;

/// `oc-prunetags/0.1.0 (linux/amd64)`: kubectl's `kubectl/v1.29.0 (linux/amd64) kubernetes/…`
/// form, with Go's names for the architecture, so audit logs attribute our requests.
pub fn user_agent() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "arm" => "arm",
        other => other,
    };
    format!(
        "oc-prunetags/{} ({}/{arch})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    )
}

/// What `-v` asked for, and what kube's inner layers add to each request (to print at 7+).
#[derive(Clone, Debug)]
pub struct RequestLog {
    level: u8,
    base: Arc<str>,
    added_headers: Arc<[(String, String)]>,
}

impl RequestLog {
    /// `config` is the one the client is built from: its URL, headers, impersonation and
    /// credentials are what the inner layers add.
    pub fn new(level: u8, config: &kube::Config) -> RequestLog {
        let mut added = Vec::new();
        for (name, value) in &config.headers {
            added.push((
                title_case(name.as_str()),
                value.to_str().unwrap_or("").to_owned(),
            ));
        }
        let auth = &config.auth_info;
        if let Some(user) = &auth.impersonate {
            added.push(("Impersonate-User".into(), user.clone()));
        }
        for group in auth.impersonate_groups.iter().flatten() {
            added.push(("Impersonate-Group".into(), group.clone()));
        }
        if let Some(uid) = &auth.impersonate_uid {
            added.push(("Impersonate-Uid".into(), uid.clone()));
        }
        let bearer = auth.token.is_some()
            || auth.token_file.is_some()
            || auth.exec.is_some()
            || auth.auth_provider.is_some();
        if auth.username.is_some() && auth.password.is_some() {
            added.push((
                "Authorization".into(),
                format!("Basic {}", crate::redact::MASK),
            ));
        } else if bearer {
            added.push((
                "Authorization".into(),
                format!("Bearer {}", crate::redact::MASK),
            ));
        }
        RequestLog {
            level,
            base: config.cluster_url.to_string().trim_end_matches('/').into(),
            added_headers: added.into(),
        }
    }

    /// The client, logging its requests when the level asks for it.
    pub fn wrap<S, B>(&self, builder: ClientBuilder<S>) -> kube::Client
    where
        S: tower::Service<Request<Body>, Response = Response<B>> + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: HttpBody<Data = Bytes> + Send + Unpin + 'static,
        B::Error: Into<BoxError>,
    {
        if self.level < REQUESTS {
            return builder.build();
        }
        builder.with_layer(self).build()
    }

    /// How many characters of a body to print (client-go's `truncateBody`); `None`: all.
    fn body_limit(&self) -> Option<usize> {
        match self.level {
            0..=8 => Some(1024),
            9 => Some(10240),
            _ => None,
        }
    }
}

impl<S> tower::Layer<S> for RequestLog {
    type Service = LogService<S>;
    fn layer(&self, inner: S) -> LogService<S> {
        LogService {
            inner,
            log: self.clone(),
        }
    }
}

#[derive(Clone)]
pub struct LogService<S> {
    inner: S,
    log: RequestLog,
}

/// One line (or block) on stderr, credentials masked.
fn emit(text: &str) {
    eprintln!("{}", crate::redact::redact(text));
}

/// `impersonate-user` → `Impersonate-User`, as Go's canonical header keys print.
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn status_text(status: hyper::StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    )
}

/// client-go's `truncateBody`: the first `limit` characters and ` [truncated N chars]`.
fn truncate(body: &str, total_chars: usize, limit: Option<usize>) -> String {
    match limit {
        Some(max) if total_chars > max => {
            let cut: String = body.chars().take(max).collect();
            format!("{cut} [truncated {} chars]", total_chars - max)
        }
        _ => body.to_owned(),
    }
}

impl<S, B> tower::Service<Request<Body>> for LogService<S>
where
    S: tower::Service<Request<Body>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: HttpBody<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<LoggedBody<B>>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let log = self.log.clone();
        let method = req.method().to_string();
        let path = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.uri().to_string(), |p| p.as_str().to_owned());
        let url = if path.starts_with('/') {
            format!("{}{path}", log.base)
        } else {
            path
        };
        if log.level >= HEADERS {
            let mut block = format!("{method} {url}\nRequest Headers:");
            for (name, value) in req.headers() {
                let value = value.to_str().unwrap_or("<binary>");
                block.push_str(&format!("\n    {}: {value}", title_case(name.as_str())));
            }
            for (name, value) in log.added_headers.iter() {
                block.push_str(&format!("\n    {name}: {value}"));
            }
            emit(&block);
        }
        let request_body = (log.level >= BODIES)
            .then(|| req.body().try_clone())
            .flatten();
        let start = Instant::now();
        let fut = self.inner.call(req);
        Box::pin(async move {
            if let Some(body) = request_body
                && let Ok(bytes) = body.collect_bytes().await
                && !bytes.is_empty()
            {
                let text = String::from_utf8_lossy(&bytes);
                let chars = text.chars().count();
                emit(&format!(
                    "Request Body: {}",
                    truncate(&text, chars, log.body_limit())
                ));
            }
            let result = fut.await.map_err(Into::into);
            let ms = start.elapsed().as_millis();
            match result {
                Err(e) => {
                    // round_trippers.go prints the line with an empty status when no answer came.
                    if log.level >= HEADERS {
                        emit(&format!("Response Status:  in {ms} milliseconds"));
                    } else {
                        emit(&format!("{method} {url}  in {ms} milliseconds"));
                    }
                    Err(e)
                }
                Ok(resp) => {
                    let status = status_text(resp.status());
                    if log.level >= HEADERS {
                        let mut block = format!("Response Status: {status} in {ms} milliseconds");
                        if log.level >= BODIES {
                            block.push_str("\nResponse Headers:");
                            for (name, value) in resp.headers() {
                                let value = value.to_str().unwrap_or("<binary>");
                                block.push_str(&format!(
                                    "\n    {}: {value}",
                                    title_case(name.as_str())
                                ));
                            }
                        }
                        emit(&block);
                    } else {
                        emit(&format!("{method} {url} {status} in {ms} milliseconds"));
                    }
                    let limit = log.body_limit();
                    let bodies = log.level >= BODIES;
                    Ok(resp.map(|inner| LoggedBody::new(inner, bodies, limit)))
                }
            }
        })
    }
}

/// A response body that keeps the first characters it passes on, and prints them as
/// `Response Body: …` when it ends (or is dropped: a watch stopped early).
pub struct LoggedBody<B> {
    inner: B,
    /// `None`: not logging bodies (levels 6, 7).
    kept: Option<Vec<u8>>,
    total: usize,
    limit: Option<usize>,
}

impl<B> LoggedBody<B> {
    fn new(inner: B, log: bool, limit: Option<usize>) -> Self {
        LoggedBody {
            inner,
            kept: log.then(Vec::new),
            total: 0,
            limit,
        }
    }

    fn flush(&mut self) {
        let Some(kept) = self.kept.take() else {
            return;
        };
        if self.total == 0 {
            return;
        }
        let text = String::from_utf8_lossy(&kept);
        // The kept bytes are at most `limit` (+3 for a cut character) of `total`: count what
        // was not kept as characters of one byte each, which is exact for JSON's ASCII.
        let kept_chars = text.chars().count();
        let total_chars = kept_chars + (self.total - kept.len());
        emit(&format!(
            "Response Body: {}",
            truncate(&text, total_chars, self.limit)
        ));
    }
}

impl<B> Drop for LoggedBody<B> {
    fn drop(&mut self) {
        self.flush();
    }
}

impl<B> HttpBody for LoggedBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(kept), Some(data)) = (this.kept.as_mut(), frame.data_ref()) {
                    this.total += data.len();
                    // Up to 4 bytes more than the limit, so a character cut in two is whole.
                    let room = this
                        .limit
                        .map_or(usize::MAX, |l| (l + 4).saturating_sub(kept.len()));
                    kept.extend_from_slice(&data[..data.len().min(room)]);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => {
                this.flush();
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_like_client_go() {
        assert_eq!(truncate("abc", 3, Some(1024)), "abc");
        let long = "x".repeat(1030);
        assert_eq!(
            truncate(&long, 1030, Some(1024)),
            format!("{} [truncated 6 chars]", "x".repeat(1024))
        );
        assert_eq!(truncate(&long, 1030, None), long);
    }

    #[test]
    fn user_agent_names_us_os_and_go_arch() {
        let ua = user_agent();
        assert!(
            ua.starts_with(concat!("oc-prunetags/", env!("CARGO_PKG_VERSION"), " (")),
            "{ua}"
        );
        assert!(ua.ends_with(')') && ua.contains('/'), "{ua}");
        assert!(!ua.contains("x86_64") && !ua.contains("aarch64"), "{ua}");
    }

    #[test]
    fn header_names_print_as_go_does() {
        assert_eq!(title_case("impersonate-user"), "Impersonate-User");
        assert_eq!(title_case("user-agent"), "User-Agent");
        assert_eq!(title_case("accept"), "Accept");
    }
}
