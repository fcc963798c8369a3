//! Exec credential plugins, run the way client-go runs them
//! (`plugin/pkg/client/auth/exec/exec.go`), instead of kube's way.
//!
//! kube runs a kubeconfig's plugin three times while it builds one client (for the TLS
//! identity, for the auth layer, for the client's expiry), so an interactive plugin asks for a
//! password three times, and it refreshes only by time. client-go runs the plugin once, caches
//! the credential until `expirationTimestamp`, and runs it again after a 401 (its
//! `maybeRefreshCreds`). So do we: the plugin runs once before the client is built; a token goes
//! into every request from a layer around the client, which runs the plugin again when the token
//! is about to expire or the server answered 401, and then sends a rejected request again once
//! (nothing was applied: authentication failed before anything ran).
//!
//! A plugin answering with a client certificate is handed to kube as certificate data (used for
//! the TLS identity; not refreshed).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::{Request, Response};
use jiff::{SignedDuration, Timestamp};
use kube::client::{Body, ClientBuilder};
use kube::config::{AuthInfo, ExecConfig, ExecInteractiveMode};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A token is renewed this long before it expires, so that a request does not arrive at the
/// server with a token that expired on the way (client-go: at expiry; kube: 60 s before).
const EARLY: SignedDuration = SignedDuration::from_secs(10);

/// What a plugin printed (`ExecCredential.status`).
#[derive(serde::Deserialize)]
struct ExecCredential {
    status: Option<Status>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    token: Option<String>,
    expiration_timestamp: Option<String>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
}

struct Token {
    value: SecretString,
    expires: Option<Timestamp>,
    /// Bumped on each run, so that concurrent 401s run the plugin once.
    generation: u64,
}

/// The plugin of one kubeconfig user and the token it last gave.
pub struct ExecAuth {
    exec: ExecConfig,
    interactive: bool,
    token: tokio::sync::Mutex<Token>,
}

/// Takes the exec plugin out of `auth`, runs it once, and returns what will put its token on
/// each request; a certificate is put into `auth` for kube's TLS identity (then `None`).
/// `interactive`: whether the plugin may have the terminal (see `overrides::adapt_exec`).
pub fn take(auth: &mut AuthInfo) -> Result<Option<Arc<ExecAuth>>> {
    let Some(exec) = auth.exec.take() else {
        return Ok(None);
    };
    let interactive = exec.interactive_mode != Some(ExecInteractiveMode::Never);
    let status = run(&exec, interactive)?;
    if let (Some(cert), Some(key)) = (&status.client_certificate_data, &status.client_key_data) {
        crate::redact::register(key);
        use base64::Engine as _;
        // kube's AuthInfo holds `*-data` fields base64-encoded, as a kubeconfig does.
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        auth.client_certificate_data = Some(b64(cert));
        auth.client_key_data = Some(b64(key).into());
        return Ok(None);
    }
    let token = token_of(status)?;
    Ok(Some(Arc::new(ExecAuth {
        exec,
        interactive,
        token: tokio::sync::Mutex::new(Token {
            value: token.0,
            expires: token.1,
            generation: 0,
        }),
    })))
}

fn token_of(status: Status) -> Result<(SecretString, Option<Timestamp>)> {
    let Some(token) = status.token.filter(|t| !t.is_empty()) else {
        return Err(Error::runtime(
            "the kubeconfig's credential plugin gave neither a token nor a client certificate",
        ));
    };
    crate::redact::register(&token);
    let expires = match status.expiration_timestamp {
        Some(ts) => Some(ts.parse::<Timestamp>().map_err(|_| {
            Error::runtime(format!(
                "the kubeconfig's credential plugin gave an invalid expirationTimestamp {ts:?}"
            ))
        })?),
        None => None,
    };
    Ok((token.into(), expires))
}

/// Runs the plugin as exec.go's `refreshCredsLocked` does: its args and env, the
/// `KUBERNETES_EXEC_INFO` request, stdin (and stderr) only when interactive. Otherwise stderr is
/// kept for the error message (one line, not the plugin's whole output).
fn run(exec: &ExecConfig, interactive: bool) -> Result<Status> {
    let command = exec
        .command
        .as_deref()
        .ok_or_else(|| Error::usage("the kubeconfig's exec credential plugin has no command"))?;
    let mut cmd = std::process::Command::new(command);
    cmd.args(exec.args.iter().flatten());
    for env in exec.env.iter().flatten() {
        if let (Some(name), Some(value)) = (env.get("name"), env.get("value")) {
            cmd.env(name, value);
        }
    }
    for name in exec.drop_env.iter().flatten() {
        cmd.env_remove(name);
    }
    let mut spec = serde_json::json!({ "interactive": interactive });
    if exec.provide_cluster_info
        && let Some(cluster) = &exec.cluster
    {
        spec["cluster"] = serde_json::to_value(cluster).unwrap_or_default();
    }
    let info = serde_json::json!({
        "apiVersion": exec.api_version.as_deref().unwrap_or("client.authentication.k8s.io/v1beta1"),
        "kind": "ExecCredential",
        "spec": spec,
    });
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string());
    if interactive {
        cmd.stdin(std::process::Stdio::inherit())
            .stderr(std::process::Stdio::inherit());
    } else {
        cmd.stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
    }
    cmd.stdout(std::process::Stdio::piped());
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::runtime(format!(
            "cannot run the kubeconfig's credential plugin: {command} not found{}",
            exec.install_hint
                .as_deref()
                .map(|h| format!(" ({})", h.trim().replace('\n', " ")))
                .unwrap_or_default()
        )),
        _ => Error::runtime(format!(
            "cannot run the kubeconfig's credential plugin {command}: {e}"
        )),
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let why = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        let code = out
            .status
            .code()
            .map_or_else(|| "a signal".to_owned(), |c| format!("exit {c}"));
        return Err(Error::runtime(format!(
            "the kubeconfig's credential plugin failed ({code}): {why}"
        )));
    }
    // client-go decodes with a YAML-tolerant codec; JSON is YAML.
    let cred: ExecCredential = serde_yaml::from_slice(&out.stdout).map_err(|_| {
        Error::runtime("the kubeconfig's credential plugin did not print a valid ExecCredential")
    })?;
    cred.status.ok_or_else(|| {
        Error::runtime(
            "the kubeconfig's credential plugin printed an ExecCredential without status",
        )
    })
}

impl ExecAuth {
    /// The current token, after running the plugin again when it is about to expire, or when
    /// `stale` (the generation a 401 came back with) is still the current one.
    async fn token(&self, stale: Option<u64>) -> Result<(SecretString, u64), BoxError> {
        let mut t = self.token.lock().await;
        let expiring = t.expires.is_some_and(|e| Timestamp::now() + EARLY >= e);
        if expiring || stale == Some(t.generation) {
            let exec = self.exec.clone();
            let interactive = self.interactive;
            let status = tokio::task::spawn_blocking(move || run(&exec, interactive))
                .await
                .map_err(|e| Box::new(e) as BoxError)?
                .map_err(|e| Box::new(e) as BoxError)?;
            let (value, expires) = token_of(status).map_err(|e| Box::new(e) as BoxError)?;
            t.value = value;
            t.expires = expires;
            t.generation += 1;
        }
        Ok((t.value.clone(), t.generation))
    }

    /// The client, with this plugin's token on each request.
    pub fn wrap<S, B>(self: &Arc<Self>, builder: ClientBuilder<S>) -> ClientBuilder<ExecService<S>>
    where
        S: tower::Service<Request<Body>, Response = Response<B>>,
    {
        builder.with_layer(&ExecLayer(self.clone()))
    }
}

pub struct ExecLayer(Arc<ExecAuth>);

impl<S> tower::Layer<S> for ExecLayer {
    type Service = ExecService<S>;
    fn layer(&self, inner: S) -> ExecService<S> {
        ExecService {
            inner: Arc::new(tokio::sync::Mutex::new(inner)),
            auth: self.0.clone(),
        }
    }
}

/// The inner service is shared so that a request rejected with 401 can be sent again.
pub struct ExecService<S> {
    inner: Arc<tokio::sync::Mutex<S>>,
    auth: Arc<ExecAuth>,
}

fn with_token(mut req: Request<Body>, token: &SecretString) -> Result<Request<Body>, BoxError> {
    let mut value =
        hyper::header::HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))?;
    value.set_sensitive(true);
    req.headers_mut()
        .insert(hyper::header::AUTHORIZATION, value);
    Ok(req)
}

async fn send<S, B>(
    inner: &tokio::sync::Mutex<S>,
    req: Request<Body>,
) -> Result<Response<B>, BoxError>
where
    S: tower::Service<Request<Body>, Response = Response<B>>,
    S::Error: Into<BoxError>,
{
    let fut = {
        let mut svc = inner.lock().await;
        std::future::poll_fn(|cx| svc.poll_ready(cx))
            .await
            .map_err(Into::into)?;
        svc.call(req)
    };
    fut.await.map_err(Into::into)
}

impl<S, B> tower::Service<Request<Body>> for ExecService<S>
where
    S: tower::Service<Request<Body>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Send + 'static,
{
    type Response = Response<B>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Response<B>, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Readiness is awaited inside the call, under the lock.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let inner = self.inner.clone();
        let auth = self.auth.clone();
        Box::pin(async move {
            // A copy to send again after a 401; a streamed body cannot be copied (kube's
            // requests all have whole bodies).
            let again = req.body().try_clone().map(|body| {
                let mut r = Request::new(body);
                *r.method_mut() = req.method().clone();
                *r.uri_mut() = req.uri().clone();
                *r.headers_mut() = req.headers().clone();
                r
            });
            let (token, generation) = auth.token(None).await?;
            let resp = send(&inner, with_token(req, &token)?).await?;
            if resp.status() != hyper::StatusCode::UNAUTHORIZED {
                return Ok(resp);
            }
            let Some(again) = again else {
                return Ok(resp);
            };
            let (token, _) = auth.token(Some(generation)).await?;
            drop(resp);
            send(&inner, with_token(again, &token)?).await
        })
    }
}
