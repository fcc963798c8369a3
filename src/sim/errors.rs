//! Kubernetes `Status` error bodies, worded like the real apiserver.

use crate::model::{Status, StatusDetails};

/// `imagestreams.image.openshift.io`, or just `pods` for the core group.
pub fn qualified(resource: &str, group: &str) -> String {
    if group.is_empty() {
        resource.to_owned()
    } else {
        format!("{resource}.{group}")
    }
}

fn details(name: Option<&str>, group: &str, kind: &str) -> Option<StatusDetails> {
    Some(StatusDetails {
        name: name.map(str::to_owned),
        group: (!group.is_empty()).then(|| group.to_owned()),
        kind: Some(kind.to_owned()),
        ..Default::default()
    })
}

/// 404 `<resource>.<group> "<name>" not found`.
pub fn not_found(resource: &str, group: &str, name: &str) -> Status {
    let mut s = Status::failure(
        404,
        "NotFound",
        format!("{} \"{name}\" not found", qualified(resource, group)),
    );
    s.details = details(Some(name), group, resource);
    s
}

/// 404 for an image.openshift.io resource.
pub fn image_not_found(resource: &str, name: &str) -> Status {
    not_found(resource, crate::model::GROUP, name)
}

/// 400 with a message and no details.
pub fn bad_request(message: impl Into<String>) -> Status {
    Status::failure(400, "BadRequest", message)
}

/// 409 `Operation cannot be fulfilled on <resource>.<group> "<name>": <why>`.
pub fn conflict(resource: &str, name: &str, why: &str) -> Status {
    let mut s = Status::failure(
        409,
        "Conflict",
        format!(
            "Operation cannot be fulfilled on {} \"{name}\": {why}",
            qualified(resource, crate::model::GROUP)
        ),
    );
    s.details = details(Some(name), crate::model::GROUP, resource);
    s
}

/// 409 `... "<name>" already exists`.
pub fn already_exists(resource: &str, name: &str) -> Status {
    let mut s = Status::failure(
        409,
        "AlreadyExists",
        format!(
            "{} \"{name}\" already exists",
            qualified(resource, crate::model::GROUP)
        ),
    );
    s.details = details(Some(name), crate::model::GROUP, resource);
    s
}

/// The message of an optimistic-concurrency conflict.
pub const MODIFIED: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// 403, worded like the apiserver's RBAC authorizer.
pub fn forbidden(
    user: &str,
    verb: &str,
    resource: &str,
    subresource: Option<&str>,
    group: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Status {
    let full = match subresource {
        Some(sub) => format!("{resource}/{sub}"),
        None => resource.to_owned(),
    };
    let subject = match name {
        Some(n) => format!("{} \"{n}\"", qualified(resource, group)),
        None => qualified(resource, group),
    };
    let scope = match namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_owned(),
    };
    let mut s = Status::failure(
        403,
        "Forbidden",
        format!(
            "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{full}\" in API group \"{group}\" {scope}"
        ),
    );
    s.details = details(name, group, resource);
    s
}

/// 401 with no details, as the apiserver answers a missing or unknown token.
pub fn unauthorized() -> Status {
    Status::failure(401, "Unauthorized", "Unauthorized")
}

/// 500 InternalError.
pub fn internal_error() -> Status {
    let mut s = Status::failure(
        500,
        "InternalError",
        "Internal error occurred: injected fault",
    );
    s.details = Some(StatusDetails::default());
    s
}

/// 503 ServiceUnavailable.
pub fn service_unavailable() -> Status {
    Status::failure(
        503,
        "ServiceUnavailable",
        "the server is currently unable to handle the request",
    )
}

/// 405 for a verb a resource does not support.
pub fn method_not_allowed(method: &str) -> Status {
    let mut s = Status::failure(
        405,
        "MethodNotAllowed",
        format!("the server does not allow this method on the requested resource ({method})"),
    );
    s.details = Some(StatusDetails::default());
    s
}

/// Status code of a `Status` (500 when unset).
pub fn code(s: &Status) -> u16 {
    s.code.unwrap_or(500)
}

/// 404 for a path the server does not serve.
pub fn not_found_path() -> Status {
    let mut s = Status::failure(
        404,
        "NotFound",
        "the server could not find the requested resource",
    );
    s.details = Some(StatusDetails::default());
    s
}

/// 409 `<resource>.<group> "<name>" already exists`, for any group.
pub fn already_exists_in(resource: &str, group: &str, name: &str) -> Status {
    let mut s = Status::failure(
        409,
        "AlreadyExists",
        format!("{} \"{name}\" already exists", qualified(resource, group)),
    );
    s.details = details(Some(name), group, resource);
    s
}

/// 422 `<Kind>.<group> "<name>" is invalid: <field>: <why>`.
pub fn invalid(kind: &str, group: &str, name: &str, why: &str) -> Status {
    let mut s = Status::failure(
        422,
        "Invalid",
        format!("{kind}.{group} \"{name}\" is invalid: {why}"),
    );
    s.details = details(Some(name), group, kind);
    s
}
