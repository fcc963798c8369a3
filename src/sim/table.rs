//! Server-side `Table` output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with the
//! columns openshift-apiserver prints for imagestreams and imagestreamtags (recordings 129/130).

use jiff::Timestamp;
use serde_json::{Value, json};

const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names";

fn col(name: &str, format: &str, description: &str, priority: i32) -> Value {
    json!({"name": name, "type": "string", "format": format, "description": description, "priority": priority})
}

/// openshift-apiserver's tables word ages like oc does (docker/go-units `HumanDuration`).
pub fn human_duration(secs: i64) -> String {
    crate::render::age::human_duration(jiff::SignedDuration::from_secs(secs))
}

fn ago(now: Timestamp, t: Option<&str>) -> String {
    match t.and_then(|t| t.parse::<Timestamp>().ok()) {
        Some(t) => format!("{} ago", human_duration(now.as_second() - t.as_second())),
        None => String::new(),
    }
}

fn partial(item: &Value) -> Value {
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": item["metadata"]})
}

fn table(meta: Value, columns: Vec<Value>, rows: Vec<Value>) -> Value {
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
        "columnDefinitions": columns, "rows": rows})
}

fn list_meta(list: &Value) -> Value {
    let mut m = json!({});
    for k in ["resourceVersion", "continue", "remainingItemCount"] {
        if let Some(v) = list["metadata"].get(k) {
            m[k] = v.clone();
        }
    }
    m
}

/// Items of a list, or the single object.
fn items(v: &Value) -> Vec<Value> {
    match v.get("items").and_then(Value::as_array) {
        Some(a) => a.clone(),
        None => vec![v.clone()],
    }
}

/// Imagestreams: Name, Image Repository, Tags (newest first, 4 shown), Updated.
pub fn imagestreams(v: &Value, now: Timestamp) -> Value {
    let rows = items(v)
        .iter()
        .map(|is| {
            let mut tags: Vec<(String, String)> = is["status"]["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| {
                    let created = t["items"][0]["created"].as_str()?;
                    Some((t["tag"].as_str()?.to_owned(), created.to_owned()))
                })
                .collect();
            tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let shown: Vec<&str> = tags.iter().take(5).map(|(t, _)| t.as_str()).collect();
            let mut cell = shown.join(",");
            if tags.len() > 5 {
                cell.push_str(&format!(" + {} more...", tags.len() - 5));
            }
            let updated = ago(now, tags.first().map(|(_, c)| c.as_str()));
            let repo = is["status"]["dockerImageRepository"]
                .as_str()
                .unwrap_or_default();
            json!({"cells": [is["metadata"]["name"], repo, cell, updated], "object": partial(is)})
        })
        .collect();
    table(
        list_meta(v),
        vec![
            col("Name", "name", NAME_DESC, 0),
            col(
                "Image Repository",
                "",
                "DockerImageRepository represents the effective location this stream may be accessed at. May be empty until the server determines where the repository is located",
                0,
            ),
            col("Tags", "", "Human readable list of tags.", 0),
            col("Updated", "", "Last update time.", 0),
        ],
        rows,
    )
}

/// Imagestreamtags: Name, Image Reference, Updated, Image Name (wide).
pub fn imagestreamtags(v: &Value, now: Timestamp) -> Value {
    let rows = items(v)
        .iter()
        .map(|t| {
            json!({"cells": [
                t["metadata"]["name"],
                t["image"]["dockerImageReference"],
                ago(now, t["metadata"]["creationTimestamp"].as_str()),
                t["image"]["metadata"]["name"],
            ], "object": partial(t)})
        })
        .collect();
    table(
        json!({}),
        vec![
            col("Name", "name", NAME_DESC, 0),
            col(
                "Image Reference",
                "",
                "DockerImageReference is the string that can be used to pull this image.",
                0,
            ),
            col("Updated", "", "Last update time.", 0),
            col(
                "Image Name",
                "",
                "image associated with the ImageStream and tag.",
                1,
            ),
        ],
        rows,
    )
}

/// Any other resource: Name and Created At, like the apiserver's default table.
pub fn default(v: &Value, now: Timestamp) -> Value {
    let _ = now;
    let rows = items(v)
        .iter()
        .map(|o| {
            json!({"cells": [o["metadata"]["name"], o["metadata"]["creationTimestamp"]], "object": partial(o)})
        })
        .collect();
    table(
        list_meta(v),
        vec![
            col("Name", "name", NAME_DESC, 0),
            json!({"name": "Created At", "type": "date", "format": "", "description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "priority": 0}),
        ],
        rows,
    )
}

/// kube's `duration.HumanDuration` (apimachinery `util/duration`), the AGE of its printers.
fn short_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86400);
    match s {
        _ if s < 120 => format!("{s}s"),
        _ if m < 10 => match s % 60 {
            0 => format!("{m}m"),
            r => format!("{m}m{r}s"),
        },
        _ if m < 180 => format!("{m}m"),
        _ if h < 8 => match m % 60 {
            0 => format!("{h}h"),
            r => format!("{h}h{r}m"),
        },
        _ if h < 48 => format!("{h}h"),
        _ if h < 192 => match h % 24 {
            0 => format!("{d}d"),
            r => format!("{d}d{r}h"),
        },
        _ if d < 365 * 2 => format!("{d}d"),
        _ if d < 365 * 8 => match d % 365 {
            0 => format!("{}y", d / 365),
            r => format!("{}y{r}d", d / 365),
        },
        _ => format!("{}y", d / 365),
    }
}

/// RoleBindings: Name, Role (`ClusterRole/system:image-puller`), Age; Users, Groups and
/// ServiceAccounts in the wide output, as kube-apiserver's printers do.
pub fn rolebindings(v: &Value, now: Timestamp) -> Value {
    let rows = items(v)
        .iter()
        .map(|rb| {
            let subjects = |kind: &str| -> String {
                rb["subjects"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|s| s["kind"] == kind)
                    .map(|s| match (kind, s["namespace"].as_str()) {
                        ("ServiceAccount", Some(ns)) => {
                            format!("{ns}/{}", s["name"].as_str().unwrap_or_default())
                        }
                        _ => s["name"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let role = format!(
                "{}/{}",
                rb["roleRef"]["kind"].as_str().unwrap_or_default(),
                rb["roleRef"]["name"].as_str().unwrap_or_default()
            );
            let age = rb["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| t.parse::<Timestamp>().ok())
                .map(|t| short_duration(now.as_second() - t.as_second()))
                .unwrap_or_else(|| "<unknown>".into());
            json!({"cells": [rb["metadata"]["name"], role, age, subjects("User"),
                subjects("Group"), subjects("ServiceAccount")], "object": partial(rb)})
        })
        .collect();
    table(
        list_meta(v),
        vec![
            col("Name", "name", NAME_DESC, 0),
            col("Role", "", "", 0),
            col("Age", "", "", 0),
            col("Users", "", "", 1),
            col("Groups", "", "", 1),
            col("ServiceAccounts", "", "", 1),
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_go_units() {
        assert_eq!(human_duration(34), "34 seconds");
        assert_eq!(human_duration(70), "About a minute");
        assert_eq!(human_duration(5 * 3600), "5 hours");
        assert_eq!(human_duration(25 * 3600), "25 hours");
        assert_eq!(human_duration(4 * 24 * 3600), "4 days");
        assert_eq!(human_duration(40 * 24 * 3600), "5 weeks");
    }

    #[test]
    fn imagestream_tags_cell() {
        let now: Timestamp = "2026-11-22T16:03:12Z".parse().unwrap();
        let is = json!({"metadata": {"name": "myapp"}, "status": {"dockerImageRepository": "r/myapp", "tags": [
            {"tag": "a", "items": [{"created": "2026-11-22T16:02:30Z"}]},
            {"tag": "b", "items": [{"created": "2026-11-22T16:02:38Z"}]},
            {"tag": "c", "items": [{"created": "2026-11-22T16:02:38Z"}]},
            {"tag": "d", "items": [{"created": "2026-11-22T16:02:31Z"}]},
            {"tag": "e", "items": [{"created": "2026-11-22T16:02:32Z"}]},
            {"tag": "f", "items": [{"created": "2026-11-22T16:02:33Z"}]},
            {"tag": "g", "items": null}
        ]}});
        let t = imagestreams(
            &json!({"metadata": {"resourceVersion": "1"}, "items": [is]}),
            now,
        );
        assert_eq!(t["rows"][0]["cells"][2], "b,c,f,e,d + 1 more...");
        assert_eq!(t["rows"][0]["cells"][3], "34 seconds ago");
    }
}
