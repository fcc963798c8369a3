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

/// Who a request runs as once authenticated and impersonation applied: a name, its groups and
/// UID, and the rules that authorize it (`None` = cluster admin).
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: User,
    pub groups: Vec<String>,
    pub uid: Option<String>,
}

/// The group every authenticated user is in, and the one that holds cluster admins.
pub const AUTHENTICATED: &str = "system:authenticated";
const UNAUTHENTICATED: &str = "system:unauthenticated";
pub const MASTERS: &str = "system:masters";

/// The impersonation a request asks for (`Impersonate-User`, `Impersonate-Group`…,
/// `Impersonate-Uid`, `Impersonate-Extra-<key>`…).
#[derive(Clone, Debug, Default)]
pub struct Impersonation {
    pub user: Option<String>,
    pub groups: Vec<String>,
    pub uid: Option<String>,
    pub extras: Vec<(String, String)>,
}

impl Impersonation {
    pub fn is_empty(&self) -> bool {
        self.user.is_none()
            && self.groups.is_empty()
            && self.uid.is_none()
            && self.extras.is_empty()
    }
}

/// The apiserver's impersonation filter (`apiserver/pkg/endpoints/filters/impersonation.go`):
/// groups, extras or a UID without a user are a 400; the requester needs verb `impersonate` on
/// each of `users` (or `serviceaccounts` in the account's namespace), `groups`,
/// `userextras/<key>` and `uids` (the last two in API group `authentication.k8s.io`), else a
/// 403 naming the first refused; a service account without groups gets its own groups; a
/// non-anonymous user gets `system:authenticated` unless the groups name it or
/// `system:unauthenticated`. `rights(name, groups)` gives the rules of the new identity.
pub fn impersonate(
    requester: &User,
    want: &Impersonation,
    rights: impl Fn(&str, &[String]) -> Option<Vec<Rule>>,
) -> Result<Identity, Status> {
    let Some(name) = want.user.as_deref().filter(|u| !u.is_empty()) else {
        // Go's %v of the []ObjectReference the filter built.
        let mut refs: Vec<String> = want
            .groups
            .iter()
            .map(|g| format!("{{Group  {g}    }}"))
            .collect();
        refs.extend(
            want.extras
                .iter()
                .map(|(k, v)| format!("{{UserExtra  {v}  authentication.k8s.io/v1  {k}}}")),
        );
        refs.extend(
            want.uid
                .iter()
                .map(|u| format!("{{UID  {u}  authentication.k8s.io/v1  }}")),
        );
        return Err(errors::bad_request(format!(
            "requested [{}] without impersonating a user",
            refs.join(" ")
        )));
    };
    let service_account = name
        .strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.split_once(':'))
        .filter(|(ns, n)| !ns.is_empty() && !n.is_empty() && !n.contains(':'));
    let check = |resource: &str, sub: Option<&str>, group: &str, ns: Option<&str>, n: &str| {
        requester.authorize(&Attributes {
            verb: "impersonate",
            group,
            resource,
            subresource: sub,
            namespace: ns,
            name: Some(n),
        })
    };
    let mut groups = Vec::new();
    match service_account {
        Some((ns, sa)) => {
            check("serviceaccounts", None, "", Some(ns), sa)?;
            if want.groups.is_empty() {
                groups = vec![
                    "system:serviceaccounts".to_owned(),
                    format!("system:serviceaccounts:{ns}"),
                ];
            }
        }
        None => check("users", None, "", None, name)?,
    }
    for g in &want.groups {
        check("groups", None, "", None, g)?;
        groups.push(g.clone());
    }
    for (key, value) in &want.extras {
        check(
            "userextras",
            Some(key),
            "authentication.k8s.io",
            None,
            value,
        )?;
    }
    if let Some(uid) = &want.uid {
        check("uids", None, "authentication.k8s.io", None, uid)?;
    }
    if name != "system:anonymous" {
        if !groups
            .iter()
            .any(|g| g == AUTHENTICATED || g == UNAUTHENTICATED)
        {
            groups.push(AUTHENTICATED.to_owned());
        }
    } else if !groups.iter().any(|g| g == UNAUTHENTICATED) {
        groups.push(UNAUTHENTICATED.to_owned());
    }
    let rules = if groups.iter().any(|g| g == MASTERS) {
        None
    } else {
        rights(name, &groups)
    };
    Ok(Identity {
        user: User {
            name: name.to_owned(),
            rules,
        },
        groups,
        uid: want.uid.clone(),
    })
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

    fn impersonator() -> User {
        User {
            name: "alice".into(),
            rules: Some(vec![Rule::new(
                &["impersonate"],
                &["users", "groups", "uids"],
                None,
            )]),
        }
    }

    fn none(_: &str, _: &[String]) -> Option<Vec<Rule>> {
        Some(Vec::new())
    }

    #[test]
    fn impersonation_like_the_apiserver_filter() {
        let want = Impersonation {
            user: Some("bob".into()),
            groups: vec!["devs".into()],
            uid: Some("u-1".into()),
            ..Impersonation::default()
        };
        let id = impersonate(&impersonator(), &want, none).unwrap();
        assert_eq!(id.user.name, "bob");
        assert_eq!(id.groups, ["devs", AUTHENTICATED]);
        assert_eq!(id.uid.as_deref(), Some("u-1"));

        // Groups without a user: 400.
        let e = impersonate(
            &impersonator(),
            &Impersonation {
                groups: vec!["devs".into()],
                ..Impersonation::default()
            },
            none,
        )
        .unwrap_err();
        assert_eq!(e.code, Some(400));
        assert_eq!(
            e.message.as_deref(),
            Some("requested [{Group  devs    }] without impersonating a user")
        );

        // Each thing impersonated needs its own right: users but not uids.
        let users_only = User {
            name: "alice".into(),
            rules: Some(vec![Rule::new(&["impersonate"], &["users"], None)]),
        };
        let e = impersonate(&users_only, &want, none).unwrap_err();
        assert_eq!(e.code, Some(403));
        assert_eq!(
            e.message.as_deref(),
            Some(
                "groups \"devs\" is forbidden: User \"alice\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope"
            )
        );
        assert!(impersonate(&alice(), &want, none).is_err());

        // A service account: checked in its namespace, with its own groups.
        let sa = User {
            name: "alice".into(),
            rules: Some(vec![Rule::new(
                &["impersonate"],
                &["serviceaccounts"],
                Some(&["ci"]),
            )]),
        };
        let id = impersonate(
            &sa,
            &Impersonation {
                user: Some("system:serviceaccount:ci:pruner".into()),
                ..Impersonation::default()
            },
            none,
        )
        .unwrap();
        assert_eq!(
            id.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:ci",
                AUTHENTICATED
            ]
        );
        // system:masters is cluster admin.
        let id = impersonate(
            &impersonator(),
            &Impersonation {
                user: Some("root".into()),
                groups: vec![MASTERS.into()],
                ..Impersonation::default()
            },
            none,
        )
        .unwrap();
        assert!(id.user.rules.is_none());
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
