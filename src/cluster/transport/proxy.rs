//! Which proxy a request to the API server goes through, as client-go decides it.
//!
//! - The kubeconfig cluster's `proxy-url` (clientcmd `ClientConfig`: `Proxy =
//!   http.ProxyURL(u)`): every request, whatever `NO_PROXY` says; `http`, `https` or `socks5`
//!   (clientcmd `parseProxyURL`).
//! - Else the environment (apimachinery `NewProxierWithNoProxyCIDR(http.ProxyFromEnvironment)`,
//!   i.e. golang.org/x/net/http/httpproxy): `HTTPS_PROXY` for an `https://` server, `HTTP_PROXY`
//!   for `http://` (upper case first, then lower case); never for `localhost` or a loopback IP;
//!   never for a host `NO_PROXY` matches (`*`, IPs, CIDRs, domains and their subdomains,
//!   `.domain` for subdomains only, optional `:port`).
//!
//! kube folds `HTTPS_PROXY` into `Config::proxy_url` and applies `NO_PROXY` to the proxy's own
//! URL; `cluster::client` puts back the kubeconfig's own `proxy-url` there, so
//! `Config::proxy_url` here means what client-go's `rest.Config.Proxy` means.

use std::net::IpAddr;

use hyper::Uri;

/// Where connections go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Direct,
    /// An HTTP CONNECT proxy, reached over plain TCP (`http://`) or TLS (`https://`).
    Connect(Uri),
    /// A SOCKS5 proxy (`socks5://`, `socks5h://`); host names are resolved by the proxy, as Go's
    /// SOCKS dialer sends them.
    Socks5(Uri),
}

/// The proxy variables of an environment (Go's `httpproxy.FromEnvironment`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub https_proxy: Option<String>,
    pub http_proxy: Option<String>,
    pub no_proxy: Option<String>,
    /// `REQUEST_METHOD` is set: Go refuses `HTTP_PROXY` in a CGI environment.
    pub cgi: bool,
}

impl ProxyEnv {
    pub fn from_process() -> ProxyEnv {
        let any = |names: [&str; 2]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
        };
        ProxyEnv {
            https_proxy: any(["HTTPS_PROXY", "https_proxy"]),
            http_proxy: any(["HTTP_PROXY", "http_proxy"]),
            no_proxy: any(["NO_PROXY", "no_proxy"]),
            cgi: std::env::var_os("REQUEST_METHOD").is_some_and(|v| !v.is_empty()),
        }
    }
}

/// Decides the route to `server`: `kubeconfig_proxy` is the cluster's `proxy-url`.
pub fn route(
    server: &Uri,
    kubeconfig_proxy: Option<&Uri>,
    env: &ProxyEnv,
) -> Result<Route, String> {
    if let Some(p) = kubeconfig_proxy {
        return proxy_route(p).map_err(|scheme| {
            format!(
                "the kubeconfig's proxy-url {} has the unsupported scheme {scheme:?}: use http, https or socks5",
                without_userinfo(p)
            )
        });
    }
    let (var, value) = match server.scheme_str() {
        Some("https") => ("HTTPS_PROXY", env.https_proxy.as_deref()),
        Some("http") => {
            if env.http_proxy.is_some() && env.cgi {
                return Err(
                    "refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set)"
                        .into(),
                );
            }
            ("HTTP_PROXY", env.http_proxy.as_deref())
        }
        _ => return Ok(Route::Direct),
    };
    let Some(value) = value else {
        return Ok(Route::Direct);
    };
    let host = server.host().unwrap_or_default();
    let port = server
        .port_u16()
        .unwrap_or(if server.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    if !use_proxy(host, port, env.no_proxy.as_deref().unwrap_or_default()) {
        return Ok(Route::Direct);
    }
    let uri = parse_env_proxy(value).ok_or_else(|| {
        format!("the {var} environment variable is not a valid proxy URL: {value:?}")
    })?;
    proxy_route(&uri).map_err(|scheme| {
        format!("the {var} environment variable names the unsupported proxy scheme {scheme:?}")
    })
}

fn proxy_route(p: &Uri) -> Result<Route, String> {
    let scheme = p.scheme_str().unwrap_or_default().to_ascii_lowercase();
    let port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        "socks5" | "socks5h" => 1080,
        _ => return Err(scheme),
    };
    // Go's canonicalAddr: the scheme's port when the URL has none (hyper's connector would
    // otherwise dial port 80 for a socks5:// URL).
    let uri = with_port(p, port);
    Ok(match scheme.as_str() {
        "socks5" | "socks5h" => Route::Socks5(uri),
        _ => Route::Connect(uri),
    })
}

fn with_port(p: &Uri, default_port: u16) -> Uri {
    if p.port_u16().is_some() {
        return p.clone();
    }
    let Some(auth) = p.authority() else {
        return p.clone();
    };
    let rebuilt = format!(
        "{}://{}:{default_port}{}",
        p.scheme_str().unwrap_or("http"),
        auth.as_str(),
        p.path_and_query().map(|pq| pq.as_str()).unwrap_or("/")
    );
    rebuilt.parse().unwrap_or_else(|_| p.clone())
}

/// The proxy URL for messages: without its user and password.
pub fn without_userinfo(p: &Uri) -> String {
    match (p.scheme_str(), p.host()) {
        (Some(s), Some(h)) => match p.port_u16() {
            Some(port) => format!("{s}://{h}:{port}"),
            None => format!("{s}://{h}"),
        },
        _ => "(invalid URL)".into(),
    }
}

/// Go's `parseProxy`: a URL, or a bare `host:port` taken as `http://host:port`.
fn parse_env_proxy(value: &str) -> Option<Uri> {
    let direct = value
        .parse::<Uri>()
        .ok()
        .filter(|u| u.scheme().is_some() && u.host().is_some_and(|h| !h.is_empty()));
    direct.or_else(|| {
        format!("http://{value}")
            .parse::<Uri>()
            .ok()
            .filter(|u| u.host().is_some())
    })
}

/// httpproxy's `useProxy(canonicalAddr(url))`, with client-go's CIDR rule folded in (it is
/// httpproxy's own `cidrMatch` since Go 1.16).
pub fn use_proxy(host: &str, port: u16, no_proxy: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return false;
    }
    let ip = host.parse::<IpAddr>().ok();
    if ip.is_some_and(|ip| ip.is_loopback() || ip.to_canonical().is_loopback()) {
        return false;
    }
    let host = host.to_ascii_lowercase();
    let port = port.to_string();
    for p in no_proxy.split(',') {
        let p = p.trim().to_ascii_lowercase();
        if p.is_empty() {
            continue;
        }
        if p == "*" {
            return false;
        }
        if let Ok(net) = p.parse::<ipnet::IpNet>() {
            if ip.is_some_and(|ip| net.contains(&ip)) {
                return false;
            }
            continue;
        }
        let (phost, pport) = split_host_port(&p);
        if phost.is_empty() {
            continue;
        }
        if let Ok(pip) = phost.parse::<IpAddr>() {
            // ipMatch: the same IP, and the same port when the entry has one.
            if ip == Some(pip) && pport.is_none_or(|pp| pp == port) {
                return false;
            }
            continue;
        }
        // domainMatch: "foo.com" matches foo.com and its subdomains, ".foo.com" (and
        // "*.foo.com") only its subdomains. Never an IP.
        if ip.is_some() {
            continue;
        }
        let phost = phost.strip_prefix('*').unwrap_or(phost);
        let (suffix, match_host) = match phost.strip_prefix('.') {
            Some(_) => (phost.to_owned(), false),
            None => (format!(".{phost}"), true),
        };
        let hit = host.ends_with(&suffix) || (match_host && host == suffix[1..]);
        if hit && pport.is_none_or(|pp| pp == port) {
            return false;
        }
    }
    true
}

/// `host:port`, `[v6]:port` or `host` (Go's `net.SplitHostPort`, falling back to the whole).
fn split_host_port(p: &str) -> (&str, Option<&str>) {
    if let Some(rest) = p.strip_prefix('[') {
        return match rest.split_once("]:") {
            Some((h, port)) => (h, Some(port)),
            None => (rest.trim_end_matches(']'), None),
        };
    }
    match p.rsplit_once(':') {
        Some((h, port)) if !h.contains(':') && !port.is_empty() => (h, Some(port)),
        _ => (p, None),
    }
}

/// The user and password of a proxy URL, percent-decoded (Go's `url.User`), for
/// `Proxy-Authorization: Basic` or the SOCKS5 username/password method.
pub fn credentials(p: &Uri) -> Option<(String, String)> {
    let auth = p.authority()?.as_str();
    let (userinfo, _) = auth.rsplit_once('@')?;
    let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    Some((percent_decode(user), percent_decode(pass)))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(https: Option<&str>, no: Option<&str>) -> ProxyEnv {
        ProxyEnv {
            https_proxy: https.map(Into::into),
            no_proxy: no.map(Into::into),
            ..ProxyEnv::default()
        }
    }

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn no_proxy_as_httpproxy_reads_it() {
        // Loopback and localhost never go through an environment proxy.
        assert!(!use_proxy("127.0.0.1", 6443, ""));
        assert!(!use_proxy("127.1.2.3", 6443, ""));
        assert!(!use_proxy("::1", 6443, ""));
        assert!(!use_proxy("LOCALHOST", 6443, ""));
        assert!(use_proxy("10.0.0.1", 6443, ""));
        // CIDRs and IPs.
        assert!(!use_proxy("10.1.2.3", 6443, "10.0.0.0/8"));
        assert!(use_proxy("11.1.2.3", 6443, "10.0.0.0/8"));
        assert!(!use_proxy("192.0.2.2", 6443, "192.0.2.2"));
        assert!(use_proxy("192.0.2.2", 6443, "192.0.2.2:443"));
        assert!(!use_proxy("192.0.2.2", 443, "192.0.2.2:443"));
        // Domains: the name and its subdomains; a leading dot, subdomains only.
        assert!(!use_proxy("kubernetes.default.svc", 443, ".svc"));
        assert!(!use_proxy("api.example.com", 443, "example.com"));
        assert!(!use_proxy("example.com", 443, "example.com"));
        assert!(!use_proxy("api.example.com", 443, ".example.com"));
        assert!(use_proxy("example.com", 443, ".example.com"));
        assert!(!use_proxy("api.example.com", 443, "*.example.com"));
        assert!(use_proxy("badexample.com", 443, "example.com"));
        assert!(!use_proxy("a.b", 6443, "x.y, a.b:6443"));
        assert!(use_proxy("a.b", 443, "a.b:6443"));
        assert!(!use_proxy("anything", 1, "*"));
        // A domain entry never matches an IP.
        assert!(use_proxy("10.0.0.1", 443, "0.0.1"));
    }

    #[test]
    fn kubeconfig_proxy_url_wins_and_ignores_no_proxy() {
        let e = env(Some("http://envproxy:3128"), Some("*"));
        assert_eq!(
            route(
                &uri("https://127.0.0.1:6443"),
                Some(&uri("socks5://p.example")),
                &e
            ),
            Ok(Route::Socks5(uri("socks5://p.example:1080/")))
        );
        let err = route(&uri("https://a:1"), Some(&uri("ftp://p:1")), &e).unwrap_err();
        assert!(err.contains("unsupported scheme \"ftp\""), "{err}");
    }

    #[test]
    fn environment_by_scheme() {
        let e = ProxyEnv {
            https_proxy: Some("proxy.corp:3128".into()),
            http_proxy: Some("http://plain:80".into()),
            ..ProxyEnv::default()
        };
        assert_eq!(
            route(&uri("https://api.example:6443"), None, &e),
            Ok(Route::Connect(uri("http://proxy.corp:3128")))
        );
        assert_eq!(
            route(&uri("http://api.example:8080"), None, &e),
            Ok(Route::Connect(uri("http://plain:80")))
        );
        assert_eq!(
            route(&uri("https://127.0.0.1:6443"), None, &e),
            Ok(Route::Direct)
        );
        assert_eq!(
            route(&uri("https://api.example:6443"), None, &ProxyEnv::default()),
            Ok(Route::Direct)
        );
        let cgi = ProxyEnv {
            cgi: true,
            ..e.clone()
        };
        assert!(route(&uri("http://api.example:8080"), None, &cgi).is_err());
    }

    #[test]
    fn credentials_are_percent_decoded() {
        assert_eq!(
            credentials(&uri("http://us%40r:p%3Ass@proxy:1")),
            Some(("us@r".into(), "p:ss".into()))
        );
        assert_eq!(credentials(&uri("http://proxy:1")), None);
        assert_eq!(
            without_userinfo(&uri("http://u:p@proxy:1")),
            "http://proxy:1"
        );
    }
}
