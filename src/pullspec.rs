//! Docker pull specs, parsed the way OpenShift reads them: `[host/]path…/name[:tag][@digest]`.
//!
//! Pure and allocation-light. This mirrors `reference.Parse` of openshift/library-go
//! (`pkg/image/reference/reference.go`), the parser `oc adm prune images` and the image policy
//! admission plugin use:
//!
//! * the first `/`-separated component is the **registry host** when there is more than one
//!   component and it contains `.` or `:` or is `localhost` (`registry:5000`,
//!   `image-registry.openshift-image-registry.svc.cluster.local:5000`, `172.30.1.1:5000`,
//!   `default-route-openshift-image-registry.apps.example.com`);
//! * of the rest, the first component is the **namespace** when there are two or more, and the
//!   remainder is the **name** (it keeps any further `/`, as library-go does: `a/b/c` is
//!   namespace `a`, name `b/c`, which is no image stream);
//! * `:tag` is the text after the last `:` when it holds no `/` (so `registry:5000/ns/s` has no
//!   tag); `@digest` is the text after `@` and must be `sha256:` + 64 hex digits (or
//!   `sha384`/`sha512` with 96/128);
//! * a leading `scheme://` is dropped, for pod `status.containerStatuses[].imageID` values like
//!   `docker-pullable://…@sha256:…` and `docker://…`.
//!
//! Anything else that does not fit (empty components, a bad digest) is `None`: not a pull spec.

/// A parsed pull spec. Tags and digests are as written; no defaulting (see [`PullSpec::tag_or_latest`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullSpec<'a> {
    /// `image-registry.openshift-image-registry.svc:5000`, or `None` for `ns/name`, `name`.
    pub registry: Option<&'a str>,
    /// The component before the name: `<host>/<namespace>/<name>`.
    pub namespace: Option<&'a str>,
    /// The last part; contains `/` when the path is deeper than `namespace/name`.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// `sha256:…`
    pub digest: Option<&'a str>,
}

impl<'a> PullSpec<'a> {
    /// The tag, or `latest` when none is written (docker's default).
    pub fn tag_or_latest(&self) -> &'a str {
        self.tag.unwrap_or("latest")
    }

    /// `(namespace, stream)` when the spec has the shape of an image in the integrated registry,
    /// `<host>/<namespace>/<stream>`, whatever the host (as `oc adm prune images` reads it).
    pub fn registry_stream(&self) -> Option<(&'a str, &'a str)> {
        self.registry?;
        let ns = self.namespace?;
        (!self.name.contains('/')).then_some((ns, self.name))
    }

    /// The stream of a short name, `<stream>[:tag]` with no host and no namespace: what
    /// `lookupPolicy.local` resolves.
    pub fn short_name(&self) -> Option<&'a str> {
        (self.registry.is_none() && self.namespace.is_none() && !self.name.contains('/'))
            .then_some(self.name)
    }
}

/// Parses a pull spec (see the module documentation); `None` if it is not one.
pub fn parse(spec: &str) -> Option<PullSpec<'_>> {
    let spec = spec.trim();
    let spec = match spec.find("://") {
        Some(i) => &spec[i + 3..],
        None => spec,
    };
    let (rest, digest) = match spec.split_once('@') {
        Some((rest, d)) => {
            if !is_digest(d) {
                return None;
            }
            (rest, Some(d))
        }
        None => (spec, None),
    };
    let (path, tag) = match rest.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => {
            if tag.is_empty() {
                return None;
            }
            (path, Some(tag))
        }
        _ => (rest, None),
    };
    if path.is_empty() || path.split('/').any(str::is_empty) {
        return None;
    }
    let (registry, path) = match path.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, path),
    };
    if path.contains(':') {
        return None;
    }
    let (namespace, name) = match path.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, path),
    };
    Some(PullSpec {
        registry,
        namespace,
        name,
        tag,
        digest,
    })
}

/// `sha256:<64 hex>`, `sha384:<96 hex>`, `sha512:<128 hex>`.
pub fn is_digest(s: &str) -> bool {
    let Some((alg, hex)) = s.split_once(':') else {
        return false;
    };
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == len
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn p(s: &str) -> PullSpec<'_> {
        parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn a_port_is_not_a_tag() {
        let r = p("registry:5000/ns/s");
        assert_eq!(r.registry, Some("registry:5000"));
        assert_eq!(r.namespace, Some("ns"));
        assert_eq!(r.name, "s");
        assert_eq!(r.tag, None);
        assert_eq!(r.tag_or_latest(), "latest");
        assert_eq!(r.registry_stream(), Some(("ns", "s")));
    }

    #[test]
    fn internal_service_names() {
        let r = p("image-registry.openshift-image-registry.svc.cluster.local:5000/ns/s:v1");
        assert_eq!(
            r.registry,
            Some("image-registry.openshift-image-registry.svc.cluster.local:5000")
        );
        assert_eq!(r.registry_stream(), Some(("ns", "s")));
        assert_eq!(r.tag, Some("v1"));
        assert_eq!(r.digest, None);
        let r = p("image-registry.openshift-image-registry.svc:5000/mynamespace/myapp:v2.0.1");
        assert_eq!(r.registry_stream(), Some(("mynamespace", "myapp")));
        assert_eq!(r.tag, Some("v2.0.1"));
    }

    #[test]
    fn cluster_ip_with_digest() {
        let s = format!("172.30.1.1:5000/ns/s@{D}");
        let r = p(&s);
        assert_eq!(r.registry, Some("172.30.1.1:5000"));
        assert_eq!(r.registry_stream(), Some(("ns", "s")));
        assert_eq!(r.tag, None);
        assert_eq!(r.digest, Some(D));
    }

    #[test]
    fn public_route_host() {
        let r = p("default-route-openshift-image-registry.apps.example.com/prod/web:v1.4.6");
        assert_eq!(
            r.registry,
            Some("default-route-openshift-image-registry.apps.example.com")
        );
        assert_eq!(r.registry_stream(), Some(("prod", "web")));
        assert_eq!(r.tag, Some("v1.4.6"));
    }

    #[test]
    fn pod_image_id_with_a_scheme() {
        let s =
            format!("docker-pullable://image-registry.openshift-image-registry.svc:5000/ns/s@{D}");
        let r = p(&s);
        assert_eq!(r.registry_stream(), Some(("ns", "s")));
        assert_eq!(r.digest, Some(D));
    }

    #[test]
    fn tag_and_digest_together() {
        let s = format!("quay.io/org/app:1.0@{D}");
        let r = p(&s);
        assert_eq!(r.tag, Some("1.0"));
        assert_eq!(r.digest, Some(D));
    }

    #[test]
    fn short_names() {
        let r = p("myapp:v2.0.1");
        assert_eq!(r.registry, None);
        assert_eq!(r.namespace, None);
        assert_eq!(r.short_name(), Some("myapp"));
        assert_eq!(r.tag, Some("v2.0.1"));
        assert_eq!(r.registry_stream(), None);
        let r = p("myapp");
        assert_eq!(r.short_name(), Some("myapp"));
        assert_eq!(r.tag, None);
        assert_eq!(r.tag_or_latest(), "latest");
        let s = format!("myapp@{D}");
        assert_eq!(p(&s).digest, Some(D));
    }

    #[test]
    fn namespace_without_host_is_docker_hub_not_the_registry() {
        let r = p("library/nginx:1.25");
        assert_eq!(r.registry, None);
        assert_eq!(r.namespace, Some("library"));
        assert_eq!(r.short_name(), None);
        assert_eq!(r.registry_stream(), None);
        let r = p("localhost/ns/s:v1");
        assert_eq!(r.registry, Some("localhost"));
        assert_eq!(r.registry_stream(), Some(("ns", "s")));
    }

    #[test]
    fn deeper_paths_are_not_streams() {
        let r = p("quay.io/org/team/app:1");
        assert_eq!(r.namespace, Some("org"));
        assert_eq!(r.name, "team/app");
        assert_eq!(r.registry_stream(), None);
    }

    #[test]
    fn not_pull_specs() {
        for s in [
            "",
            "   ",
            "a//b",
            "/a",
            "a/",
            "a:",
            "a@sha256:abc",
            "a@md5:0123",
            "host:5000/ns:x/s",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
        assert!(is_digest(D));
        assert!(!is_digest(&D.to_uppercase()));
    }
}
