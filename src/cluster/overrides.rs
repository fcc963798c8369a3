//! kubectl's connection flags laid over the kubeconfig, with client-go's precedence rules, before
//! kube reads it: `--server`, `--certificate-authority`, `--insecure-skip-tls-verify`,
//! `--tls-server-name` on the cluster; `--token`, `--client-certificate`, `--client-key`, `--as`,
//! `--as-group`, `--as-uid` on the user.
//!
//! The rules mirrored are client-go's `tools/clientcmd/client_config.go` (`getCluster`,
//! `getAuthInfo`, `getUserIdentificationPartialConfig`), `validation.go` (`validateClusterInfo`,
//! `validateAuthInfo`), `rest/url_utils.go` (`DefaultServerURL`) and
//! `plugin/pkg/client/auth/exec/exec.go` (`UpdateTransportConfig`, `isInteractive`).

use std::io::IsTerminal;

use kube::config::{
    AuthInfo, Cluster, Context, ExecInteractiveMode, KubeConfigOptions, Kubeconfig, NamedAuthInfo,
    NamedCluster, NamedContext,
};

use crate::cli::Connection;
use crate::error::{Error, Result};

/// The names kube reads when the kubeconfig has none for what the flags describe (kubectl works
/// from `--server` alone, with no kubeconfig at all; client-go uses empty names there).
const FLAGS_CONTEXT: &str = "(--server)";

/// Whether any flag overrides the kubeconfig's cluster or user.
fn overrides_cluster(c: &Connection) -> bool {
    c.server.is_some()
        || c.certificate_authority.is_some()
        || c.insecure_skip_tls_verify
        || c.tls_server_name.is_some()
}

fn overrides_user(c: &Connection) -> bool {
    c.token.is_some()
        || c.client_certificate.is_some()
        || c.client_key.is_some()
        || c.as_user.is_some()
        || !c.as_groups.is_empty()
        || c.as_uid.is_some()
}

/// Lays the flags over `kc` for the context/cluster/user that `options` and the kubeconfig
/// select, creating entries the kubeconfig lacks (as client-go merges overrides into an empty
/// cluster or user), and names them in `options` so kube reads exactly those.
pub fn apply(
    kc: &mut Kubeconfig,
    options: &mut KubeConfigOptions,
    conn: &Connection,
) -> Result<()> {
    if !overrides_cluster(conn) && !overrides_user(conn) {
        return Ok(());
    }
    // The context: --context, else current-context; with neither, only --server can say where
    // to go, and then the flags alone make the configuration (client-go: an empty context).
    let context_name = match options
        .context
        .clone()
        .or_else(|| kc.current_context.clone())
    {
        Some(name) => name,
        None if conn.server.is_some() => {
            kc.contexts.push(NamedContext {
                name: FLAGS_CONTEXT.to_owned(),
                other: Default::default(),
                context: Some(Context {
                    cluster: FLAGS_CONTEXT.to_owned(),
                    user: Some(FLAGS_CONTEXT.to_owned()),
                    ..Context::default()
                }),
            });
            options.context = Some(FLAGS_CONTEXT.to_owned());
            FLAGS_CONTEXT.to_owned()
        }
        // kube's own error ("no current context") is the right one.
        None => return Ok(()),
    };
    let Some(context) = kc
        .contexts
        .iter()
        .find(|c| c.name == context_name)
        .and_then(|c| c.context.clone())
    else {
        // kube's own error ("context not found") is the right one.
        return Ok(());
    };

    let cluster_name = options
        .cluster
        .clone()
        .unwrap_or_else(|| context.cluster.clone());
    if !kc.clusters.iter().any(|c| c.name == cluster_name) {
        // An explicit --cluster must exist (client-go: `required`); the context's may be
        // missing when --server says where the cluster is.
        if options.cluster.is_some() || conn.server.is_none() {
            return Ok(());
        }
        kc.clusters.push(NamedCluster {
            name: cluster_name.clone(),
            cluster: Some(Cluster::default()),
            other: Default::default(),
        });
    }
    options.cluster = Some(cluster_name.clone());
    let named = kc
        .clusters
        .iter_mut()
        .find(|c| c.name == cluster_name)
        .expect("the cluster was just checked or added");
    let cluster = named.cluster.get_or_insert_with(Cluster::default);
    apply_cluster(cluster, conn)?;

    let user_name = options
        .user
        .clone()
        .or_else(|| context.user.clone())
        .unwrap_or_else(|| FLAGS_CONTEXT.to_owned());
    if !kc.auth_infos.iter().any(|a| a.name == user_name) {
        kc.auth_infos.push(NamedAuthInfo {
            name: user_name.clone(),
            auth_info: Some(AuthInfo::default()),
            other: Default::default(),
        });
    }
    options.user = Some(user_name.clone());
    let named = kc
        .auth_infos
        .iter_mut()
        .find(|a| a.name == user_name)
        .expect("the user was just checked or added");
    let auth = named.auth_info.get_or_insert_with(AuthInfo::default);
    apply_user(auth, &user_name, conn)
}

/// client-go's `getCluster`: `--server` replaces the server and, with it, the kubeconfig's
/// `tls-server-name` (the flag's value, possibly none, is used instead); any of
/// `--certificate-authority` / `--insecure-skip-tls-verify` replaces all three of CA file, CA
/// data and insecure, so the flag wins over the kubeconfig either way.
fn apply_cluster(cluster: &mut Cluster, conn: &Connection) -> Result<()> {
    if conn.insecure_skip_tls_verify || conn.certificate_authority.is_some() {
        cluster.insecure_skip_tls_verify = Some(conn.insecure_skip_tls_verify);
        cluster.certificate_authority = conn
            .certificate_authority
            .as_ref()
            .map(|p| p.display().to_string());
        cluster.certificate_authority_data = None;
    }
    if conn.tls_server_name.is_some() || conn.server.is_some() {
        cluster.tls_server_name = conn.tls_server_name.clone();
    }
    // validateClusterInfo: "specifying a root certificates file with the insecure flag is not
    // allowed".
    if cluster.insecure_skip_tls_verify == Some(true)
        && (cluster.certificate_authority.is_some() || cluster.certificate_authority_data.is_some())
    {
        return Err(Error::usage(
            "--insecure-skip-tls-verify cannot be used with a certificate authority (--certificate-authority or the kubeconfig's): choose one",
        ));
    }
    if let Some(server) = &conn.server {
        let tls = cluster.certificate_authority.is_some()
            || cluster.certificate_authority_data.is_some()
            || cluster.insecure_skip_tls_verify == Some(true)
            || conn.client_certificate.is_some();
        cluster.server = Some(server_url(server, tls)?);
    }
    Ok(())
}

/// rest's `DefaultServerURL`: a bare `host:port` gets `https://` when TLS is configured (a CA, a
/// client certificate, or insecure), `http://` otherwise; a URL must have a host.
pub fn server_url(server: &str, tls: bool) -> Result<String> {
    let bad = |why: &str| Error::usage(format!("invalid --server {server:?}: {why}"));
    let server = server.trim();
    if server.is_empty() {
        return Err(bad("it is empty"));
    }
    let with_scheme = if server.contains("://") {
        server.to_owned()
    } else if tls {
        format!("https://{server}")
    } else {
        format!("http://{server}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(bad("the scheme must be https (or http)"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    Ok(with_scheme)
}

/// client-go's `getAuthInfo` merge (a flag replaces the field it names) and the precedence of
/// `getUserIdentificationPartialConfig` and the transports.
fn apply_user(auth: &mut AuthInfo, user: &str, conn: &Connection) -> Result<()> {
    if let Some(token) = &conn.token {
        crate::redact::register(token);
        auth.token = Some(token.clone().into());
        // exec.go's UpdateTransportConfig: "For requests like `kubectl get --token (token)
        // pods` we should assume the intention is to use the provided token" (the plugin is
        // not run); auth-provider round trippers defer to an Authorization already set. kube
        // tries both before a token, so they go.
        auth.exec = None;
        auth.auth_provider = None;
        // round_trippers.go: "username/password or bearer token may be set, but not both".
        if auth.username.is_some() || auth.password.is_some() {
            return Err(Error::usage(format!(
                "--token cannot be used with user {user:?}: it has a username and password, and a request may carry only one of them"
            )));
        }
    }
    if let Some(cert) = &conn.client_certificate {
        auth.client_certificate = Some(cert.display().to_string());
    }
    if let Some(key) = &conn.client_key {
        auth.client_key = Some(key.display().to_string());
    }
    if let Some(as_user) = &conn.as_user {
        auth.impersonate = Some(as_user.clone());
    }
    if !conn.as_groups.is_empty() {
        auth.impersonate_groups = Some(conn.as_groups.clone());
    }
    if let Some(uid) = &conn.as_uid {
        auth.impersonate_uid = Some(uid.clone());
    }
    validate_user(auth, user)
}

/// validation.go's `validateAuthInfo`, on the merged user.
fn validate_user(auth: &AuthInfo, user: &str) -> Result<()> {
    if auth.client_certificate.is_some() && auth.client_certificate_data.is_some() {
        return Err(Error::usage(format!(
            "user {user:?} has both client-certificate-data and a client certificate file (--client-certificate): kubectl refuses both; drop one"
        )));
    }
    if auth.client_key.is_some() && auth.client_key_data.is_some() {
        return Err(Error::usage(format!(
            "user {user:?} has both client-key-data and a client key file (--client-key): kubectl refuses both; drop one"
        )));
    }
    let has_cert = auth.client_certificate.is_some() || auth.client_certificate_data.is_some();
    let has_key = auth.client_key.is_some() || auth.client_key_data.is_some();
    if has_cert && !has_key {
        return Err(Error::usage(format!(
            "a client certificate needs its key: pass --client-key (user {user:?} has none)"
        )));
    }
    if has_key && !has_cert {
        return Err(Error::usage(format!(
            "a client key needs its certificate: pass --client-certificate (user {user:?} has none)"
        )));
    }
    // "requesting uid, groups or user-extra for %v without impersonating a user".
    let impersonates = auth.impersonate.as_deref().is_some_and(|u| !u.is_empty());
    let extras = auth
        .impersonate_groups
        .as_ref()
        .is_some_and(|g| !g.is_empty())
        || auth.impersonate_uid.is_some()
        || auth
            .impersonate_user_extra
            .as_ref()
            .is_some_and(|e| !e.is_empty());
    if extras && !impersonates {
        return Err(Error::usage(
            "--as-group and --as-uid need --as USER: kubectl refuses to impersonate groups or a UID without a user",
        ));
    }
    Ok(())
}

/// exec.go's `isInteractive` (kube hands every plugin not `Never` the terminal, whether there
/// is one or not), on the user kube selected, before `cluster::exec` runs its plugin: `IfAvailable` (and no
/// mode, v1beta1's default) is interactive only when stdin is a terminal; `Always` without one
/// fails as client-go does ("exec plugin cannot support interactive mode: standard input is not
/// a terminal").
pub fn adapt_exec(auth: &mut AuthInfo, stdin_is_terminal: bool) -> Result<()> {
    let Some(exec) = auth.exec.as_mut() else {
        return Ok(());
    };
    match &exec.interactive_mode {
        Some(ExecInteractiveMode::Always) if !stdin_is_terminal => Err(Error::usage(
            "the kubeconfig's credential plugin needs a terminal (interactiveMode: Always), and standard input is not one: run it in a terminal",
        )),
        Some(ExecInteractiveMode::IfAvailable) | None if !stdin_is_terminal => {
            exec.interactive_mode = Some(ExecInteractiveMode::Never);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether a credential plugin may have the terminal.
pub fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// The in-cluster service account with the flags that apply to it (client-go's
/// `inClusterClientConfig`: "in-cluster configs only takes a host, token, or CA file"), plus
/// impersonation, which kubectl's flags also send.
pub fn apply_in_cluster(config: &mut kube::Config, conn: &Connection) -> Result<()> {
    if let Some(token) = &conn.token {
        crate::redact::register(token);
        config.auth_info.token = Some(token.clone().into());
        config.auth_info.token_file = None;
    }
    if let Some(ca) = &conn.certificate_authority {
        let pem = std::fs::read(ca).map_err(|e| {
            Error::usage(format!(
                "cannot read --certificate-authority {}: {}",
                ca.display(),
                super::client::io_reason(&e)
            ))
        })?;
        config.root_cert = Some(pem_certificates(&pem).ok_or_else(|| {
            Error::usage(format!(
                "--certificate-authority {} holds no PEM certificate",
                ca.display()
            ))
        })?);
        config.root_cert_file = None;
    }
    if let Some(tls_server_name) = &conn.tls_server_name {
        config.tls_server_name = Some(tls_server_name.clone());
    }
    if let Some(user) = &conn.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !conn.as_groups.is_empty() {
        config.auth_info.impersonate_groups = Some(conn.as_groups.clone());
    }
    if let Some(uid) = &conn.as_uid {
        config.auth_info.impersonate_uid = Some(uid.clone());
    }
    validate_user(&config.auth_info, "in-cluster")
}

/// The DER of every `CERTIFICATE` block of a PEM file; `None` when there is none.
fn pem_certificates(pem: &[u8]) -> Option<Vec<Vec<u8>>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let certs: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(pem)
        .filter_map(|c| c.ok())
        .map(|c| c.to_vec())
        .collect();
    (!certs.is_empty()).then_some(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeconfig() -> Kubeconfig {
        Kubeconfig::from_yaml(
            r#"
apiVersion: v1
kind: Config
clusters:
- name: api-crc-testing:6443
  cluster:
    server: https://api.crc.testing:6443
    certificate-authority-data: Q0EgREFUQQ==
    tls-server-name: from-kubeconfig
users:
- name: alice/api-crc-testing:6443
  user:
    token: sha256~kubeconfig-token-1234
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /bin/false
contexts:
- name: myproject/api-crc-testing:6443/alice
  context:
    cluster: api-crc-testing:6443
    user: alice/api-crc-testing:6443
    namespace: myproject
current-context: myproject/api-crc-testing:6443/alice
"#,
        )
        .unwrap()
    }

    fn cluster<'a>(kc: &'a Kubeconfig, name: &str) -> &'a Cluster {
        kc.clusters
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.cluster.as_ref())
            .unwrap()
    }

    fn user<'a>(kc: &'a Kubeconfig, name: &str) -> &'a AuthInfo {
        kc.auth_infos
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.auth_info.as_ref())
            .unwrap()
    }

    #[test]
    fn server_replaces_the_server_and_the_kubeconfigs_tls_server_name() {
        let mut kc = kubeconfig();
        let mut opts = KubeConfigOptions::default();
        let conn = Connection {
            server: Some("https://127.0.0.1:6443".into()),
            ..Connection::default()
        };
        apply(&mut kc, &mut opts, &conn).unwrap();
        let c = cluster(&kc, "api-crc-testing:6443");
        assert_eq!(c.server.as_deref(), Some("https://127.0.0.1:6443"));
        assert_eq!(c.tls_server_name, None);
        // The CA is the kubeconfig's still.
        assert_eq!(
            c.certificate_authority_data.as_deref(),
            Some("Q0EgREFUQQ==")
        );
        assert_eq!(opts.cluster.as_deref(), Some("api-crc-testing:6443"));
    }

    #[test]
    fn certificate_authority_replaces_ca_data_and_insecure() {
        let mut kc = kubeconfig();
        let conn = Connection {
            certificate_authority: Some("/tmp/ca.pem".into()),
            tls_server_name: Some("api.internal".into()),
            ..Connection::default()
        };
        apply(&mut kc, &mut KubeConfigOptions::default(), &conn).unwrap();
        let c = cluster(&kc, "api-crc-testing:6443");
        assert_eq!(c.certificate_authority.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(c.certificate_authority_data, None);
        assert_eq!(c.insecure_skip_tls_verify, Some(false));
        assert_eq!(c.tls_server_name.as_deref(), Some("api.internal"));
    }

    #[test]
    fn insecure_clears_the_kubeconfigs_ca_but_not_the_flags() {
        let mut kc = kubeconfig();
        let conn = Connection {
            insecure_skip_tls_verify: true,
            ..Connection::default()
        };
        apply(&mut kc, &mut KubeConfigOptions::default(), &conn).unwrap();
        let c = cluster(&kc, "api-crc-testing:6443");
        assert_eq!(c.insecure_skip_tls_verify, Some(true));
        assert_eq!(c.certificate_authority_data, None);
        let conn = Connection {
            insecure_skip_tls_verify: true,
            certificate_authority: Some("/tmp/ca.pem".into()),
            ..Connection::default()
        };
        let e = apply(&mut kubeconfig(), &mut KubeConfigOptions::default(), &conn).unwrap_err();
        assert_eq!(e.code, crate::error::exit::USAGE);
        assert!(e.message.contains("--insecure-skip-tls-verify"), "{e}");
    }

    #[test]
    fn token_replaces_the_users_credentials_and_skips_its_plugin() {
        let mut kc = kubeconfig();
        let mut opts = KubeConfigOptions {
            user: Some("exec-user".into()),
            ..KubeConfigOptions::default()
        };
        let conn = Connection {
            token: Some("flag-token-5678".into()),
            client_certificate: Some("/tmp/c.pem".into()),
            client_key: Some("/tmp/k.pem".into()),
            as_user: Some("bob".into()),
            as_groups: vec!["devs".into(), "ops".into()],
            as_uid: Some("u-1".into()),
            ..Connection::default()
        };
        apply(&mut kc, &mut opts, &conn).unwrap();
        use secrecy::ExposeSecret;
        let u = user(&kc, "exec-user");
        assert_eq!(
            u.token.as_ref().map(|t| t.expose_secret().to_owned()),
            Some("flag-token-5678".to_owned())
        );
        assert!(u.exec.is_none());
        assert_eq!(u.client_certificate.as_deref(), Some("/tmp/c.pem"));
        assert_eq!(u.client_key.as_deref(), Some("/tmp/k.pem"));
        assert_eq!(u.impersonate.as_deref(), Some("bob"));
        assert_eq!(
            u.impersonate_groups.as_deref(),
            Some(&["devs".to_owned(), "ops".to_owned()][..])
        );
        assert_eq!(u.impersonate_uid.as_deref(), Some("u-1"));
        // The other users are untouched.
        assert!(
            user(&kc, "alice/api-crc-testing:6443")
                .impersonate
                .is_none()
        );
        assert_eq!(
            crate::redact::redact("x flag-token-5678 y"),
            "x <redacted> y"
        );
    }

    #[test]
    fn flags_alone_make_a_configuration() {
        let mut kc = Kubeconfig::default();
        let mut opts = KubeConfigOptions::default();
        let conn = Connection {
            server: Some("127.0.0.1:6443".into()),
            certificate_authority: Some("/tmp/ca.pem".into()),
            token: Some("only-flags-token".into()),
            ..Connection::default()
        };
        apply(&mut kc, &mut opts, &conn).unwrap();
        assert_eq!(opts.context.as_deref(), Some(FLAGS_CONTEXT));
        let c = cluster(&kc, FLAGS_CONTEXT);
        // DefaultServerURL: https because a CA is given.
        assert_eq!(c.server.as_deref(), Some("https://127.0.0.1:6443"));
        assert!(user(&kc, FLAGS_CONTEXT).token.is_some());
    }

    #[test]
    fn kubectls_refusals() {
        let refuse = |conn: Connection, words: &str| {
            let e = apply(&mut kubeconfig(), &mut KubeConfigOptions::default(), &conn).unwrap_err();
            assert_eq!(e.code, crate::error::exit::USAGE, "{e}");
            assert!(e.message.contains(words), "{words:?} not in {e}");
        };
        refuse(
            Connection {
                as_groups: vec!["devs".into()],
                ..Connection::default()
            },
            "--as-group and --as-uid need --as",
        );
        refuse(
            Connection {
                as_uid: Some("u".into()),
                ..Connection::default()
            },
            "need --as",
        );
        refuse(
            Connection {
                client_certificate: Some("/tmp/c.pem".into()),
                ..Connection::default()
            },
            "--client-key",
        );
        refuse(
            Connection {
                server: Some("ftp://x".into()),
                ..Connection::default()
            },
            "invalid --server",
        );
        refuse(
            Connection {
                server: Some("https://".into()),
                ..Connection::default()
            },
            "invalid --server",
        );
    }

    #[test]
    fn exec_plugins_get_the_terminal_only_when_there_is_one() {
        let mode = |m: Option<ExecInteractiveMode>, tty: bool| {
            let mut auth = user(&kubeconfig(), "exec-user").clone();
            auth.exec.as_mut().unwrap().interactive_mode = m;
            adapt_exec(&mut auth, tty).map(|()| auth.exec.unwrap().interactive_mode)
        };
        use ExecInteractiveMode::*;
        assert_eq!(mode(Some(IfAvailable), false).unwrap(), Some(Never));
        assert_eq!(mode(None, false).unwrap(), Some(Never));
        assert_eq!(mode(Some(IfAvailable), true).unwrap(), Some(IfAvailable));
        assert_eq!(mode(Some(Always), true).unwrap(), Some(Always));
        assert_eq!(mode(Some(Never), true).unwrap(), Some(Never));
        let e = mode(Some(Always), false).unwrap_err();
        assert!(e.message.contains("needs a terminal"), "{e}");
    }

    #[test]
    fn server_urls_like_default_server_url() {
        assert_eq!(server_url("h:1", true).unwrap(), "https://h:1");
        assert_eq!(server_url("h:1", false).unwrap(), "http://h:1");
        assert_eq!(server_url("https://h", false).unwrap(), "https://h");
        assert!(server_url("", true).is_err());
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;

    /// The flags reach the `kube::Config` the transport is built from: its server, CA, TLS
    /// server name, client certificate and key, token and impersonation.
    #[tokio::test]
    async fn flags_end_up_in_the_kube_config() {
        let tls = crate::sim::tls::generate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &tls.ca_pem).unwrap();
        let mut kc = Kubeconfig::from_yaml(&crate::sim::kubeconfig::render(
            "https://10.0.0.1:6443",
            "not the CA",
            "kubeconfig-token-0000",
            "myproject",
        ))
        .unwrap();
        let conn = Connection {
            server: Some("https://127.0.0.1:6443".into()),
            certificate_authority: Some(ca.clone()),
            tls_server_name: Some("api.internal".into()),
            client_certificate: Some(dir.path().join("c.pem")),
            client_key: Some(dir.path().join("k.pem")),
            token: Some("flag-token-0001".into()),
            as_user: Some("bob".into()),
            as_groups: vec!["devs".into()],
            as_uid: Some("u-1".into()),
            ..Connection::default()
        };
        let mut options = KubeConfigOptions::default();
        apply(&mut kc, &mut options, &conn).unwrap();
        let config = kube::Config::from_custom_kubeconfig(kc, &options)
            .await
            .unwrap();
        assert_eq!(config.cluster_url.to_string(), "https://127.0.0.1:6443/");
        assert_eq!(config.tls_server_name.as_deref(), Some("api.internal"));
        assert_eq!(config.root_cert.as_ref().map(Vec::len), Some(1));
        assert!(!config.accept_invalid_certs);
        let auth = &config.auth_info;
        assert_eq!(
            auth.client_certificate.as_deref(),
            Some(dir.path().join("c.pem").to_str().unwrap())
        );
        assert_eq!(
            auth.client_key.as_deref(),
            Some(dir.path().join("k.pem").to_str().unwrap())
        );
        use secrecy::ExposeSecret;
        assert_eq!(
            auth.token
                .as_ref()
                .map(|t| t.expose_secret().to_owned())
                .as_deref(),
            Some("flag-token-0001")
        );
        assert_eq!(auth.impersonate.as_deref(), Some("bob"));
        assert_eq!(auth.impersonate_uid.as_deref(), Some("u-1"));
        assert_eq!(
            auth.impersonate_groups.as_deref(),
            Some(&["devs".to_owned()][..])
        );
    }
}
