//! The recorded OpenShift 4.13 namespace of `recordings/openshift-4.13-layers` (copied to
//! `tests/fixtures/openshift-4.13-layers`): its Images, streams and `/layers` answers, and the
//! truth computed from the Images (`truth-sizes.txt`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use prunetags::model::{Image, ImageStream};
use prunetags::usage::UsageReport;

pub const NAMESPACE: &str = "myproject";

pub fn layers_recording<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openshift-4.13-layers")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn recorded_items<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    let list: serde_json::Value = layers_recording(name);
    serde_json::from_value(list["items"].clone()).unwrap()
}

pub fn images() -> Vec<Image> {
    recorded_items("real-images.json")
}

pub fn streams() -> Vec<ImageStream> {
    recorded_items("real-imagestreams-myproject.json")
}

/// `truth-sizes.txt`, one section: the namespace total, (total, unique, shared) per stream,
/// and per tag (total, unique) as printed (MB, 4 significant digits).
pub struct Truth {
    pub total: u64,
    pub streams: BTreeMap<String, (u64, u64, u64)>,
    pub tags: BTreeMap<String, (String, String)>,
}

pub fn truth(with_config: bool) -> Truth {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openshift-4.13-layers/truth-sizes.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let header = format!(
        "== with_config={}:",
        if with_config { "True" } else { "False" }
    );
    let section: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with(&header))
        .take_while(|l| l.starts_with(&header) || !l.starts_with("=="))
        .collect();
    let words = |l: &str| -> Vec<String> { l.split_whitespace().map(str::to_owned).collect() };
    let total = words(section[0])[4].parse().unwrap();
    let (mut streams, mut tags) = (BTreeMap::new(), BTreeMap::new());
    for line in &section[1..] {
        let w = words(line);
        if w[0].ends_with(':') && line.contains('(') {
            let nums: Vec<u64> = line[line.find('(').unwrap() + 1..line.find(')').unwrap()]
                .split(" / ")
                .map(|n| n.parse().unwrap())
                .collect();
            streams.insert(
                w[0].trim_end_matches(':').to_owned(),
                (nums[0], nums[1], nums[2]),
            );
        } else if w.len() == 5 && w[1] == "total" {
            tags.insert(w[0].clone(), (w[2].clone(), w[4].clone()));
        }
    }
    Truth {
        total,
        streams,
        tags,
    }
}

/// Bytes as truth-sizes.txt prints them: MB (10^6) with 4 significant digits, like `%.4g`.
pub fn mb4(bytes: u64) -> String {
    let x = bytes as f64 / 1e6;
    if x == 0.0 {
        return "0MB".into();
    }
    let decimals = (3 - x.log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    format!("{s}MB")
}

/// Asserts that a report of the recorded namespace equals the truth, to the byte for the
/// namespace and the streams, and as printed for each tag.
pub fn check_against_truth(report: &UsageReport, truth: &Truth) {
    assert!(report.complete, "{:?}", report.unsized_images);
    assert_eq!(report.images, 37);
    assert_eq!(report.total, truth.total);
    assert_eq!(truth.streams.len(), 2);
    for (name, &(total, unique, shared)) in &truth.streams {
        let s = report.stream(NAMESPACE, name).unwrap();
        assert_eq!(
            (s.total, s.unique, s.shared),
            (total, unique, shared),
            "{name}"
        );
    }
    assert_eq!(truth.tags.len(), 35);
    for (key, (total, unique)) in &truth.tags {
        let (stream, tag) = key.split_once(':').unwrap();
        let t = report.stream(NAMESPACE, stream).unwrap().tag(tag).unwrap();
        assert_eq!((&mb4(t.total), &mb4(t.unique)), (total, unique), "{key}");
    }
}

/// Puts the recorded Images and streams into a simulator, as the real server held them.
pub fn load_into(sim: &prunetags::sim::Sim) {
    let (images, streams) = (images(), streams());
    sim.with_store(move |st| {
        for image in images {
            let created = image
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0)
                .unwrap_or_else(jiff::Timestamp::now);
            st.insert_image(image, created);
        }
        for stream in streams {
            st.insert_stream(stream);
        }
    });
}
