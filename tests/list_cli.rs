//! `list` run as a user would: the built binary against the simulator.

mod harness;

use harness::Harness;

#[test]
fn list_seed_shows_the_22_myapp_tags() {
    let h = Harness::seed();
    let out = h.run(&["list", "-l", "application=myapp"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(" myapp "))
        .collect();
    assert_eq!(rows.len(), 22, "{}", out.stdout);
    assert!(
        rows[0].contains("v2.1.8"),
        "newest version first: {}",
        rows[0]
    );
    assert!(rows[20].contains("v2.0.1"));
    assert!(rows[21].contains("latest"));
}
