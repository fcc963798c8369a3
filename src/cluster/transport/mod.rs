//! The connection to the API server, built as kubectl's would be: TLS verified by Go's rules
//! ([`verify`]), proxies chosen as client-go chooses them ([`proxy`]).
//!
//! [`client`] replaces `kube::Client::try_from(config)`: the same tower stack kube builds
//! (`kube-client/src/client/builder.rs`, `make_generic_builder`) — base URI, kube's retry
//! policy when `default_retry` is on, kube's `AuthLayer` (tokens, exec plugins, refresh), extra
//! headers and impersonation, connect/read/write timeouts — around our own connector, which
//! offers h2 and HTTP/1.1 by ALPN as kubectl does (kube's own offers HTTP/1.1 only). Request logging or a User-Agent are further layers in [`client`].

pub mod proxy;
pub mod verify;
pub mod x509;

use std::sync::Arc;

use hyper::Uri;
use hyper_rustls::{FixedServerNameResolver, HttpsConnector};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use hyper_util::rt::TokioExecutor;
use kube::client::ConfigExt as _;
use kube::config::{KubeConfigOptions, Kubeconfig};
use tower::{BoxError, ServiceBuilder};

pub use proxy::{ProxyEnv, Route};

/// What the connection needs besides the `kube::Config`.
#[derive(Clone, Debug)]
pub struct Options {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`: read once, from the process by default.
    pub proxy_env: ProxyEnv,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            proxy_env: ProxyEnv::from_process(),
        }
    }
}

/// Why no client could be built.
#[derive(Debug)]
pub enum BuildError {
    /// kube refused the configuration (credentials, client certificate, TLS setup).
    Kube(kube::Error),
    /// The proxy settings are unusable: the kubeconfig's or the environment's fault.
    Proxy(String),
}

impl From<kube::Error> for BuildError {
    fn from(e: kube::Error) -> BuildError {
        BuildError::Kube(e)
    }
}

/// A client for `config`. `config.proxy_url` is the kubeconfig cluster's `proxy-url` (see
/// [`kubeconfig_proxy_url`]); without one, the environment decides, as in client-go.
/// The client stack as a [`kube::client::ClientBuilder`], so that callers can add their own
/// layers (the `-v` request log, exec credentials) before building it.
pub type Builder = kube::client::ClientBuilder<
    tower::util::BoxService<
        hyper::Request<kube::client::Body>,
        hyper::Response<hyper::body::Incoming>,
        BoxError,
    >,
>;

pub fn client(config: kube::Config, options: &Options) -> Result<Builder, BuildError> {
    let route = proxy::route(
        &config.cluster_url,
        config.proxy_url.as_ref(),
        &options.proxy_env,
    )
    .map_err(BuildError::Proxy)?;
    let tls = tls_config(&config)?;
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    match route {
        Route::Direct => finish(config, tls, tcp),
        Route::Connect(p) => {
            let auth = proxy::credentials(&p).and_then(|(user, pass)| basic_auth(&user, &pass));
            if p.scheme_str() == Some("https") {
                // The TLS hop to an https proxy uses the cluster's TLS settings, as net/http
                // does with the transport's TLSClientConfig (the same roots, the same
                // tls-server-name when one is set: `addTLS` keeps a non-empty ServerName).
                // HTTP/1.1 only to the proxy: CONNECT is an HTTP/1.1 request written on the
                // stream, and h2 offered by ALPN would make the proxy expect frames.
                let to_proxy = https_connector(&config, tls.clone(), tcp, Http::One)?;
                let mut tunnel = Tunnel::new(p, to_proxy);
                if let Some(a) = auth {
                    tunnel = tunnel.with_auth(a);
                }
                finish(config, tls, tunnel)
            } else {
                let mut tunnel = Tunnel::new(p, tcp);
                if let Some(a) = auth {
                    tunnel = tunnel.with_auth(a);
                }
                finish(config, tls, tunnel)
            }
        }
        Route::Socks5(p) => {
            let mut socks = SocksV5::new(p.clone(), tcp).local_dns(false);
            if let Some((user, pass)) = proxy::credentials(&p) {
                socks = socks.with_auth(user, pass);
            }
            finish(config, tls, socks)
        }
    }
}

fn basic_auth(user: &str, pass: &str) -> Option<hyper::header::HeaderValue> {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    hyper::header::HeaderValue::from_str(&format!("Basic {token}"))
        .ok()
        .map(|mut v| {
            v.set_sensitive(true);
            v
        })
}

/// kube's rustls configuration (client certificate or exec-plugin identity, the kubeconfig's
/// CAs, `insecure-skip-tls-verify`), with Go's verification rules for a kubeconfig CA. Without
/// a CA, kube's platform verifier stays (the system roots, as Go's `SystemCertPool`).
fn tls_config(config: &kube::Config) -> Result<rustls::ClientConfig, kube::Error> {
    let mut tls = config.rustls_client_config()?;
    if !config.accept_invalid_certs
        && let Some(roots) = &config.root_cert
    {
        let provider = tls.crypto_provider().clone();
        let verifier = verify::GoVerifier::new(roots, provider).map_err(|e| {
            kube::Error::RustlsTls(kube::client::RustlsTlsError::AddRootCertificate(Box::new(
                e,
            )))
        })?;
        tls.dangerous().set_certificate_verifier(Arc::new(verifier));
    }
    Ok(tls)
}

/// Which HTTP versions a TLS connection offers by ALPN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Http {
    One,
    /// h2 and HTTP/1.1, the server choosing: what kubectl offers (client-go's transport), and
    /// what the API server picks. Requests are then streams of one connection: `usage`'s
    /// 64 reads in flight need no 64 TLS connections (#12).
    TwoOrOne,
}

fn https_connector<H>(
    config: &kube::Config,
    tls: rustls::ClientConfig,
    inner: H,
    http: Http,
) -> Result<HttpsConnector<H>, kube::Error> {
    let mut builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http();
    // client-go `TLSClientConfig.ServerName` = tls-server-name: both the SNI and the name
    // verified.
    if let Some(name) = &config.tls_server_name {
        let name = name.clone().try_into().map_err(|e| {
            kube::Error::RustlsTls(kube::client::RustlsTlsError::InvalidServerName(e))
        })?;
        builder = builder.with_server_name_resolver(FixedServerNameResolver::new(name));
    }
    Ok(match http {
        Http::One => builder.enable_http1().wrap_connector(inner),
        Http::TwoOrOne => builder.enable_all_versions().wrap_connector(inner),
    })
}

/// TLS, timeouts and kube's layers around `connector` (one function per connector type).
fn finish<C>(
    config: kube::Config,
    tls: rustls::ClientConfig,
    connector: C,
) -> Result<Builder, BuildError>
where
    C: tower::Service<Uri> + Clone + Send + Sync + 'static,
    C::Response: hyper::rt::Read
        + hyper::rt::Write
        + hyper_util::client::legacy::connect::Connection
        + Send
        + Unpin
        + 'static,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    let https = https_connector(&config, tls, connector, Http::TwoOrOne)?;
    let mut timeouts = hyper_timeout::TimeoutConnector::new(https);
    timeouts.set_connect_timeout(config.connect_timeout);
    timeouts.set_read_timeout(config.read_timeout);
    timeouts.set_write_timeout(config.write_timeout);
    timeouts.set_reset_reader_on_write(config.reset_reader_on_write);
    let http: hyper_util::client::legacy::Client<_, kube::client::Body> =
        hyper_util::client::legacy::Builder::new(TokioExecutor::new()).build(timeouts);

    let retry = config
        .default_retry
        .then(|| tower::retry::RetryLayer::new(kube::client::retry::RetryPolicy::server_retry()));
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(retry)
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(BoxError::from)
        .service(http);
    Ok(kube::client::ClientBuilder::new(
        tower::util::BoxService::new(service),
        config.default_namespace,
    ))
}

/// The selected cluster's own `proxy-url` (kube's `Config::proxy_url` also takes
/// `HTTPS_PROXY`, which client-go only consults per request, with `NO_PROXY`).
pub fn kubeconfig_proxy_url(kc: &Kubeconfig, options: &KubeConfigOptions) -> Option<Uri> {
    let cluster = match &options.cluster {
        Some(c) => c.clone(),
        None => {
            let context = options.context.as_ref().or(kc.current_context.as_ref())?;
            kc.contexts
                .iter()
                .find(|c| &c.name == context)?
                .context
                .as_ref()?
                .cluster
                .clone()
        }
    };
    let url = kc
        .clusters
        .iter()
        .find(|c| c.name == cluster)?
        .cluster
        .as_ref()?
        .proxy_url
        .as_deref()?;
    url.parse().ok()
}

/// When `e` is a refused server certificate: the reason, in words, and what to check.
pub fn certificate_problem(
    e: &(dyn std::error::Error + 'static),
) -> Option<(String, Option<&'static str>)> {
    let rustls_error = find_rustls_error(e)?;
    let rustls::Error::InvalidCertificate(c) = rustls_error else {
        return None;
    };
    Some(describe(c))
}

fn find_rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        // io::Error::source() skips the error it wraps; look inside.
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && let Some(r) = find_rustls_error(inner)
        {
            return Some(r);
        }
        cur = err.source();
    }
    None
}

fn describe(c: &rustls::CertificateError) -> (String, Option<&'static str>) {
    use rustls::CertificateError as C;
    const CA_HINT: Option<&str> = Some("check the kubeconfig's certificate-authority");
    const NAME_HINT: Option<&str> =
        Some("check the server URL or the kubeconfig's tls-server-name");
    let date = |t: rustls::pki_types::UnixTime| {
        jiff::Timestamp::from_second(t.as_secs() as i64)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    match c {
        C::Other(o) => match o.0.downcast_ref::<verify::Rejected>() {
            Some(r) => (r.0.to_string(), r.0.hint()),
            None => (
                format!("the server's certificate was refused ({:?})", o.0),
                None,
            ),
        },
        C::UnknownIssuer => ("certificate signed by unknown authority".into(), CA_HINT),
        C::ExpiredContext { not_after, .. } => (
            format!(
                "a certificate of the server's chain expired on {}",
                date(*not_after)
            ),
            None,
        ),
        C::NotValidYetContext { not_before, .. } => (
            format!(
                "a certificate of the server's chain is not valid before {}",
                date(*not_before)
            ),
            None,
        ),
        C::NotValidForNameContext {
            expected,
            presented,
        } => (
            format!(
                "the server's certificate is valid for {}, not {}",
                if presented.is_empty() {
                    "no name".to_owned()
                } else {
                    presented.join(", ")
                },
                expected.to_str()
            ),
            NAME_HINT,
        ),
        C::NotValidForName => (
            "the server's certificate is not valid for this host".into(),
            NAME_HINT,
        ),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => (
            "the server's certificate is not for TLS servers (extended key usage)".into(),
            None,
        ),
        C::BadSignature => (
            "a signature in the server's certificate chain does not verify".into(),
            CA_HINT,
        ),
        other => (
            format!("the server's certificate was refused ({other})"),
            None,
        ),
    }
}
