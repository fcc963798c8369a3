//! Connecting the way `oc` does: `KUBECONFIG` (several files merged), `--kubeconfig`,
//! `--context`/`--cluster`/`--user`, the context's namespace, `--as`, `--request-timeout`, and
//! the in-cluster service account when there is no kubeconfig at all (a CronJob).

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};

use crate::cli::Connection;
use crate::error::{Error, Result};

/// A connected client and what the user should be told about where it points.
#[derive(Clone)]
pub struct Cluster {
    pub client: kube::Client,
    /// The API server URL.
    pub url: String,
    /// The kubeconfig context in use, or `in-cluster`.
    pub context: String,
    /// `-n`, else the context's namespace, else `default`.
    pub namespace: String,
    pub all_namespaces: bool,
    /// Set when TLS verification is off, saying who turned it off; the caller warns (the
    /// completer must stay silent, so connecting prints nothing itself).
    pub tls_unverified: Option<&'static str>,
}

pub async fn connect(conn: &Connection) -> Result<Cluster> {
    let mut options = KubeConfigOptions {
        context: conn.context.clone(),
        cluster: conn.cluster.clone(),
        user: conn.user.clone(),
    };
    let (mut config, context) = match (&conn.inline_kubeconfig, &conn.kubeconfig) {
        (Some(yaml), _) => {
            let kc = Kubeconfig::from_yaml(yaml).map_err(|e| kubeconfig_error(e, &options))?;
            from_kubeconfig(kc, &mut options, conn).await?
        }
        (None, Some(path)) => {
            let kc = Kubeconfig::read_from(path).map_err(|e| kubeconfig_error(e, &options))?;
            from_kubeconfig(kc, &mut options, conn).await?
        }
        (None, None) => match Kubeconfig::read() {
            Ok(kc) => from_kubeconfig(kc, &mut options, conn).await?,
            // kubectl needs no kubeconfig when --server says where to go (client-go merges the
            // flags into an empty configuration, and then does not use the service account).
            Err(e) if no_kubeconfig_found(&e) && conn.server.is_some() => {
                from_kubeconfig(Kubeconfig::default(), &mut options, conn).await?
            }
            Err(e) if no_kubeconfig_found(&e) && in_cluster() => {
                let mut config = kube::Config::incluster().map_err(|e| {
                    Error::runtime(format!("cannot use the in-cluster service account: {e}"))
                })?;
                super::overrides::apply_in_cluster(&mut config, conn)?;
                (config, "in-cluster".to_owned())
            }
            Err(e) if no_kubeconfig_found(&e) => {
                return Err(Error::usage(match std::env::var("KUBECONFIG") {
                    // Set, but naming nothing that exists: say so rather than "set KUBECONFIG".
                    Ok(v) if !v.is_empty() => format!(
                        "no kubeconfig found: KUBECONFIG is {v:?} and no file it names exists; fix or unset it, or pass --kubeconfig (or --server)"
                    ),
                    _ => "no kubeconfig found: log in with `oc login`, set KUBECONFIG or pass --kubeconfig (or --server)".to_owned(),
                }));
            }
            Err(e) => return Err(kubeconfig_error(e, &options)),
        },
    };
    super::overrides::adapt_exec(&mut config.auth_info, super::overrides::stdin_is_terminal())?;
    // Our own retry policy (cluster::retry) bounds and counts every attempt.
    config.default_retry = false;
    // The in-cluster token is as secret as a kubeconfig's.
    if let Some(token) = &config.auth_info.token {
        use secrecy::ExposeSecret;
        crate::redact::register(token.expose_secret());
    }
    // TLS verification stays on unless the user turns it off: the flag, or the kubeconfig's
    // own `insecure-skip-tls-verify: true` (as oc honours it). Either way, say so.
    if conn.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    let tls_unverified = config
        .accept_invalid_certs
        .then_some(if conn.insecure_skip_tls_verify {
            "--insecure-skip-tls-verify"
        } else {
            "insecure-skip-tls-verify in the kubeconfig"
        });
    // kubectl's own User-Agent says `kubectl/v1.29.0 (linux/amd64) kubernetes/<commit>`: audit
    // logs attribute requests by it.
    if let Ok(agent) = hyper::header::HeaderValue::from_str(&super::log::user_agent()) {
        config.headers.push((hyper::header::USER_AGENT, agent));
    }
    if let Some(t) = conn.request_timeout {
        config.connect_timeout = Some(t);
        config.read_timeout = Some(t);
        config.write_timeout = Some(t);
    }
    let namespace = conn
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let url = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let log = super::log::RequestLog::new(conn.log_level, &config);
    // Run once here, not three times by kube (see cluster::exec).
    let exec = super::exec::take(&mut config.auth_info)?;
    let builder = super::transport::client(config, &super::transport::Options::default()).map_err(
        |e| match e {
            super::transport::BuildError::Kube(kube::Error::Auth(a)) => {
                Error::runtime(super::errors::auth_error(&a))
            }
            super::transport::BuildError::Kube(e) => client_error(&e, &url),
            super::transport::BuildError::Proxy(why) => Error::usage(why),
        },
    )?;
    let client = match exec {
        Some(exec) => log.wrap(exec.wrap(builder)),
        None => log.wrap(builder),
    };
    Ok(Cluster {
        client,
        url,
        context,
        namespace,
        all_namespaces: conn.all_namespaces,
        tls_unverified,
    })
}

async fn from_kubeconfig(
    mut kc: Kubeconfig,
    options: &mut KubeConfigOptions,
    conn: &Connection,
) -> Result<(kube::Config, String)> {
    crate::redact::register_kubeconfig(&kc);
    // kube quietly falls back to no credentials for an unknown user; kubectl refuses, and so do we.
    if let Some(user) = &options.user
        && !kc.auth_infos.iter().any(|a| &a.name == user)
    {
        return Err(Error::usage(format!(
            "user {user:?} not found in the kubeconfig"
        )));
    }
    super::overrides::apply(&mut kc, options, conn)?;
    let context = options
        .context
        .clone()
        .or_else(|| kc.current_context.clone())
        .unwrap_or_default();
    // kube also puts HTTPS_PROXY here; client-go keeps the kubeconfig's proxy-url apart
    // from the environment (see cluster::transport::proxy).
    let proxy_url = super::transport::kubeconfig_proxy_url(&kc, options);
    let mut config = kube::Config::from_custom_kubeconfig(kc, options)
        .await
        .map_err(|e| kubeconfig_error(e, options))?;
    config.proxy_url = proxy_url;
    Ok((config, context))
}

fn in_cluster() -> bool {
    std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
}

fn no_kubeconfig_found(e: &KubeconfigError) -> bool {
    match e {
        KubeconfigError::FindPath => true,
        KubeconfigError::ReadConfig(io, _) => io.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

fn kubeconfig_error(e: KubeconfigError, options: &KubeConfigOptions) -> Error {
    match e {
        KubeconfigError::CurrentContextNotSet => {
            Error::usage("the kubeconfig has no current context: pass --context or run `oc login`")
        }
        KubeconfigError::LoadContext(name) => {
            Error::usage(format!("context {name:?} not found in the kubeconfig"))
        }
        KubeconfigError::LoadClusterOfContext(name) => {
            let via = if options.cluster.is_some() {
                ""
            } else {
                " (named by the context)"
            };
            Error::usage(format!("cluster {name:?}{via} not found in the kubeconfig"))
        }
        KubeconfigError::ReadConfig(io, path) => Error::usage(format!(
            "cannot read the kubeconfig {}: {}",
            path.display(),
            io_reason(&io)
        )),
        KubeconfigError::Parse(err) => {
            // The YAML parser words its errors `error: line 2 column 13: …`: one `error:` is ours.
            let text = err.to_string();
            let line = first_line(&text);
            Error::usage(format!(
                "the kubeconfig is not valid YAML: {}",
                line.strip_prefix("error: ").unwrap_or(line)
            ))
        }
        KubeconfigError::MissingClusterUrl => {
            Error::usage("the kubeconfig's cluster has no server URL")
        }
        KubeconfigError::ParseClusterUrl(err) => {
            Error::usage(format!("the kubeconfig's server URL is invalid: {err}"))
        }
        KubeconfigError::LoadCertificateAuthority(err) => Error::usage(format!(
            "cannot load the cluster's certificate authority from the kubeconfig: {err}"
        )),
        KubeconfigError::LoadClientCertificate(err) => Error::usage(format!(
            "cannot load the client certificate named in the kubeconfig: {err}"
        )),
        KubeconfigError::LoadClientKey(err) => Error::usage(format!(
            "cannot load the client key named in the kubeconfig: {err}"
        )),
        other => Error::usage(format!(
            "cannot use the kubeconfig: {}",
            first_line(&other.to_string())
        )),
    }
}

/// kube reads the client certificate and key files only when it builds the client: a missing
/// or unreadable file is the kubeconfig's fault (a usage error), worded like the others.
fn client_error(e: &kube::Error, url: &str) -> Error {
    let mut chain = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(s) = cur {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        cur = s.source();
    }
    let lower = chain.to_lowercase();
    let what = if lower.contains("client certificate") {
        Some("client certificate")
    } else if lower.contains("client key") {
        Some("client key")
    } else {
        None
    };
    match what {
        Some(what) => {
            let why = chain
                .rsplit_once(": ")
                .map(|(head, tail)| {
                    let file = head
                        .rsplit_once("failed to read file ")
                        .map(|(_, f)| format!("{}: ", f.trim_matches(['\'', '"'])))
                        .unwrap_or_default();
                    format!("{file}{tail}")
                })
                .unwrap_or(chain.clone());
            Error::usage(format!(
                "cannot load the {what} named in the kubeconfig: {}",
                first_line(&why)
            ))
        }
        None => Error::runtime(format!(
            "cannot set up a client for {url}: {}",
            first_line(&chain)
        )),
    }
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

pub(crate) fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}
