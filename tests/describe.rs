//! `list --history` against what the real `oc describe is` (4.13) prints, and each of
//! `formatImageStreamTags`'s rules on streams built here; the table and JSON of the same streams.

use jiff::{SignedDuration, Timestamp};
use prunetags::inventory::{Inventory, SourceType, inventory};
use prunetags::model::ImageStream;
use prunetags::render::{
    Layout, Palette,
    history::history,
    output,
    table::{TableOptions, list_table},
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/oc-4.13-describe/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The recordings' own clock: the ages oc printed are relative to it.
fn recorded_at() -> Timestamp {
    fixture("recorded-at.txt").trim().parse().unwrap()
}

/// oc aligns with a tabwriter, we with spaces: a line holding a tab in oc's output is compared
/// with whitespace runs collapsed; every other line (the tag sections) must be identical.
fn assert_same_lines(ours: &str, oc: &str) {
    let collapse = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let ours: Vec<&str> = ours.lines().collect();
    let oc: Vec<&str> = oc.lines().collect();
    for (i, (a, b)) in ours.iter().zip(&oc).enumerate() {
        if b.contains('\t') {
            assert_eq!(collapse(a), collapse(b), "line {}", i + 1);
            // A continuation line (`\tkey=value`) must stay indented.
            assert_eq!(a.starts_with(' '), b.starts_with('\t'), "line {}", i + 1);
        } else {
            assert_eq!(a.trim_end(), b.trim_end(), "line {}", i + 1);
        }
    }
    assert_eq!(ours.len(), oc.len(), "line count");
}

fn render_recorded(stream: &str) -> String {
    let is: ImageStream = serde_json::from_str(&fixture(&format!("is-{stream}.json"))).unwrap();
    history(&inventory(&[is]), Palette::plain(), recorded_at())
}

#[test]
fn frontend_reads_like_oc_describe_is() {
    assert_same_lines(
        &render_recorded("frontend"),
        &fixture("oc-describe-is-frontend.txt"),
    );
}

#[test]
fn myapp_reads_like_oc_describe_is() {
    assert_same_lines(
        &render_recorded("myapp"),
        &fixture("oc-describe-is-myapp.txt"),
    );
}

#[test]
fn python_reads_like_oc_describe_is() {
    assert_same_lines(
        &render_recorded("python"),
        &fixture("oc-describe-is-python.txt"),
    );
}

#[test]
fn the_comparison_can_fail() {
    let oc = fixture("oc-describe-is-frontend.txt");
    let ours = render_recorded("frontend");
    let swapped = ours.replacen("3 weeks ago", "4 weeks ago", 1);
    let r = std::panic::catch_unwind(|| assert_same_lines(&swapped, &oc));
    assert!(r.is_err(), "a changed age must fail the comparison");
    let indented = ours.replacen("  no spec tag", "    no spec tag", 1);
    let r = std::panic::catch_unwind(|| assert_same_lines(&indented, &oc));
    assert!(r.is_err(), "tag lines are compared exactly");
}

// ---------------------------------------------------------------------------------------------
// Streams built here.

fn now() -> Timestamp {
    "2024-06-01T12:00:00Z".parse().unwrap()
}

fn hours_ago(h: i64) -> String {
    (now() - SignedDuration::from_hours(h)).to_string()
}

fn digest(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256:{:x}", Sha256::digest(seed.as_bytes()))
}

const REPO: &str = "image-registry.openshift-image-registry.svc:5000/ns";

/// A revision of `stream` `hours` ago, referenced by digest in the internal registry.
fn rev(stream: &str, seed: &str, hours: i64, generation: i64) -> Value {
    let d = digest(seed);
    json!({"created": hours_ago(hours), "dockerImageReference": format!("{REPO}/{stream}@{d}"),
           "image": d, "generation": generation})
}

fn stream(name: &str, spec_tags: Value, status_tags: Value) -> Value {
    json!({
        "apiVersion": "image.openshift.io/v1", "kind": "ImageStream",
        "metadata": {"name": name, "namespace": "ns", "creationTimestamp": hours_ago(24 * 30)},
        "spec": {"lookupPolicy": {"local": false}, "tags": spec_tags},
        "status": {"dockerImageRepository": format!("{REPO}/{name}"), "tags": status_tags}
    })
}

fn spec(name: &str, kind: &str, from: &str, generation: i64) -> Value {
    json!({"name": name, "annotations": null, "from": {"kind": kind, "name": from},
           "generation": generation, "importPolicy": {"importMode": "Legacy"},
           "referencePolicy": {"type": "Source"}})
}

fn inv(v: Value) -> Inventory {
    let is: ImageStream = serde_json::from_value(v).unwrap();
    inventory(&[is])
}

fn describe(v: Value) -> String {
    history(&inv(v), Palette::plain(), now())
}

/// The tag headings of a history, in order.
fn headings(text: &str) -> Vec<String> {
    let tags = text.split_once("\n\n").map_or("", |(_, t)| t);
    tags.lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .map(str::to_owned)
        .collect()
}

/// The lines under one heading, up to the next heading, trailing blank lines dropped.
fn section(text: &str, heading: &str) -> Vec<String> {
    let mut lines = text.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "no section {heading:?} in\n{text}");
    let mut out: Vec<String> = lines
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .map(str::to_owned)
        .collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// `edge`: pushed v1.0.0 and v2.0.0; `prod` ← `edge:v2.0.0`, `stage` ← `prod`, `qa` ←
/// `edge:stage`, each with a history of its own.
fn edge() -> Value {
    stream(
        "edge",
        json!([
            spec("prod", "ImageStreamTag", "edge:v2.0.0", 2),
            spec("stage", "ImageStreamTag", "prod", 3),
            spec("qa", "ImageStreamTag", "edge:stage", 4),
        ]),
        json!([
            {"tag": "prod", "items": [rev("edge", "b", 24 * 6, 2), rev("edge", "a", 24 * 20, 2)]},
            {"tag": "qa", "items": [rev("edge", "b", 24 * 3, 4)]},
            {"tag": "stage", "items": [rev("edge", "b", 24 * 4, 3)]},
            {"tag": "v1.0.0", "items": [rev("edge", "a", 24 * 30, 1)]},
            {"tag": "v2.0.0", "items": [rev("edge", "b", 24 * 8, 1)]},
        ]),
    )
}

#[test]
fn aliases_of_pushed_tags_and_their_chains_keep_their_own_sections() {
    let text = describe(edge());
    assert!(text.contains("\nTags:             5\n"), "{text}");
    assert_eq!(headings(&text), ["v2.0.0", "v1.0.0", "prod", "qa", "stage"]);
    let b = format!("{REPO}/edge@{}", digest("b"));
    let a = format!("{REPO}/edge@{}", digest("a"));
    assert_eq!(
        section(&text, "prod"),
        [
            "  tagged from edge:v2.0.0".to_owned(),
            String::new(),
            format!("  * {b}"),
            "      6 days ago".into(),
            format!("    {a}"),
            "      2 weeks ago".into(),
        ]
    );
    assert_eq!(section(&text, "stage")[0], "  tagged from prod");
    assert_eq!(section(&text, "stage")[3], "      4 days ago");
    assert_eq!(section(&text, "qa")[0], "  tagged from edge:stage");
    assert_eq!(section(&text, "qa")[3], "      3 days ago");
    assert_eq!(section(&text, "v2.0.0")[3], "      8 days ago");
}

#[test]
fn a_chain_ending_at_a_spec_tag_folds_into_its_heading() {
    // `base` is imported; `next` ← `base`, `last` ← `next`, `other` ← a tag in another stream.
    let text = describe(stream(
        "s",
        json!([
            spec("base", "DockerImage", "quay.io/x/base:1", 1),
            spec("next", "ImageStreamTag", "s:base", 1),
            spec("last", "ImageStreamTag", "next", 1),
            spec("other", "ImageStreamTag", "t:base", 1),
            spec("loop1", "ImageStreamTag", "loop2", 1),
            spec("loop2", "ImageStreamTag", "loop1", 1),
        ]),
        json!([
            {"tag": "base", "items": [rev("s", "x", 5, 1)]},
            {"tag": "last", "items": [rev("s", "x", 4, 1)]},
            {"tag": "next", "items": [rev("s", "x", 3, 1)]},
        ]),
    ));
    // Every tag is counted, the folded ones too.
    assert!(text.contains("\nTags:             6\n"), "{text}");
    assert_eq!(
        headings(&text),
        ["base (last, next)", "loop1", "loop2", "other"]
    );
    assert_eq!(section(&text, "other")[0], "  tagged from t:base");
    // The folded tags' own revisions are not printed: oc shows the target's only.
    assert_eq!(text.matches("  * ").count(), 1, "{text}");
}

#[test]
fn scheduled_imports_references_and_pins_are_worded_like_oc() {
    let mut scheduled = spec("sched", "DockerImage", "quay.io/x/y:1", 1);
    scheduled["importPolicy"]["scheduled"] = json!(true);
    let mut scheduled_ist = spec("sched-ist", "ImageStreamTag", "base:1", 1);
    scheduled_ist["importPolicy"]["scheduled"] = json!(true);
    let mut reference = spec("ref", "DockerImage", "quay.io/x/y:2", 5);
    reference["reference"] = json!(true);
    let mut reference_ist = spec("ref-ist", "ImageStreamTag", "base:2", 5);
    reference_ist["reference"] = json!(true);
    let mut reference_isi = spec("ref-isi", "ImageStreamImage", "base@sha256:abc", 5);
    reference_isi["reference"] = json!(true);
    let mut elsewhere = spec("elsewhere", "ImageStreamTag", "base:3", 1);
    elsewhere["from"]["namespace"] = json!("other");
    let mut here = spec("here", "ImageStreamTag", "base:4", 1);
    here["from"]["namespace"] = json!("ns");
    let pin = json!({"name": "pin", "annotations": null, "generation": 1,
                     "importPolicy": {}, "referencePolicy": {"type": "Source"}});
    let text = describe(stream(
        "s",
        json!([
            scheduled,
            scheduled_ist,
            reference,
            reference_ist,
            reference_isi,
            elsewhere,
            here,
            pin,
            spec("odd", "Custom", "thing", 1),
        ]),
        json!([]),
    ));
    let first = |tag: &str| section(&text, tag)[0].clone();
    assert_eq!(
        first("sched"),
        "  updates automatically from registry quay.io/x/y:1"
    );
    assert_eq!(first("sched-ist"), "  updates automatically from base:1");
    assert_eq!(first("ref"), "  reference to registry quay.io/x/y:2");
    assert_eq!(first("ref-ist"), "  reference to base:2");
    assert_eq!(first("ref-isi"), "  reference to image base@sha256:abc");
    assert_eq!(first("elsewhere"), "  tagged from other/base:3");
    assert_eq!(first("here"), "  tagged from base:4");
    assert_eq!(first("pin"), "  tag without source image");
    assert_eq!(first("odd"), "  updates from Custom thing");
    // A reference is never "importing", even with a newer generation than observed; a spec tag
    // without source neither. The others (generation 1, nothing observed) are.
    assert!(
        !section(&text, "ref")
            .iter()
            .any(|l| l.contains("importing"))
    );
    assert!(
        !section(&text, "pin")
            .iter()
            .any(|l| l.contains("importing"))
    );
    assert_eq!(
        section(&text, "sched"),
        [
            "  updates automatically from registry quay.io/x/y:1",
            "",
            "  ~ importing latest image ..."
        ]
    );
}

#[test]
fn import_failures_insecure_and_pullthrough_print_under_the_tag() {
    let mut t = spec("3.9", "DockerImage", "registry.example.com/py:3.9", 2);
    t["importPolicy"]["insecure"] = json!(true);
    t["referencePolicy"]["type"] = json!("Local");
    let text = describe(stream(
        "py",
        json!([t]),
        json!([{"tag": "3.9", "items": [rev("py", "old", 24 * 3, 2)], "conditions": [
            {"type": "ImportSuccess", "status": "False", "reason": "NotFound",
             "message": "registry.example.com/py:3.9: not found",
             "lastTransitionTime": hours_ago(2), "generation": 2}
        ]}]),
    ));
    assert_eq!(
        section(&text, "3.9"),
        [
            "  tagged from registry.example.com/py:3.9".to_owned(),
            "    will use insecure HTTPS or HTTP connections".into(),
            "    prefer registry pullthrough when referencing this tag".into(),
            String::new(),
            "  ! error: Import failed (NotFound): registry.example.com/py:3.9: not found".into(),
            "      2 hours ago".into(),
            format!("  * {REPO}/py@{}", digest("old")),
            "      3 days ago".into(),
        ]
    );
    // A successful import prints nothing.
    let mut v = stream(
        "py",
        json!([spec("3.9", "DockerImage", "r/py:3.9", 2)]),
        json!([{"tag": "3.9", "items": null, "conditions": [
            {"type": "ImportSuccess", "status": "True", "generation": 2}]}]),
    );
    let text = describe(v.clone());
    assert!(!text.contains("error"), "{text}");
    // Generation 2 observed by the condition: not importing; generation 3 is.
    assert!(!text.contains("importing"), "{text}");
    v["spec"]["tags"][0]["generation"] = json!(3);
    assert!(describe(v).contains("\n  ~ importing latest image ...\n"));
}

#[test]
fn an_empty_stream_has_no_tags() {
    let text = describe(stream("empty", json!(null), json!(null)));
    assert!(text.ends_with("\nImage Lookup:     local=false\nTags:             <none>\n"));
    assert!(!text.contains("Unique Images"), "{text}");
}

#[test]
fn labels_and_annotations_one_per_line() {
    let mut v = stream(
        "s",
        json!([]),
        json!([{"tag": "v1.0.0", "items": [rev("s", "a", 1, 1)]}]),
    );
    v["metadata"]["labels"] = json!({"team": "web", "application": "shop", "tier": "front"});
    v["metadata"]["annotations"] = json!({
        "openshift.io/display-name": "Shop",
        "description": "The web shop\nsecond line",
        "openshift.io/provider-display-name": "ACME",
    });
    v["spec"]["lookupPolicy"]["local"] = json!(true);
    v["status"]["publicDockerImageRepository"] = json!("registry.apps.example.com/ns/s");
    let text = describe(v);
    let header: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(
        header,
        [
            "Name:             s",
            "Namespace:        ns",
            "Created:          4 weeks ago",
            "Labels:           application=shop",
            "                  team=web",
            "                  tier=front",
            "Description:      The web shop",
            "                  second line",
            "Annotations:      openshift.io/display-name=Shop",
            "                  openshift.io/provider-display-name=ACME",
            "Image Repository: registry.apps.example.com/ns/s",
            "Image Lookup:     local=true",
            "Unique Images:    1",
            "Tags:             1",
        ]
    );
}

#[test]
fn a_tags_description_and_tags_annotations_come_before_its_revisions() {
    let mut t = spec("latest", "DockerImage", "quay.io/x/y:latest", 1);
    t["annotations"] = json!({"description": "Build and run apps", "tags": "builder,python",
                              "supports": "python:3.8,python", "sampleRepo": "https://git/x"});
    let text = describe(stream(
        "s",
        json!([t]),
        json!([{"tag": "latest", "items": [rev("s", "a", 1, 1)]}]),
    ));
    assert_eq!(
        &section(&text, "latest")[..7],
        [
            "  tagged from quay.io/x/y:latest",
            "",
            "  Build and run apps",
            "  Tags: builder, python",
            "  Supports: python:3.8, python",
            "  Example Repo: https://git/x",
            "",
        ]
    );
}

#[test]
fn the_image_id_follows_the_age_when_the_reference_names_another() {
    let d = digest("img");
    let list = digest("manifest list");
    let text = describe(stream(
        "s",
        json!([]),
        json!([{"tag": "v1.0.0", "items": [
            {"created": hours_ago(5), "dockerImageReference": "quay.io/x/y:1.0", "image": d, "generation": 1},
            {"created": hours_ago(30), "dockerImageReference": format!("quay.io/x/y@{list}"), "image": d, "generation": 1},
            {"created": hours_ago(50), "dockerImageReference": format!("quay.io/x/y@{d}"), "image": d, "generation": 1},
        ]}]),
    ));
    let lines = section(&text, "v1.0.0");
    assert_eq!(lines[3], format!("      5 hours ago  {d}"));
    assert_eq!(lines[5], format!("      30 hours ago  {d}"));
    assert_eq!(lines[7], "      2 days ago");
}

#[test]
fn tags_are_ordered_latest_minor_full_then_by_name() {
    let tags = [
        "stable",
        "v1.0.0",
        "3.8-ubi8",
        "latest",
        "v1.10.0",
        "3.8",
        "prod",
        "4.0",
        "v1.2.0-rc.1",
    ];
    let status: Vec<Value> = tags
        .iter()
        .map(|t| json!({"tag": t, "items": [rev("s", t, 1, 1)]}))
        .collect();
    let text = describe(stream("s", json!([]), Value::Array(status)));
    assert_eq!(
        headings(&text),
        [
            "latest",
            "4.0",
            "3.8",
            "3.8-ubi8",
            "v1.10.0",
            "v1.2.0-rc.1",
            "v1.0.0",
            "prod",
            "stable"
        ]
    );
}

#[test]
fn colour_only_when_enabled() {
    let inv = inv(edge());
    let plain = history(&inv, Palette::plain(), now());
    assert!(!plain.contains('\u{1b}'));
    let coloured = history(&inv, Palette { enabled: true }, now());
    assert!(coloured.contains('\u{1b}'));
    // Without the escapes, the same text.
    let stripped = regex::Regex::new("\u{1b}\\[[0-9;]*m")
        .unwrap()
        .replace_all(&coloured, "");
    assert_eq!(stripped, plain);
}

// ---------------------------------------------------------------------------------------------
// The table and JSON: every status and spec tag is a row / an item with its own source.

#[test]
fn the_table_has_a_row_per_tag_with_its_own_source() {
    let mut pin = json!({"name": "pin", "annotations": null, "generation": 1,
                         "importPolicy": {}, "referencePolicy": {"type": "Source"}});
    pin["annotations"] = json!({"prunetags.openshift.io/keep": "true"});
    let mut v = edge();
    v["spec"]["tags"].as_array_mut().unwrap().push(pin);
    let text = list_table(
        &inv(v),
        &TableOptions {
            wide: false,
            namespaces: false,
        },
        Palette::plain(),
        Layout::boxed(),
        now(),
    );
    let rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    let cells: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("v2.0.0", "no spec tag"),
            ("v1.0.0", "no spec tag"),
            ("pin", "tag without source image"),
            ("prod", "tagged from edge:v2.0.0"),
            ("qa", "tagged from edge:stage"),
            ("stage", "tagged from prod"),
        ]
    );
    let pin_row = rows.iter().find(|r| r[1] == "pin").unwrap();
    assert_eq!((pin_row[4].as_str(), pin_row[6].as_str()), ("<none>", "0"));
}

#[test]
fn json_is_v1alpha2_with_a_source_per_item() {
    let mut py: Value = serde_json::from_str(&fixture("is-python.json")).unwrap();
    py["spec"]["tags"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "pin", "annotations": {"a": "b"}, "importPolicy": {}, "referencePolicy": {"type": "Source"}}));
    let inv = inv(py);
    let text = output::json(&inv).unwrap();
    let back: Inventory = serde_json::from_str(&text).unwrap();
    assert_eq!(back, inv);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["apiVersion"], "prunetags.openshift.io/v1alpha2");
    let s = &v["items"][0];
    assert_eq!(s["imageLookupLocal"], false);
    assert_eq!(s["annotations"], json!({}));
    let tags: Vec<&str> = s["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["latest", "3.8", "3.8-ubi8", "pin"]);
    let latest = &s["tags"][0];
    assert!(latest.get("aliases").is_none());
    assert_eq!(
        latest["source"],
        json!({"type": "tagged", "from": {"kind": "ImageStreamTag", "name": "python:3.8-ubi8", "namespace": null},
               "text": "tagged from python:3.8-ubi8"})
    );
    assert_eq!(latest["revisionCount"], 3);
    assert_eq!(s["tags"][1]["source"]["type"], "scheduled");
    assert_eq!(
        s["tags"][1]["source"]["text"],
        "updates automatically from registry registry.redhat.io/ubi8/python-38:latest"
    );
    let pin = &s["tags"][3];
    assert_eq!(
        pin["source"],
        json!({"type": "withoutSource", "from": null, "text": "tag without source image"})
    );
    assert_eq!(pin["annotations"], json!({"a": "b"}));
    assert_eq!(pin["revisions"], json!([]));
    assert_eq!(inv.items[0].tags[3].source.type_, SourceType::WithoutSource);
    let pushed = &self::inv(edge()).items[0].tags[0];
    assert_eq!(pushed.source.type_, SourceType::Pushed);
    assert_eq!(pushed.source.from, None);
}
