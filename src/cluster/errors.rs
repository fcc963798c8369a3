//! Turning kube's errors into one line a person can act on.

use crate::error::Error;

/// What we were doing when a request failed, to word the error.
pub struct ApiContext<'a> {
    /// The RBAC verb: get, list, delete, update.
    pub verb: &'a str,
    /// The resource, e.g. `imagestreams` or `imagestreams/status`.
    pub resource: &'a str,
    /// The API group, `image.openshift.io` or `` for core.
    pub group: &'a str,
    /// `None` for all namespaces.
    pub namespace: Option<&'a str>,
    /// The API server URL.
    pub url: &'a str,
}

impl ApiContext<'_> {
    fn scope(&self) -> String {
        match self.namespace {
            Some(ns) => format!("in namespace {ns:?}"),
            None => "across all namespaces".into(),
        }
    }
}

/// What kube puts in `reason` when an error's body is not a `Status` (its `message` is then the
/// raw body): a proxy's, an ingress's or the aggregator's answer.
const UNPARSED: &str = "Failed to parse error data";

pub fn api_error(e: kube::Error, ctx: &ApiContext) -> Error {
    match e {
        kube::Error::Api(status) if status.reason == UNPARSED => {
            Error::runtime(plain_body_error(status.code, ctx))
        }
        kube::Error::Api(status) => {
            let message = super::client::first_line(status.message.trim());
            let reason = if status.reason.is_empty() {
                ""
            } else {
                status.reason.as_str()
            };
            match status.code {
                401 => Error::runtime(format!(
                    "unauthorized (401): {} rejected your credentials; log in again with `oc login` or check the kubeconfig's token",
                    ctx.url
                )),
                403 if message.contains("cannot impersonate") => {
                    // `… cannot impersonate resource "groups" in API group ""`: which flag asked.
                    let resource = message
                        .split("cannot impersonate resource \"")
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .unwrap_or("users");
                    let flag = match resource {
                        "groups" => "--as-group",
                        "uids" => "--as-uid",
                        "userextras" => "the kubeconfig's as-user-extra",
                        _ => "--as",
                    };
                    Error::runtime(format!(
                        "forbidden (403): you may not act as another user ({flag} needs RBAC verb \"impersonate\" on resource {resource:?}): {message}"
                    ))
                }
                403 => Error::runtime(format!(
                    "forbidden (403): you may not {} {} {} (needs RBAC verb {:?} on resource {:?} in API group {:?}){}",
                    ctx.verb,
                    ctx.resource,
                    ctx.scope(),
                    ctx.verb,
                    ctx.resource,
                    ctx.group,
                    server_says(message)
                )),
                404 => Error::runtime(format!(
                    "not found (404): {}",
                    or_default(message, "the server has no such resource")
                )),
                409 => Error::runtime(format!(
                    "conflict (409): {}",
                    or_default(message, "the object changed on the server")
                )),
                429 => Error::runtime(format!(
                    "too many requests (429): the server at {} is throttling us; try again later{}",
                    ctx.url,
                    // Only the concurrent deletes of `prune` have a --concurrency to lower.
                    if ctx.verb == "delete" {
                        " or lower --concurrency"
                    } else {
                        ""
                    }
                )),
                code @ 500..=599 => Error::runtime(format!(
                    "the server failed ({code}{}){}",
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(" {reason}")
                    },
                    server_says(message)
                )),
                code => Error::runtime(format!(
                    "the server refused to {} {} ({code}{}){}",
                    ctx.verb,
                    ctx.resource,
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(" {reason}")
                    },
                    server_says(message)
                )),
            }
        }
        kube::Error::Auth(err) => Error::runtime(auth_error(&err)),
        kube::Error::SerdeError(err) => Error::runtime(format!(
            "the server at {} sent a response that is not a valid {} object: {err}",
            ctx.url, ctx.resource
        )),
        other => transport_error(&other, ctx.url),
    }
}

/// An error whose body is not a Kubernetes `Status` (plain text, HTML): a sentence from the code
/// and what we asked, never the body's parse error, and not the body itself (an HTML page).
fn plain_body_error(code: u16, ctx: &ApiContext) -> String {
    let openshift = ctx.group.ends_with(".openshift.io");
    let api = if openshift {
        format!("the OpenShift {} API ({})", api_noun(ctx.group), ctx.group)
    } else if ctx.group.is_empty() {
        "the Kubernetes core API".to_owned()
    } else {
        format!("the {} API", ctx.group)
    };
    let reason = hyper::StatusCode::from_u16(code)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("error");
    match code {
        // kube-apiserver's aggregator, when the APIService's backend (openshift-apiserver) is
        // down or restarting: `service unavailable`, text/plain.
        503 => format!("{api} is unavailable on this cluster right now (503); try again later"),
        401 => format!(
            "unauthorized (401): {} rejected your credentials; log in again with `oc login` or check the kubeconfig's token",
            ctx.url
        ),
        403 => format!(
            "forbidden (403): something in front of the API server at {} refused to let us {} {} {}",
            ctx.url,
            ctx.verb,
            ctx.resource,
            ctx.scope()
        ),
        404 if openshift => format!(
            "not found (404): the cluster at {} does not serve {}/v1 — is this an OpenShift cluster?",
            ctx.url, ctx.group
        ),
        404 => format!(
            "not found (404): the server at {} does not serve {api}; is --server the API server's address?",
            ctx.url
        ),
        502 | 504 => format!(
            "a proxy or load balancer in front of the API server at {} failed ({code} {reason}); try again later",
            ctx.url
        ),
        429 => format!(
            "too many requests (429): the server at {} is throttling us; try again later",
            ctx.url
        ),
        500..=599 => format!(
            "the server at {} failed ({code} {reason}) while we tried to {} {} {}",
            ctx.url,
            ctx.verb,
            ctx.resource,
            ctx.scope()
        ),
        _ => format!(
            "the server at {} refused to {} {} ({code} {reason}), and said nothing a Kubernetes API server would",
            ctx.url, ctx.verb, ctx.resource
        ),
    }
}

/// `image.openshift.io` → `image`.
fn api_noun(group: &str) -> &str {
    group.split('.').next().unwrap_or(group)
}

/// Credentials that could not be obtained: an exec plugin that failed, a token file missing.
pub fn auth_error(e: &kube::client::AuthError) -> String {
    use kube::client::AuthError;
    match e {
        AuthError::AuthExecRun { out, .. } => {
            // The command line is left out: kube renders it with its whole environment.
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
            format!("the kubeconfig's credential plugin failed ({code}): {why}")
        }
        AuthError::AuthExecStart(io) => {
            format!("cannot run the kubeconfig's credential plugin: {io}")
        }
        AuthError::AuthExecParse(_) => {
            "the kubeconfig's credential plugin did not print a valid ExecCredential".to_owned()
        }
        other => format!(
            "cannot get credentials from the kubeconfig: {}",
            super::client::first_line(&other.to_string())
        ),
    }
}

/// Connection-level failures: refused, DNS, TLS, timeouts.
pub fn transport_error(e: &(dyn std::error::Error + 'static), url: &str) -> Error {
    if let Some((reason, hint)) = super::transport::certificate_problem(e) {
        let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
        return Error::runtime(format!(
            "cannot reach the cluster at {url}: TLS verification failed: {reason}{hint}"
        ));
    }
    let chain = error_chain(e);
    let lower = chain.to_lowercase();
    let why = if lower.contains("connection refused") {
        "connection refused".to_owned()
    } else if lower.contains("timed out") || lower.contains("elapsed") || lower.contains("timeout")
    {
        "the request timed out (see --request-timeout)".to_owned()
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        format!(
            "TLS verification failed ({}); check the kubeconfig's certificate-authority",
            tls_reason(&chain)
        )
    } else if lower.contains("dns")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        "the host name does not resolve".to_owned()
    } else if lower.contains("connection reset")
        || lower.contains("connection closed")
        || lower.contains("broken pipe")
    {
        "the connection was reset".to_owned()
    } else {
        innermost(e)
    };
    Error::runtime(format!("cannot reach the cluster at {url}: {why}"))
}

fn tls_reason(chain: &str) -> String {
    // rustls words its reasons like `invalid peer certificate: UnknownIssuer`.
    chain
        .split(": ")
        .find(|p| p.contains("certificate") || p.contains("Unknown"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "handshake failed".to_owned())
}

/// An error and its sources, joined: where the words that say what went wrong usually are.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    cur.to_string()
}

fn server_says(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

fn or_default<'a>(s: &'a str, d: &'a str) -> &'a str {
    if s.is_empty() { d } else { s }
}

/// The error for a cluster without the OpenShift image API.
pub fn no_image_api(url: &str) -> Error {
    Error::runtime(format!(
        "the cluster at {url} does not serve image.openshift.io/v1 — is this an OpenShift cluster?"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ApiContext<'static> {
        ApiContext {
            verb: "list",
            resource: "imagestreams",
            group: "image.openshift.io",
            namespace: Some("myproject"),
            url: "https://api.example:6443",
        }
    }

    fn status(code: u16, reason: &str, message: &str) -> kube::Error {
        kube::Error::Api(Box::new(
            kube::core::Status::failure(message, reason).with_code(code),
        ))
    }

    #[test]
    fn forbidden_names_verb_resource_and_namespace() {
        let e = api_error(
            status(
                403,
                "Forbidden",
                "imagestreams.image.openshift.io is forbidden: User \"alice\" cannot list resource \"imagestreams\"",
            ),
            &ctx(),
        );
        assert!(
            e.message.starts_with(
                "forbidden (403): you may not list imagestreams in namespace \"myproject\""
            ),
            "{e}"
        );
        assert!(
            e.message
                .contains("verb \"list\" on resource \"imagestreams\""),
            "{e}"
        );
        assert!(!e.message.contains('\n'));
    }

    #[test]
    fn throttled_list_does_not_suggest_a_flag_list_lacks() {
        let e = api_error(status(429, "TooManyRequests", "slow down"), &ctx());
        assert!(e.message.starts_with("too many requests (429)"), "{e}");
        assert!(!e.message.contains("--concurrency"), "{e}");
        let delete = ApiContext {
            verb: "delete",
            resource: "imagestreamtags",
            ..ctx()
        };
        let e = api_error(status(429, "TooManyRequests", "slow down"), &delete);
        assert!(e.message.contains("lower --concurrency"), "{e}");
    }

    fn plain(code: u16, body: &str) -> kube::Error {
        // What kube makes of an error body that is not a Status.
        kube::Error::Api(Box::new(
            kube::core::Status::failure(body.trim(), UNPARSED).with_code(code),
        ))
    }

    #[test]
    fn the_aggregators_503_names_the_openshift_api() {
        let e = api_error(plain(503, "service unavailable\n"), &ctx());
        assert!(
            e.message.starts_with(
                "the OpenShift image API (image.openshift.io) is unavailable on this cluster right now (503)"
            ),
            "{e}"
        );
        assert!(!e.message.contains("parse"), "{e}");
    }

    #[test]
    fn every_plain_body_gets_a_sentence() {
        let html = "<html><body><h1>502 Bad Gateway</h1>\n</body></html>";
        for code in [400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 418] {
            for group in ["image.openshift.io", "", "apps"] {
                let c = ApiContext { group, ..ctx() };
                let e = api_error(plain(code, html), &c);
                assert!(!e.message.contains("parse"), "{code}: {e}");
                assert!(!e.message.contains("<html>"), "{code}: {e}");
                assert!(!e.message.contains('\n'), "{code}: {e}");
                assert!(e.message.contains(&code.to_string()), "{code}: {e}");
                assert_eq!(e.code, crate::error::exit::FAILURE);
            }
        }
    }

    #[test]
    fn each_code_one_line() {
        for (code, reason) in [
            (401, "Unauthorized"),
            (404, "NotFound"),
            (409, "Conflict"),
            (429, "TooManyRequests"),
            (500, "InternalError"),
            (503, "ServiceUnavailable"),
            (400, "BadRequest"),
        ] {
            let e = api_error(status(code, reason, "line one\nline two"), &ctx());
            assert!(!e.message.contains('\n'), "{code}: {e}");
            assert_eq!(e.code, crate::error::exit::FAILURE);
        }
    }
}
