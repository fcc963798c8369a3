//! Proxies as client-go uses them, with kubectl alongside as the oracle: the kubeconfig's
//! `proxy-url` (http, http with credentials, https, socks5) and `HTTPS_PROXY`/`NO_PROXY`
//! (loopback never proxied, domain suffixes, CIDRs, `*`).
//!
//! The proxies are real ones on loopback, started here: an HTTP CONNECT proxy (over TCP or
//! TLS) and a SOCKS5 proxy. Each records what it was asked for and connects every target to
//! the simulator, so a host name that does not resolve (`sim.prunetags.test`) reaches the
//! simulator only through the proxy: a success proves "went through", and the proxy's empty
//! log proves "bypassed".

mod harness;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use prunetags::sim::tls::Identity;
use prunetags::sim::{Sim, SimOptions};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const KUBECTL: &str = "/usr/bin/kubectl";
const NAMESPACE: &str = "mynamespace";
/// Resolves nowhere: only the proxies know where it is.
const NAME: &str = "sim.prunetags.test";
const SVC: &str = "kubernetes.default.svc";

fn kubectl() -> Option<PathBuf> {
    let p = PathBuf::from(KUBECTL);
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{KUBECTL} not found and CI is set");
    }
    eprintln!("kubectl not found: checking oc-prunetags alone");
    None
}

// ---- a CA, the simulator's and the https proxy's certificates ----

struct Pki {
    ca_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    fn new() -> Pki {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::default();
        p.distinguished_name
            .push(DnType::CommonName, "proxy test CA");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_pem = p.self_signed(&key).unwrap().pem();
        Pki {
            ca_pem,
            issuer: Issuer::new(p, key),
        }
    }

    /// (certificate PEM, key PEM) for these names.
    fn leaf(&self, names: &[String]) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, "proxy test");
        for n in names {
            p.subject_alt_names.push(match n.parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(n.as_str().try_into().unwrap()),
            });
        }
        (
            p.signed_by(&key, &self.issuer).unwrap().pem(),
            key.serialize_pem(),
        )
    }
}

// ---- the proxies ----

#[derive(Clone, Copy)]
enum Kind {
    Connect,
    ConnectTls,
    Socks5,
}

/// What a proxy was asked: the target, and the credentials sent.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    target: String,
    auth: Option<String>,
}

struct Proxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Seen>>>,
    /// Serves the proxy; its tasks end with it.
    _rt: tokio::runtime::Runtime,
}

impl Proxy {
    /// Every target is connected to `upstream`.
    fn start(kind: Kind, upstream: SocketAddr, pki: &Pki) -> Proxy {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let tls = matches!(kind, Kind::ConnectTls).then(|| {
            use rustls::pki_types::pem::PemObject as _;
            let (cert, key) = pki.leaf(&["127.0.0.1".to_owned()]);
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![rustls::pki_types::CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
                rustls::pki_types::PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
            )
            .unwrap();
            tokio_rustls::TlsAcceptor::from(Arc::new(config))
        });
        let l = log.clone();
        rt.spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let log = l.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let _ = match (kind, tls) {
                        (Kind::ConnectTls, Some(acceptor)) => match acceptor.accept(tcp).await {
                            Ok(s) => connect(s, upstream, log).await,
                            Err(e) => Err(e),
                        },
                        (Kind::Socks5, _) => socks5(tcp, upstream, log).await,
                        _ => connect(tcp, upstream, log).await,
                    };
                });
            }
        });
        Proxy { addr, log, _rt: rt }
    }

    fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// HTTP CONNECT: `CONNECT host:port`, a 200, then bytes both ways.
async fn connect<S: AsyncRead + AsyncWrite + Unpin>(
    mut client: S,
    upstream: SocketAddr,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).await? == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let request = lines.next().unwrap_or_default();
    let mut parts = request.split_whitespace();
    if parts.next() != Some("CONNECT") {
        client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    let target = parts.next().unwrap_or_default().to_owned();
    let auth = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_owned());
    log.lock().unwrap().push(Seen { target, auth });
    let mut up = tokio::net::TcpStream::connect(upstream).await?;
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut up).await?;
    Ok(())
}

/// SOCKS5 (RFC 1928), no authentication or username/password (RFC 1929), CONNECT only.
async fn socks5(
    mut client: tokio::net::TcpStream,
    upstream: SocketAddr,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut hello = [0u8; 2];
    client.read_exact(&mut hello).await?;
    let mut methods = vec![0u8; hello[1] as usize];
    client.read_exact(&mut methods).await?;
    let mut auth = None;
    if methods.contains(&2) {
        client.write_all(&[5, 2]).await?;
        let mut ver_len = [0u8; 2];
        client.read_exact(&mut ver_len).await?;
        let mut user = vec![0u8; ver_len[1] as usize];
        client.read_exact(&mut user).await?;
        let mut plen = [0u8; 1];
        client.read_exact(&mut plen).await?;
        let mut pass = vec![0u8; plen[0] as usize];
        client.read_exact(&mut pass).await?;
        auth = Some(format!(
            "{}:{}",
            String::from_utf8_lossy(&user),
            String::from_utf8_lossy(&pass)
        ));
        client.write_all(&[1, 0]).await?;
    } else {
        client.write_all(&[5, 0]).await?;
    }
    let mut req = [0u8; 4];
    client.read_exact(&mut req).await?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            client.read_exact(&mut a).await?;
            IpAddr::from(a).to_string()
        }
        4 => {
            let mut a = [0u8; 16];
            client.read_exact(&mut a).await?;
            IpAddr::from(a).to_string()
        }
        _ => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).await?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await?;
    log.lock().unwrap().push(Seen {
        target: format!("{host}:{}", u16::from_be_bytes(port)),
        auth,
    });
    let mut up = tokio::net::TcpStream::connect(upstream).await?;
    client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    tokio::io::copy_bidirectional(&mut client, &mut up).await?;
    Ok(())
}

// ---- the set-up and the runs ----

struct Env {
    pki: Pki,
    sim: Sim,
    /// Keeps a simulator bound to a non-loopback address serving.
    _rt: Option<tokio::runtime::Runtime>,
    dir: tempfile::TempDir,
    kubectl: Option<PathBuf>,
}

fn env_on(ip: Option<IpAddr>) -> Env {
    let pki = Pki::new();
    let mut names = vec!["127.0.0.1".to_owned(), NAME.to_owned(), SVC.to_owned()];
    names.extend(ip.map(|ip| ip.to_string()));
    let (cert, key) = pki.leaf(&names);
    let opts = SimOptions {
        tls: Some(Identity {
            cert_chain_pem: cert,
            key_pem: key,
            client_ca_pem: None,
        }),
        ..SimOptions::default()
    };
    let (sim, rt) = match ip {
        None => (Sim::start_background(opts).unwrap(), None),
        Some(ip) => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            let sim = rt
                .block_on(Sim::start_on(SocketAddr::new(ip, 0), opts))
                .unwrap();
            (sim, Some(rt))
        }
    };
    Env {
        pki,
        sim,
        _rt: rt,
        dir: tempfile::tempdir().unwrap(),
        kubectl: kubectl(),
    }
}

fn env() -> Env {
    env_on(None)
}

/// A run's verdict.
#[derive(Debug)]
struct Out {
    who: &'static str,
    ok: bool,
    stderr: String,
}

impl Env {
    fn port(&self) -> u16 {
        self.sim.addr().port()
    }

    fn kubeconfig(&self, host: &str, proxy_url: Option<&str>) -> PathBuf {
        let mut cluster = serde_json::json!({
            "server": format!("https://{host}:{}", self.port()),
            "certificate-authority-data":
                base64::engine::general_purpose::STANDARD.encode(&self.pki.ca_pem),
        });
        if let Some(p) = proxy_url {
            cluster["proxy-url"] = p.into();
        }
        let doc = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "c", "cluster": cluster}],
            "users": [{"name": "u", "user": {"token": self.sim.admin_token()}}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u", "namespace": NAMESPACE}}],
            "current-context": "c",
        });
        let path = tempfile::NamedTempFile::new_in(self.dir.path())
            .unwrap()
            .into_temp_path()
            .keep()
            .unwrap();
        std::fs::write(&path, serde_yaml::to_string(&doc).unwrap()).unwrap();
        path
    }

    /// oc-prunetags, then kubectl (when found), each with only `vars` of the proxy variables.
    fn both(&self, kc: &Path, vars: &[(&str, &str)], proxy: &Proxy) -> Vec<(Out, Vec<Seen>)> {
        let mut out = Vec::new();
        let mut ours = Command::new(harness::BIN);
        harness::clean_env(&mut ours, self.dir.path());
        ours.args(["list", "--kubeconfig"]).arg(kc).args([
            "-n",
            NAMESPACE,
            "--request-timeout",
            "10s",
        ]);
        out.push((self.run("oc-prunetags", ours, vars), proxy.take()));
        if let Some(k) = &self.kubectl {
            let cache = tempfile::tempdir_in(self.dir.path()).unwrap();
            let mut cmd = Command::new(k);
            harness::clean_env(&mut cmd, self.dir.path());
            cmd.arg("--kubeconfig")
                .arg(kc)
                .arg("--cache-dir")
                .arg(cache.path());
            cmd.args([
                "get",
                "is",
                "-n",
                NAMESPACE,
                "-o",
                "name",
                "--request-timeout",
                "10s",
            ]);
            out.push((self.run("kubectl", cmd, vars), proxy.take()));
        }
        out
    }

    fn run(&self, who: &'static str, mut cmd: Command, vars: &[(&str, &str)]) -> Out {
        for v in ["NO_PROXY", "no_proxy", "REQUEST_METHOD"] {
            cmd.env_remove(v);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let r = harness::run(cmd, Duration::from_secs(60));
        Out {
            who,
            ok: r.code == 0,
            stderr: r.stderr,
        }
    }
}

/// Both tools succeeded and each went through the proxy to `target`, once or more.
fn through(results: &[(Out, Vec<Seen>)], target: &str) {
    for (out, seen) in results {
        assert!(out.ok, "{} failed: {}", out.who, out.stderr);
        assert!(!seen.is_empty(), "{} did not use the proxy", out.who);
        assert!(
            seen.iter().all(|s| s.target == target),
            "{} asked the proxy for {seen:?}, not {target}",
            out.who
        );
    }
}

/// The proxy saw nothing; both tools ended the same way, `ok`.
fn bypassed(results: &[(Out, Vec<Seen>)], ok: bool) {
    for (out, seen) in results {
        assert!(
            seen.is_empty(),
            "{} went through the proxy: {seen:?}",
            out.who
        );
        assert_eq!(out.ok, ok, "{}: {}", out.who, out.stderr);
    }
}

#[test]
fn proxy_url_http() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig("127.0.0.1", Some(&p.url("http")));
    through(&e.both(&kc, &[], &p), &format!("127.0.0.1:{}", e.port()));
}

#[test]
fn proxy_url_http_sends_its_credentials() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let url = format!("http://proxyuser:p%40ss@{}", p.addr);
    let kc = e.kubeconfig("127.0.0.1", Some(&url));
    let results = e.both(&kc, &[], &p);
    through(&results, &format!("127.0.0.1:{}", e.port()));
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("proxyuser:p@ss")
    );
    for (out, seen) in &results {
        assert!(
            seen.iter()
                .all(|s| s.auth.as_deref() == Some(want.as_str())),
            "{}: {seen:?}",
            out.who
        );
    }
}

#[test]
fn proxy_url_https() {
    let e = env();
    let p = Proxy::start(Kind::ConnectTls, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig("127.0.0.1", Some(&p.url("https")));
    through(&e.both(&kc, &[], &p), &format!("127.0.0.1:{}", e.port()));
}

#[test]
fn proxy_url_socks5_resolves_names_at_the_proxy() {
    let e = env();
    let p = Proxy::start(Kind::Socks5, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig(NAME, Some(&p.url("socks5")));
    through(&e.both(&kc, &[], &p), &format!("{NAME}:{}", e.port()));
}

#[test]
fn proxy_url_ignores_no_proxy_and_loopback() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig("127.0.0.1", Some(&p.url("http")));
    through(
        &e.both(&kc, &[("NO_PROXY", "*")], &p),
        &format!("127.0.0.1:{}", e.port()),
    );
}

#[test]
fn https_proxy_goes_through() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig(NAME, None);
    through(
        &e.both(&kc, &[("HTTPS_PROXY", &p.url("http"))], &p),
        &format!("{NAME}:{}", e.port()),
    );
    // Lower case, and without a scheme (Go's parseProxy assumes http://).
    through(
        &e.both(&kc, &[("https_proxy", &p.addr.to_string())], &p),
        &format!("{NAME}:{}", e.port()),
    );
}

#[test]
fn https_proxy_is_never_used_for_loopback() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig("127.0.0.1", None);
    bypassed(&e.both(&kc, &[("HTTPS_PROXY", &p.url("http"))], &p), true);
    // NO_PROXY=127.0.0.1 says the same.
    bypassed(
        &e.both(
            &kc,
            &[("HTTPS_PROXY", &p.url("http")), ("NO_PROXY", "127.0.0.1")],
            &p,
        ),
        true,
    );
}

#[test]
fn http_proxy_is_not_for_https_servers() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig(NAME, None);
    // Not proxied, so the unresolvable name fails in both.
    bypassed(&e.both(&kc, &[("HTTP_PROXY", &p.url("http"))], &p), false);
}

#[test]
fn no_proxy_domain_suffix_bypasses() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig(SVC, None);
    through(
        &e.both(&kc, &[("HTTPS_PROXY", &p.url("http"))], &p),
        &format!("{SVC}:{}", e.port()),
    );
    for no_proxy in [".svc", "default.svc", "example.com,.svc", "*"] {
        // Bypassed: the direct connection to a name nobody resolves fails, in both.
        bypassed(
            &e.both(
                &kc,
                &[("HTTPS_PROXY", &p.url("http")), ("NO_PROXY", no_proxy)],
                &p,
            ),
            false,
        );
    }
    // A suffix that is not a whole label does not match.
    through(
        &e.both(
            &kc,
            &[("HTTPS_PROXY", &p.url("http")), ("no_proxy", "fault.svc")],
            &p,
        ),
        &format!("{SVC}:{}", e.port()),
    );
}

#[test]
fn no_proxy_cidr_bypasses() {
    let Some(ip) = harness::non_loopback_ipv4() else {
        eprintln!("skipping: this machine has no non-loopback IPv4 address");
        return;
    };
    let e = env_on(Some(ip));
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig(&ip.to_string(), None);
    let target = format!("{ip}:{}", e.port());
    through(
        &e.both(&kc, &[("HTTPS_PROXY", &p.url("http"))], &p),
        &target,
    );
    let octets = match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(_) => unreachable!(),
    };
    let net = format!("{}.{}.0.0/16", octets[0], octets[1]);
    for no_proxy in [net.as_str(), &ip.to_string(), &format!("{ip}:{}", e.port())] {
        // Bypassed, and the simulator is reachable directly: both succeed.
        bypassed(
            &e.both(
                &kc,
                &[("HTTPS_PROXY", &p.url("http")), ("NO_PROXY", no_proxy)],
                &p,
            ),
            true,
        );
    }
    // Another network, or another port: proxied.
    through(
        &e.both(
            &kc,
            &[
                ("HTTPS_PROXY", &p.url("http")),
                ("NO_PROXY", &format!("203.0.113.0/24,{ip}:1")),
            ],
            &p,
        ),
        &target,
    );
}

#[test]
fn an_unusable_proxy_setting_is_one_error_line() {
    let e = env();
    let p = Proxy::start(Kind::Connect, e.sim.addr(), &e.pki);
    let kc = e.kubeconfig("127.0.0.1", Some("ftp://127.0.0.1:21"));
    let results = e.both(&kc, &[], &p);
    for (out, seen) in &results {
        assert!(!out.ok, "{} accepted an ftp proxy", out.who);
        assert!(seen.is_empty());
    }
    let lines: Vec<&str> = results[0].0.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("unsupported scheme \"ftp\""),
        "{lines:?}"
    );
}
