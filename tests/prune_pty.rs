//! `prune` in a real pseudo-terminal: the plan, the dialoguer question, and the answers a person
//! types. Piping `y` into the binary does nothing (dialoguer reads keys from the terminal), so
//! these tests are the only ones that reach the confirmation path.
//!
//! Every wait has a deadline; a process still running at the end is killed and the test fails
//! with everything the terminal showed.

mod harness;

use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use expectrl::process::unix::{PtyStream, UnixProcess, WaitStatus};
use expectrl::{Expect, Session};
use harness::Harness;
use prunetags::sim::scenario::{make_image, sha_digest};

/// How long any one expected text may take to appear (a debug binary on two shared cores).
const WAIT: Duration = Duration::from_secs(30);

/// The 16 tags `--keep 5` deletes from the seed's myapp, oldest first.
fn stale_myapp_tags() -> Vec<String> {
    let mut v: Vec<String> = (1..=12).map(|p| format!("v2.0.{p}")).collect();
    v.extend((0..=3).map(|p| format!("v2.1.{p}")));
    v
}

fn seed_survivors() -> Vec<String> {
    let mut v: Vec<String> = (4..=8).map(|p| format!("v2.1.{p}")).collect();
    v.push("latest".into());
    v.sort();
    v
}

/// A child process on a pseudo-terminal (stdin, stdout and stderr are its slave side), and
/// everything it wrote, with terminal escape sequences removed for matching.
struct Pty {
    session: Session<UnixProcess, PtyStream>,
    raw: Vec<u8>,
    /// How far into the cleaned transcript earlier expectations matched.
    seen: usize,
    eof: bool,
    what: String,
}

impl Pty {
    /// On a terminal 200 columns wide: a size is always set, so that what wraps never depends on
    /// the environment the tests run in (a pseudo-terminal starts at 0×0, and the tables fit
    /// whatever width they find).
    fn spawn(h: &Harness, args: &[&str]) -> Pty {
        Pty::spawn_sized(h, args, 200)
    }

    /// As [`Pty::spawn`] on a terminal `cols` wide (and 24 lines). The size is set before the
    /// program has anything to draw: it first reads the whole namespace from the simulator.
    fn spawn_sized(h: &Harness, args: &[&str], cols: u16) -> Pty {
        let mut cmd = h.command();
        cmd.args(args)
            .env("TERM", "xterm-256color")
            .env_remove("COLUMNS")
            .env_remove("LINES");
        let what = format!("oc-prunetags {} (at {cols} columns)", args.join(" "));
        let mut session = Session::spawn(cmd).expect("spawn in a pseudo-terminal");
        session
            .get_process_mut()
            .set_window_size(cols, 24)
            .expect("set the terminal size");
        Pty {
            session,
            raw: Vec::new(),
            seen: 0,
            eof: false,
            what,
        }
    }

    /// Reads whatever is available without blocking.
    fn pump(&mut self) {
        let mut buf = [0u8; 4096];
        while !self.eof {
            match self.session.try_read(&mut buf) {
                Ok(0) => self.eof = true,
                Ok(n) => self.raw.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // EIO: the slave side is closed, the child is gone.
                Err(_) => self.eof = true,
            }
        }
    }

    /// The transcript so far, without escape sequences and carriage returns.
    fn text(&self) -> String {
        String::from_utf8_lossy(&strip_ansi(&self.raw)).into_owned()
    }

    fn fail(&mut self, why: &str) -> ! {
        let _ = self.session.get_process_mut().exit(true);
        self.pump();
        panic!(
            "{}: {why}\n----- terminal -----\n{}\n--------------------",
            self.what,
            self.text()
        );
    }

    /// Waits until `needle` appears after what earlier expectations matched.
    fn expect(&mut self, needle: &str) {
        let start = Instant::now();
        loop {
            self.pump();
            let clean = strip_ansi(&self.raw);
            if let Some(i) = find(&clean[self.seen.min(clean.len())..], needle.as_bytes()) {
                self.seen += i + needle.len();
                return;
            }
            if self.eof {
                self.fail(&format!("exited before printing {needle:?}"));
            }
            if start.elapsed() > WAIT {
                self.fail(&format!("{needle:?} did not appear within {WAIT:?}"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types `keys` (flushed at once), then gives the program a moment to read them.
    fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("write to the terminal");
        self.session.flush().expect("flush the terminal");
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Waits for the process to end; returns its exit code and the whole transcript.
    fn finish(self) -> (i32, String) {
        let (code, text, _) = self.finish_raw();
        (code, text)
    }

    /// As [`Pty::finish`], with the raw bytes (escape sequences kept) too.
    fn finish_raw(mut self) -> (i32, String, Vec<u8>) {
        let start = Instant::now();
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::StillAlive) => {}
                Ok(WaitStatus::Exited(_, code)) => {
                    // Output written just before exiting.
                    std::thread::sleep(Duration::from_millis(20));
                    self.pump();
                    return (code, self.text(), self.raw.clone());
                }
                Ok(other) => self.fail(&format!("ended with {other:?}")),
                Err(e) => self.fail(&format!("cannot get the exit status: {e}")),
            }
            if start.elapsed() > WAIT {
                self.fail(&format!("still running after {WAIT:?}"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// DELETEs of exactly `stream:tag` (a path *ending* in the name: v2.0.1 is not v2.0.10).
fn deletes_of(h: &Harness, stream: &str, tag: &str) -> usize {
    let suffix = format!("/imagestreamtags/{stream}:{tag}");
    h.sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with(&suffix))
        .count()
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Removes CSI (`ESC [ … final`), OSC (`ESC ] … BEL`) and two-byte escape sequences, and `\r`.
fn strip_ansi(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            0x1b => {
                i += 1;
                match raw.get(i) {
                    Some(b'[') => {
                        i += 1;
                        while i < raw.len() && !(0x40..=0x7e).contains(&raw[i]) {
                            i += 1;
                        }
                        i += 1;
                    }
                    Some(b']') => {
                        while i < raw.len() && raw[i] != 0x07 {
                            i += 1;
                        }
                        i += 1;
                    }
                    Some(_) => i += 1,
                    None => {}
                }
            }
            b'\r' => i += 1,
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

const QUESTION: &str = "Delete 16 tags in 1 image stream in namespace \"mynamespace\"";

#[test]
fn answering_no_deletes_nothing() {
    let h = Harness::seed();
    let before = h.sim.image_stream("mynamespace", "myapp").unwrap();
    let mut pty = Pty::spawn(&h, &["prune", "--keep", "5", "-l", "application=myapp"]);
    pty.expect("v2.0.1");
    pty.expect(QUESTION);
    pty.expect("[y/N]");
    pty.send("n");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 3, "declined is exit 3:\n{text}");
    assert!(text.contains("declined: nothing was deleted"), "{text}");
    assert_eq!(h.sim.count("DELETE", ""), 0);
    assert_eq!(h.sim.count("PUT", ""), 0);
    let after = h.sim.image_stream("mynamespace", "myapp").unwrap();
    assert_eq!(
        serde_json::to_value(&before).unwrap(),
        serde_json::to_value(&after).unwrap(),
        "the stream is unchanged"
    );
}

#[test]
fn enter_alone_takes_the_default_no() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(&h, &["prune", "--keep", "5", "-l", "application=myapp"]);
    pty.expect(QUESTION);
    pty.expect("[y/N]");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 3, "{text}");
    assert_eq!(h.sim.count("DELETE", ""), 0);
    assert_eq!(h.tags("myapp").len(), 22);
}

#[test]
fn answering_yes_deletes_the_16_stale_tags() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(&h, &["prune", "--keep", "5", "-l", "application=myapp"]);
    // The plan comes before the question.
    pty.expect("v2.1.8");
    pty.expect("v2.0.1");
    pty.expect(QUESTION);
    pty.expect("[y/N]");
    assert_eq!(
        h.sim.count("DELETE", ""),
        0,
        "nothing is sent before the answer"
    );
    pty.send("y");
    pty.send("\r");
    pty.expect("deleted 16, already gone 0, skipped 0, failed 0");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "{text}");
    assert_eq!(h.tags("myapp"), seed_survivors());
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 16);
    for tag in stale_myapp_tags() {
        assert_eq!(deletes_of(&h, "myapp", &tag), 1, "{tag}");
    }
}

#[test]
fn interactive_deselected_tag_survives() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(
        &h,
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "--interactive",
        ],
    );
    pty.expect("Tags to delete");
    // Deletions are listed in plan order, newest first: v2.1.3, v2.1.2, v2.1.1, …
    pty.expect("myapp:v2.1.3");
    pty.expect("myapp:v2.0.1");
    pty.send("\x1b[B"); // down: v2.1.2
    pty.send("\x1b[B"); // down: v2.1.1
    pty.send(" "); // deselect v2.1.1
    pty.send("\r");
    pty.expect("Delete 15 tags in 1 image stream");
    pty.expect("[y/N]");
    pty.send("y");
    pty.send("\r");
    pty.expect("deleted 15, already gone 0, skipped 0, failed 0");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "{text}");
    let mut want = seed_survivors();
    want.push("v2.1.1".into());
    want.sort();
    assert_eq!(h.tags("myapp"), want, "{text}");
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 15);
    assert_eq!(deletes_of(&h, "myapp", "v2.1.1"), 0);
}

/// A tag moved to another image between the plan shown and the answer: it is not deleted.
#[test]
fn tag_pushed_while_asking_is_skipped() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(&h, &["prune", "--keep", "5", "-l", "application=myapp"]);
    pty.expect("v2.0.3");
    pty.expect(QUESTION);
    pty.expect("[y/N]");
    let digest = sha_digest("manifest rebuilt v2.0.3");
    let reference =
        format!("image-registry.openshift-image-registry.svc:5000/mynamespace/myapp@{digest}");
    let image = make_image(
        &digest,
        &reference,
        &sha_digest("config rebuilt v2.0.3"),
        vec![(sha_digest("layer rebuilt v2.0.3"), 1_234_567)],
        jiff::Timestamp::now(),
    );
    h.sim.push("mynamespace", "myapp", "v2.0.3", image);
    pty.send("y");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "a skipped tag is not a failure:\n{text}");
    assert!(
        text.contains("deleted 15, already gone 0, skipped 1, failed 0"),
        "{text}"
    );
    assert!(
        text.contains("skipped myapp:v2.0.3 (mynamespace): changed since the plan"),
        "{text}"
    );
    let mut want = seed_survivors();
    want.push("v2.0.3".into());
    want.sort();
    assert_eq!(h.tags("myapp"), want);
    let is = h.sim.image_stream("mynamespace", "myapp").unwrap();
    assert_eq!(is.current("v2.0.3").unwrap().image, digest);
    assert_eq!(deletes_of(&h, "myapp", "v2.0.3"), 0);
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 15);

    // The next run plans again from what is there: v2.0.3 is still stale (by version), but
    // its new image is younger than the default 1h, so it stays...
    h.sim.reset_requests();
    let run = h.run(&["prune", "--keep", "5", "--yes", "-l", "application=myapp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(h.sim.count("DELETE", ""), 0, "{}", run.stderr);
    // ...until age protection is off: then it is the only thing left to delete.
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "--yes",
        "-l",
        "application=myapp",
        "--keep-younger-than",
        "0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(h.sim.count("DELETE", ""), 1);
    assert_eq!(deletes_of(&h, "myapp", "v2.0.3"), 1);
    assert_eq!(h.tags("myapp"), seed_survivors());
}

/// A tag someone else deleted while we asked: reached anyway, not a failure.
#[test]
fn tag_deleted_while_asking_is_already_gone() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(&h, &["prune", "--keep", "5", "-l", "application=myapp"]);
    pty.expect(QUESTION);
    pty.expect("[y/N]");
    let deleted = h
        .sim
        .with_store(|s| s.delete_istag("mynamespace", "myapp:v2.0.4", None).is_ok());
    assert!(deleted, "delete v2.0.4 behind the plan's back");
    pty.send("y");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("deleted 15, already gone 1, skipped 0, failed 0"),
        "{text}"
    );
    assert_eq!(h.tags("myapp"), seed_survivors());
    assert_eq!(
        deletes_of(&h, "myapp", "v2.0.4"),
        0,
        "the fresh read saw it gone"
    );
}

/// Ctrl-C while deleting: deletes in flight finish, no new one is sent, exit 1; a rerun
/// finishes the job.
#[test]
fn ctrl_c_stops_sending_and_a_rerun_finishes() {
    let h = Harness::new(prunetags::sim::SimOptions {
        latency: Duration::from_millis(150),
        ..prunetags::sim::SimOptions::default()
    });
    let mut pty = Pty::spawn(
        &h,
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "--concurrency",
            "1",
        ],
    );
    pty.expect(QUESTION);
    pty.expect("[y/N]");
    pty.send("y");
    pty.send("\r");
    pty.expect("deleting");
    let start = Instant::now();
    while h.sim.count("DELETE", "") < 2 {
        assert!(start.elapsed() < WAIT, "no DELETE was sent");
        std::thread::sleep(Duration::from_millis(10));
    }
    pty.send("\x03");
    let (code, text) = pty.finish();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("interrupted"), "{text}");
    let deleted = h.sim.count("DELETE", "");
    assert!((2..16).contains(&deleted), "{deleted} DELETEs\n{text}");
    let left = h.tags("myapp");
    assert_eq!(left.len(), 22 - deleted, "{text}");
    for tag in seed_survivors() {
        assert!(left.contains(&tag), "{tag} must survive");
    }

    h.sim.set_latency(Duration::ZERO);
    h.sim.reset_requests();
    let run = h.run(&["prune", "--keep", "5", "--yes", "-l", "application=myapp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(h.sim.count("DELETE", ""), 16 - deleted);
    assert_eq!(h.tags("myapp"), seed_survivors());
}

/// `-o json` on a terminal without `--yes`: the plan is shown (on stderr) before the question,
/// and the document follows the answer.
#[test]
fn json_output_shows_the_plan_before_asking() {
    let h = Harness::seed();
    // Wide enough that no WHY cell wraps (at 80 columns `stale (21 of 21)` takes two lines).
    let mut pty = Pty::spawn_sized(
        &h,
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "-o",
            "json",
        ],
        200,
    );
    pty.expect("ACTION");
    pty.expect("v2.0.1");
    pty.expect("stale (21 of 21)");
    pty.expect(QUESTION);
    pty.send("y");
    pty.send("\r");
    pty.expect("\"kind\": \"PruneRun\"");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "{text}");
    assert_eq!(h.tags("myapp"), seed_survivors());
}

/// Ctrl-C in the `--interactive` list: nothing is deleted, exit 130, one line saying so, and the
/// terminal gets its cursor back.
fn ctrl_c_in_the_list(cols: u16) {
    let h = Harness::seed();
    let mut pty = Pty::spawn_sized(
        &h,
        &["prune", "--keep", "5", "-l", "application=myapp", "-i"],
        cols,
    );
    pty.expect("Tags to delete");
    pty.expect("myapp:v2.0.1");
    pty.send("\x03");
    let (code, text, raw) = pty.finish_raw();
    assert_interrupted(code, &text, &raw, true);
    assert_eq!(h.sim.count("DELETE", ""), 0);
    assert_eq!(h.tags("myapp").len(), 22);
}

/// Ctrl-C at the y/N question: the same.
fn ctrl_c_at_the_question(cols: u16) {
    let h = Harness::seed();
    let mut pty = Pty::spawn_sized(
        &h,
        &["prune", "--keep", "5", "-l", "application=myapp"],
        cols,
    );
    pty.expect("[y/N]");
    pty.send("y");
    pty.send("\x03");
    let (code, text, raw) = pty.finish_raw();
    assert_interrupted(code, &text, &raw, false);
    assert_eq!(h.sim.count("DELETE", ""), 0);
    assert_eq!(h.tags("myapp").len(), 22);
}

/// Exit 130, `interrupted: nothing was deleted` once, and the cursor visible at the end:
/// `must_hide`: dialoguer is known to hide it (the list); then it must have been shown again.
fn assert_interrupted(code: i32, text: &str, raw: &[u8], must_hide: bool) {
    assert_eq!(code, 130, "{text}");
    assert_eq!(
        text.matches("interrupted: nothing was deleted").count(),
        1,
        "{text}"
    );
    let last_line = text.trim_end().lines().last().unwrap_or_default();
    assert_eq!(
        last_line, "error: interrupted: nothing was deleted",
        "{text}"
    );
    match find_last(raw, b"\x1b[?25l") {
        Some(hidden) => assert!(
            find_last(raw, b"\x1b[?25h").is_some_and(|shown| shown > hidden),
            "the cursor stays hidden: {text}"
        ),
        None => assert!(!must_hide, "the list did not hide the cursor: {text}"),
    }
}

#[test]
fn ctrl_c_in_the_list_restores_the_cursor_and_deletes_nothing_80_columns() {
    ctrl_c_in_the_list(80);
}

#[test]
fn ctrl_c_in_the_list_restores_the_cursor_and_deletes_nothing_200_columns() {
    ctrl_c_in_the_list(200);
}

#[test]
fn ctrl_c_at_the_question_restores_the_cursor_and_deletes_nothing_80_columns() {
    ctrl_c_at_the_question(80);
}

#[test]
fn ctrl_c_at_the_question_restores_the_cursor_and_deletes_nothing_200_columns() {
    ctrl_c_at_the_question(200);
}

/// `--interactive` across namespaces: each choice names its namespace.
#[test]
fn interactive_labels_carry_the_namespace_across_namespaces() {
    let h = Harness::seed();
    h.push_aged("otherns", "app", &[("v1.0.0", 48), ("v1.1.0", 48)]);
    let mut pty = Pty::spawn(&h, &["prune", "--keep", "1", "-A", "-i"]);
    pty.expect("Tags to delete");
    // The first page of the list (the terminal is 24 lines): frontend's and myapp's tags.
    pty.expect("mynamespace/frontend:v1.3.0");
    pty.expect("mynamespace/myapp:v2.1.7");
    pty.send("\x03");
    let (code, text) = pty.finish();
    assert_eq!(code, 130, "{text}");
    assert_eq!(h.sim.count("DELETE", ""), 0);
}

/// What a terminal `cols` wide shows after `raw` (the bottom 24 lines).
fn screen(raw: &[u8], cols: u16) -> String {
    let mut parser = vt100::Parser::new(24, cols, 0);
    parser.process(raw);
    parser.screen().contents()
}

/// Typing y, Backspace, n at the question: the screen shows the question once and the details
/// once above it. (A question wider than the terminal left a wrapped copy
/// per key: 4 after these keys.)
fn question_is_drawn_once(cols: u16) {
    let h = Harness::seed();
    let mut pty = Pty::spawn_sized(
        &h,
        &["prune", "--keep", "5", "-l", "application=myapp"],
        cols,
    );
    pty.expect(QUESTION);
    pty.expect("Delete 16 tags? [y/N]");
    for key in ["y", "\x7f", "n"] {
        pty.send(key);
    }
    pty.pump();
    let shown = screen(&pty.raw, cols);
    let question: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("[y/N]") || l.contains("[Y/n]"))
        .collect();
    assert_eq!(question.len(), 1, "at {cols} columns:\n{shown}");
    // dialoguer shows the answer as the default's case: `n` is [y/N] again (`y` was [Y/n]).
    assert_eq!(question[0].trim_end(), "Delete 16 tags? [y/N]", "{shown}");
    let details = shown.replace('\n', "");
    assert_eq!(
        details
            .matches("in 1 image stream in namespace \"mynamespace\" on context")
            .count(),
        1,
        "{shown}"
    );
    assert!(details.contains(", freeing "), "{shown}");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 3, "{text}");
    assert_eq!(h.sim.count("DELETE", ""), 0);
}

#[test]
fn the_question_is_drawn_once_at_80_columns() {
    question_is_drawn_once(80);
}

#[test]
fn the_question_is_drawn_once_at_200_columns() {
    question_is_drawn_once(200);
}

/// Long reads say what they are doing on a terminal (#15 item 7): usage's image reads and
/// prune's layer and image reads draw a bar on stderr; off a terminal nothing is drawn
/// (`tests/usage_cli.rs` `without_layers_access_usage_is_complete` asserts an empty stderr).
fn slow_large() -> Harness {
    Harness::new(prunetags::sim::SimOptions {
        scenario: prunetags::sim::Scenario::Large {
            streams: 12,
            tags: 6,
            revisions: 3,
        },
        latency: Duration::from_millis(40),
        ..prunetags::sim::SimOptions::default()
    })
}

fn reads_show_progress(args: &[&str], label: &str, cols: u16) {
    let h = slow_large();
    let mut pty = Pty::spawn_sized(&h, args, cols);
    pty.expect(label);
    let (code, text, _) = pty.finish_raw();
    assert_eq!(code, 0, "{text}");
}

#[test]
fn usage_reads_show_progress_80_columns() {
    reads_show_progress(&["usage", "--concurrency", "4"], "reading image sizes", 80);
}

#[test]
fn prune_dry_run_reads_show_progress_200_columns() {
    reads_show_progress(
        &["prune", "--keep", "2", "--dry-run", "--concurrency", "2"],
        "reading layers",
        200,
    );
}

/// `restore` asks as `prune` does: no is exit 3 and nothing written; yes restores.
#[test]
fn restore_asks_before_writing() {
    let h = Harness::seed();
    let run = h.run(&["prune", "myapp", "--keep", "5", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    h.sim.reset_requests();
    let mut pty = Pty::spawn(&h, &["restore", "--tags", "myapp:v2.0.1"]);
    pty.expect("myapp:v2.0.1");
    pty.expect("Restore 1 tag in context");
    pty.expect("[y/N]");
    pty.send("n");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("declined: nothing was restored"), "{text}");
    assert_eq!(h.sim.count("POST", ""), 0);
    assert!(!h.tags("myapp").contains(&"v2.0.1".to_owned()));

    let mut pty = Pty::spawn(&h, &["restore", "--tags", "myapp:v2.0.1"]);
    pty.expect("[y/N]");
    pty.send("y");
    pty.send("\r");
    pty.expect("restored  myapp:v2.0.1");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "{text}");
    assert!(h.tags("myapp").contains(&"v2.0.1".to_owned()));
}

// ---- policy writes (#18): `pin` and `policy set` ask on a terminal too ------------------------

#[test]
fn pin_shows_the_change_asks_and_writes_on_yes() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(&h, &["pin", "myapp:v2.0.3"]);
    pty.expect("prunetags.openshift.io/pinned: (none) → \"v2.0.3\"");
    pty.expect("Write 1 annotation change?");
    pty.expect("[y/N]");
    pty.send("y");
    pty.send("\r");
    pty.expect("Wrote 1 annotation change");
    let (code, text) = pty.finish();
    assert_eq!(code, 0, "{text}");
    assert_eq!(h.sim.count("PATCH", "/imagestreams/myapp"), 1);
    let a = h
        .sim
        .image_stream("mynamespace", "myapp")
        .unwrap()
        .metadata
        .annotations;
    assert_eq!(
        a.unwrap()
            .get("prunetags.openshift.io/pinned")
            .map(String::as_str),
        Some("v2.0.3")
    );
}

#[test]
fn policy_set_declined_writes_nothing() {
    let h = Harness::seed();
    let mut pty = Pty::spawn(&h, &["policy", "set", "myapp", "--keep", "3"]);
    pty.expect("prunetags.openshift.io/keep: (none) → \"3\"");
    pty.expect("[y/N]");
    pty.send("n");
    pty.send("\r");
    let (code, text) = pty.finish();
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("declined: nothing was changed"), "{text}");
    assert_eq!(h.sim.count("PATCH", ""), 0);
}
