//! Shared helpers of the simulator tests: a raw HTTPS client (kube's, over TLS) and recordings.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use http_body_util::BodyExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use prunetags::sim::Sim;
use serde_json::Value;

pub fn recordings() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openshift-4.13")
}

/// A kube client for the simulator with the given bearer token.
pub async fn client(sim: &Sim, token: &str) -> kube::Client {
    let yaml = prunetags::sim::kubeconfig::render(&sim.url(), sim.ca_pem(), token, "default");
    let kc = Kubeconfig::from_yaml(&yaml).unwrap();
    let mut cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    cfg.proxy_url = None;
    kube::Client::try_from(cfg).unwrap()
}

/// Sends a raw request; returns (status, JSON body or Null).
pub async fn send(
    client: &kube::Client,
    method: &str,
    path: &str,
    accept: Option<&str>,
    body: Option<&str>,
) -> (u16, Value) {
    let mut b = hyper::Request::builder().method(method).uri(path);
    b = b.header("accept", accept.unwrap_or("application/json"));
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    let req = b
        .body(kube::client::Body::from(
            body.unwrap_or_default().as_bytes().to_vec(),
        ))
        .unwrap();
    let resp = client
        .send(req)
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let code = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (code, v)
}

/// One recorded request: method, path (with query), user, accept header, body.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub name: String,
    pub method: String,
    pub path: String,
    pub user: String,
    pub accept: Option<String>,
    pub body: Option<String>,
    pub status: u16,
}

pub fn read_request(name: &str) -> Recorded {
    let text = std::fs::read_to_string(recordings().join(format!("{name}.request"))).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let (method, path) = first.split_once(' ').unwrap();
    let mut r = Recorded {
        name: name.to_owned(),
        method: method.to_owned(),
        path: path.to_owned(),
        user: String::new(),
        accept: None,
        body: None,
        status: 0,
    };
    let mut in_body = false;
    let mut body = String::new();
    for l in lines {
        if let Some(s) = l.strip_prefix("response-status: ") {
            r.status = s.trim().parse().unwrap();
            in_body = false;
        } else if in_body {
            body.push_str(l);
            body.push('\n');
        } else if let Some(u) = l.strip_prefix("user: ") {
            r.user = u.trim().to_owned();
        } else if let Some(a) = l.strip_prefix("accept: ") {
            r.accept = Some(a.trim().to_owned());
        } else if l.starts_with("request-body:") {
            in_body = true;
        }
    }
    if !body.trim().is_empty() {
        r.body = Some(body);
    }
    r
}

/// INDEX.tsv rows: (name, status, user, method, path).
pub fn index() -> Vec<(String, String, String, String, String)> {
    std::fs::read_to_string(recordings().join("INDEX.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 5).then(|| {
                (
                    f[0].into(),
                    f[1].into(),
                    f[2].into(),
                    f[3].into(),
                    f[4].into(),
                )
            })
        })
        .collect()
}

pub fn load(name: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(recordings().join(format!("{name}.json"))).unwrap(),
    )
    .unwrap()
}
