//! Rendering of `list` from recorded API objects, with a fixed clock.

use jiff::Timestamp;
use prunetags::inventory::{TagKind, inventory};
use prunetags::model::ImageStream;
use prunetags::render::{
    Layout, Palette,
    history::history,
    output,
    table::{TableOptions, list_table},
};

fn recorded(name: &str) -> ImageStream {
    let path = format!(
        "{}/tests/fixtures/openshift-4.13/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn now() -> Timestamp {
    "2026-11-22T22:02:38Z".parse().unwrap()
}

#[test]
fn tags_sort_latest_then_semver_descending_then_others() {
    let inv = inventory(&[recorded("110-get-imagestream-myapp.json")]);
    let tags: Vec<&str> = inv.items[0].tags.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(tags[0], "latest", "latest comes first, as in oc describe");
    let tags = &tags[1..];
    let semver: Vec<&str> = tags
        .iter()
        .copied()
        .filter(|t| t.starts_with('v'))
        .collect();
    assert_eq!(&tags[..semver.len()], &semver[..], "semver tags come next");
    assert_eq!(semver.first(), Some(&"v2.1.8"));
    assert_eq!(semver.last(), Some(&"v2.0.1"));
    // v2.0.10-style numeric order, not string order, would put v2.0.9 before v2.0.10; the
    // recording stops at v2.0.9, so check the precedence pairwise instead.
    for w in semver.windows(2) {
        let a = prunetags::version::parse(w[0]).unwrap();
        let b = prunetags::version::parse(w[1]).unwrap();
        assert!(a.cmp_precedence(&b).is_gt(), "{} before {}", w[0], w[1]);
    }
    assert_eq!(&tags[semver.len()..], &["stable"]);
    let stable = inv.items[0]
        .tags
        .iter()
        .find(|t| t.tag == "stable")
        .unwrap();
    assert_eq!(stable.kind, TagKind::Other);
    assert_eq!(stable.source.from.as_ref().unwrap().name, "myapp:v2.1.8");
}

#[test]
fn table_snapshot() {
    let inv = inventory(&[recorded("110-get-imagestream-myapp.json")]);
    let text = list_table(
        &inv,
        &TableOptions {
            wide: false,
            namespaces: false,
        },
        Palette::plain(),
        Layout::boxed(),
        now(),
    );
    insta::assert_snapshot!(text);
}

#[test]
fn history_snapshot() {
    let inv = inventory(&[recorded("110-get-imagestream-myapp.json")]);
    insta::assert_snapshot!(history(&inv, Palette::plain(), now()));
}

#[test]
fn history_marks_current_and_lists_older_revisions() {
    let is = recorded("110-get-imagestream-myapp.json");
    let latest = is.status_tag("latest").unwrap().revisions().to_vec();
    let text = history(&inventory(&[is]), Palette::plain(), now());
    let block = text.split("\nlatest\n").nth(1).unwrap();
    assert!(block.starts_with("  no spec tag\n\n"), "{block}");
    assert!(block.contains(&format!(
        "  * {}\n      6 hours ago",
        latest[0].docker_image_reference
    )));
    assert!(block.contains(&format!("    {}\n", latest[1].docker_image_reference)));
}

#[test]
fn colours_only_when_enabled() {
    let inv = inventory(&[recorded("110-get-imagestream-myapp.json")]);
    let opts = TableOptions {
        wide: false,
        namespaces: false,
    };
    let plain = list_table(&inv, &opts, Palette::plain(), Layout::boxed(), now());
    assert!(!plain.contains('\u{1b}'));
    let coloured = list_table(
        &inv,
        &opts,
        Palette { enabled: true },
        Layout::boxed(),
        now(),
    );
    assert!(coloured.contains("\u{1b}[38;5;2m"), "semver tags are green");
    assert!(coloured.contains("\u{1b}[38;5;6m"), "other tags are cyan");
    assert!(
        coloured.contains("\u{1b}[38;5;3m"),
        "more than 3 revisions is yellow"
    );
}

#[test]
fn names_output_feeds_oc_delete() {
    let inv = inventory(&[recorded("110-get-imagestream-myapp.json")]);
    let names = output::names(&inv, false);
    assert!(
        names
            .lines()
            .all(|l| l.starts_with("imagestreamtag/myapp:"))
    );
    assert!(names.contains("imagestreamtag/myapp:v2.1.8\n"));
}

#[test]
fn json_schema_round_trips() {
    let inv = inventory(&[recorded("110-get-imagestream-myapp.json")]);
    let json = output::json(&inv).unwrap();
    let back: prunetags::inventory::Inventory = serde_json::from_str(&json).unwrap();
    assert_eq!(back, inv);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["kind"], "ImageStreamInventory");
    assert_eq!(v["apiVersion"], "prunetags.openshift.io/v1alpha2");
    assert_eq!(v["items"][0]["tags"][0]["kind"], "other", "latest first");
    assert_eq!(v["items"][0]["tags"][1]["kind"], "semver");
    assert!(
        v["items"][0]["tags"][0]["revisions"][0]["image"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
}

#[test]
fn an_alias_of_a_pushed_tag_keeps_its_own_section_like_oc_describe() {
    let mut is = recorded("110-get-imagestream-myapp.json");
    // `stable` is tagged from myapp:v2.1.8, a pushed tag (no spec tag): oc prints it on its own.
    let text = history(
        &inventory(std::slice::from_ref(&is)),
        Palette::plain(),
        now(),
    );
    assert!(text.contains("\nv2.1.8\n  no spec tag\n"), "{text}");
    let stable = is.status_tag("stable").unwrap().revisions()[0].clone();
    assert!(
        text.contains(&format!(
            "\nstable\n  tagged from myapp:v2.1.8\n\n  * {}\n",
            stable.docker_image_reference
        )),
        "{text}"
    );
    // From another namespace, the namespace is named.
    is.spec.tags.as_mut().unwrap()[0]
        .from
        .as_mut()
        .unwrap()
        .namespace = Some("elsewhere".into());
    let text = history(&inventory(&[is]), Palette::plain(), now());
    assert!(
        text.contains("\nstable\n  tagged from elsewhere/myapp:v2.1.8\n"),
        "{text}"
    );
}

#[test]
fn the_table_view_keeps_only_the_current_revision_and_the_count() {
    use prunetags::inventory::{Detail, stream_view};
    let is = recorded("110-get-imagestream-myapp.json");
    let full = stream_view(&is, Detail::History);
    let lean = stream_view(&is, Detail::Current);
    let latest = |v: &prunetags::inventory::StreamView| {
        v.tags.iter().find(|t| t.tag == "latest").cloned().unwrap()
    };
    assert_eq!(latest(&full).revisions.len(), 20);
    assert_eq!(latest(&lean).revisions.len(), 1);
    assert_eq!(latest(&lean).revision_count, 20);
    assert_eq!(latest(&lean).current(), latest(&full).current());
    let opts = TableOptions {
        wide: true,
        namespaces: false,
    };
    let (a, b) = (
        prunetags::inventory::from_views(vec![full]),
        prunetags::inventory::from_views(vec![lean]),
    );
    assert_eq!(
        list_table(&a, &opts, Palette::plain(), Layout::boxed(), now()),
        list_table(&b, &opts, Palette::plain(), Layout::boxed(), now())
    );
}
