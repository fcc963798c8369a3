//! Bearer tokens → users → allowed verbs/resources (RBAC-like), and the 401/403 answers.

use crate::model::Status;

use super::errors;

/// One permission: verbs on resources (`imagestreams`, `imagestreams/status`, `pods`, `*`, …)
/// in some namespaces (`None` = all, including cluster-scoped requests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub resources: Vec<String>,
    pub namespaces: Option<Vec<String>>,
}

impl Rule {
    /// Convenience: `Rule::new(&["get", "list"], &["imagestreams"], Some(&["ns"]))`.
    pub fn new(verbs: &[&str], resources: &[&str], namespaces: Option<&[&str]>) -> Rule {
        Rule {
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
            namespaces: namespaces.map(|n| n.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn allows(&self, verb: &str, resource: &str, namespace: Option<&str>) -> bool {
        let any = |list: &[String], x: &str| list.iter().any(|v| v == "*" || v == x);
        any(&self.verbs, verb)
            && any(&self.resources, resource)
            && match (&self.namespaces, namespace) {
                (None, _) => true,
                (Some(list), Some(ns)) => list.iter().any(|n| n == ns || n == "*"),
                (Some(_), None) => false,
            }
    }
}

/// A user known by its token; `rules: None` = cluster admin.
#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub rules: Option<Vec<Rule>>,
}

/// What a request asks to do, for authorization.
#[derive(Clone, Debug)]
pub struct Attributes<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub name: Option<&'a str>,
}

impl User {
    pub fn authorize(&self, a: &Attributes<'_>) -> Result<(), Status> {
        let Some(rules) = &self.rules else {
            return Ok(());
        };
        let full = match a.subresource {
            Some(s) => format!("{}/{s}", a.resource),
            None => a.resource.to_owned(),
        };
        if rules.iter().any(|r| r.allows(a.verb, &full, a.namespace)) {
            return Ok(());
        }
        Err(errors::forbidden(
            &self.name,
            a.verb,
            a.resource,
            a.subresource,
            a.group,
            a.namespace,
            a.name,
        ))
    }
}

/// The verb of a request, from its method and whether it names an object.
pub fn verb(method: &str, named: bool, watch: bool) -> &'static str {
    match (method, named) {
        ("GET", _) if watch => "watch",
        ("GET" | "HEAD", true) => "get",
        ("GET" | "HEAD", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "get",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> User {
        User {
            name: "alice".into(),
            rules: Some(vec![Rule::new(
                &["get", "list", "watch"],
                &["imagestreams"],
                Some(&["myproject"]),
            )]),
        }
    }

    fn attrs<'a>(
        verb: &'a str,
        resource: &'a str,
        ns: Option<&'a str>,
        name: Option<&'a str>,
    ) -> Attributes<'a> {
        Attributes {
            verb,
            group: "image.openshift.io",
            resource,
            subresource: None,
            namespace: ns,
            name,
        }
    }

    #[test]
    fn forbidden_messages_match_the_recordings() {
        let u = alice();
        assert!(
            u.authorize(&attrs("list", "imagestreams", Some("myproject"), None))
                .is_ok()
        );
        let e = u
            .authorize(&attrs(
                "delete",
                "imagestreamtags",
                Some("myproject"),
                Some("myapp:v2.0.5"),
            ))
            .unwrap_err();
        assert_eq!(
            e.message.as_deref(),
            Some(
                "imagestreamtags.image.openshift.io \"myapp:v2.0.5\" is forbidden: User \"alice\" cannot delete resource \"imagestreamtags\" in API group \"image.openshift.io\" in the namespace \"myproject\""
            )
        );
        assert_eq!(e.code, Some(403));
        let e = u
            .authorize(&attrs("list", "imagestreams", None, None))
            .unwrap_err();
        assert_eq!(
            e.message.as_deref(),
            Some(
                "imagestreams.image.openshift.io is forbidden: User \"alice\" cannot list resource \"imagestreams\" in API group \"image.openshift.io\" at the cluster scope"
            )
        );
        let e = u
            .authorize(&Attributes {
                verb: "list",
                group: "",
                resource: "pods",
                subresource: None,
                namespace: Some("x"),
                name: None,
            })
            .unwrap_err();
        assert_eq!(
            e.message.as_deref(),
            Some(
                "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"x\""
            )
        );
        let e = u
            .authorize(&Attributes {
                verb: "update",
                group: "image.openshift.io",
                resource: "imagestreams",
                subresource: Some("status"),
                namespace: Some("myproject"),
                name: Some("myapp"),
            })
            .unwrap_err();
        assert!(
            e.message
                .unwrap()
                .contains("cannot update resource \"imagestreams/status\"")
        );
    }

    #[test]
    fn verbs() {
        assert_eq!(verb("GET", true, false), "get");
        assert_eq!(verb("GET", false, false), "list");
        assert_eq!(verb("GET", false, true), "watch");
        assert_eq!(verb("DELETE", true, false), "delete");
        assert_eq!(verb("POST", false, false), "create");
        assert_eq!(verb("PUT", true, false), "update");
    }
}
