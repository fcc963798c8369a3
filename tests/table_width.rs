//! Tables fit the terminal they are printed on (#15 item 4): `list`, `prune`'s plan and `usage`
//! in a real pseudo-terminal 80 and 200 columns wide, read back through a terminal emulator
//! (vt100); and kubectl's plain columns when stdout is a pipe, as `oc get` prints them.

mod harness;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::WaitStatus;
use harness::Harness;
use unicode_width::UnicodeWidthStr;

/// How long one run may take (a debug binary on two shared cores).
const WAIT: Duration = Duration::from_secs(60);
/// Tall enough for the seed's longest table, so the emulator's screen holds all of it.
const ROWS: u16 = 400;

/// Runs the binary on a pseudo-terminal `cols` wide until it exits; returns its exit code and
/// everything it wrote (escape sequences kept).
fn run_on_terminal(h: &Harness, args: &[&str], cols: u16) -> (i32, Vec<u8>) {
    let mut cmd = h.command();
    cmd.args(args)
        .env("TERM", "xterm-256color")
        .env_remove("COLUMNS")
        .env_remove("LINES");
    let mut session = Session::spawn(cmd).expect("spawn in a pseudo-terminal");
    // Set before the program draws anything: it first reads the namespace from the simulator.
    session
        .get_process_mut()
        .set_window_size(cols, ROWS)
        .expect("set the terminal size");
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let start = Instant::now();
    let mut code = None;
    loop {
        match session.try_read(&mut buf) {
            Ok(0) => {}
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                continue;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // EIO: the child closed the terminal.
            Err(_) => {}
        }
        if let Some(code) = code {
            return (code, raw);
        }
        if let Ok(WaitStatus::Exited(_, c)) = session.get_process().status() {
            // One more read for what it wrote just before exiting.
            code = Some(c);
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        assert!(
            start.elapsed() < WAIT,
            "{args:?} still running after {WAIT:?}:\n{}",
            String::from_utf8_lossy(&raw)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The table's lines as the program wrote them (before the terminal wrapped anything), without
/// escape sequences: the progress bars on stderr are erased lines, not table lines.
fn written_table_lines(raw: &[u8], cols: u16) -> Vec<String> {
    // The emulator keeps the final screen: what the user reads.
    let mut parser = vt100::Parser::new(ROWS, cols, 0);
    parser.process(raw);
    let screen = parser.screen().contents();
    assert!(screen.contains('┌'), "no table on the screen:\n{screen}");
    // Each line of the table as written: a line of the written text that holds box drawing.
    let text = String::from_utf8_lossy(&strip_ansi(raw)).into_owned();
    text.split(['\n', '\r'])
        .filter(|l| l.contains(['│', '┌', '└', '╞']))
        .map(str::to_owned)
        .collect()
}

/// The cells of the box-drawn rows (`│ a ┆ b │`), trimmed.
fn cells(lines: &[String]) -> Vec<Vec<String>> {
    lines
        .iter()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

fn strip_ansi(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == 0x1b {
            i += 1;
            if raw.get(i) == Some(&b'[') {
                i += 1;
                while i < raw.len() && !(0x40..=0x7e).contains(&raw[i]) {
                    i += 1;
                }
            }
            i += 1;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

fn assert_fits(lines: &[String], cols: u16, what: &str) {
    for l in lines {
        assert!(
            l.width() <= usize::from(cols),
            "{what}: a line {} wide on a terminal {cols} wide:\n{}",
            l.width(),
            lines.join("\n")
        );
    }
}

/// Every tag of the seed's streams, as the simulator holds them.
fn seed_tags(h: &Harness) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for stream in ["myapp", "frontend", "python"] {
        for tag in h.tags(stream) {
            out.push((stream.to_owned(), tag));
        }
    }
    out
}

/// Each tag is whole in its TAG cell on one line, in a row of its stream.
fn assert_tags_whole(rows: &[Vec<String>], h: &Harness, tag_column: usize, what: &str) {
    for (stream, tag) in seed_tags(h) {
        assert!(
            rows.iter()
                .any(|r| r.first() == Some(&stream) && r.get(tag_column) == Some(&tag)),
            "{what}: {stream}:{tag} is not whole on one line:\n{rows:?}"
        );
    }
}

#[test]
fn list_fits_80_columns_and_never_cuts_a_tag() {
    let h = Harness::seed();
    let (code, raw) = run_on_terminal(&h, &["list"], 80);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
    let lines = written_table_lines(&raw, 80);
    assert_fits(&lines, 80, "list");
    let rows = cells(&lines);
    assert_eq!(rows[0][..2], ["STREAM", "TAG"]);
    assert_tags_whole(&rows, &h, 1, "list at 80 columns");
    // What gave way is SOURCE, wrapped within its cell: "no spec tag" does not fit there.
    assert!(
        rows.iter().any(|r| r[0].is_empty() && !r[3].is_empty()),
        "{}",
        lines.join("\n")
    );
}

#[test]
fn list_at_200_columns_wraps_nothing_and_wide_fits() {
    let h = Harness::seed();
    let (code, raw) = run_on_terminal(&h, &["list"], 200);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
    let lines = written_table_lines(&raw, 200);
    let rows = cells(&lines);
    // Room for everything: one line per tag, no continuation line (an empty STREAM cell).
    assert!(
        rows.iter().all(|r| !r[0].is_empty()),
        "{}",
        lines.join("\n")
    );
    assert_eq!(rows.len() - 1, seed_tags(&h).len(), "{}", lines.join("\n"));
    // -o wide's pull specs are longer than 200 columns together: IMAGE REFERENCE gives way.
    let (code, raw) = run_on_terminal(&h, &["list", "-o", "wide"], 200);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
    let lines = written_table_lines(&raw, 200);
    assert_fits(&lines, 200, "list -o wide");
    assert_tags_whole(&cells(&lines), &h, 1, "list -o wide at 200 columns");
}

#[test]
fn the_prune_plan_fits_80_columns_and_untouched_is_not_white() {
    let h = Harness::seed();
    let (code, raw) = run_on_terminal(
        &h,
        &["prune", "--keep", "5", "--dry-run", "--color", "always"],
        80,
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
    let lines = written_table_lines(&raw, 80);
    assert_fits(&lines, 80, "prune's plan");
    let rows = cells(&lines);
    assert_eq!(rows[0][..3], ["STREAM", "TAG", "ACTION"]);
    assert_tags_whole(&rows, &h, 1, "the plan at 80 columns");
    // `untouched` (latest is not a version) in a colour readable on a light background too:
    // not white or light grey (ANSI 7 and 15, xterm-256's greys from 250 up).
    let mut parser = vt100::Parser::new(ROWS, 80, 0);
    parser.process(&raw);
    let screen = parser.screen();
    let mut seen = 0;
    for row in 0..ROWS {
        let line: String = (0..80)
            .filter_map(|c| screen.cell(row, c).map(|x| x.contents().to_owned()))
            .collect();
        let Some(at) = line.find("untouched") else {
            continue;
        };
        let col = line[..at].chars().count() as u16;
        let cell = screen.cell(row, col).unwrap();
        let light = matches!(cell.fgcolor(), vt100::Color::Idx(7 | 15 | 250..=255))
            || matches!(cell.fgcolor(), vt100::Color::Rgb(r, g, b) if r.min(g).min(b) >= 0xb0);
        assert!(!light, "untouched is drawn in {:?}", cell.fgcolor());
        seen += 1;
    }
    assert!(seen > 0, "no untouched row:\n{}", screen.contents());
}

/// With `--no-headers` the box-drawn plan starts with its first tag: nothing wraps at 200.
#[test]
fn the_prune_plan_at_200_columns_wraps_nothing_and_drops_its_header_on_request() {
    let h = Harness::seed();
    let args = ["prune", "--keep", "5", "--dry-run", "--no-headers"];
    let (code, raw) = run_on_terminal(&h, &args, 200);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
    let lines = written_table_lines(&raw, 200);
    assert_fits(&lines, 200, "prune's plan");
    let shown = lines.join("\n");
    let rows = cells(&lines);
    assert!(!shown.contains("ACTION"), "{shown}");
    assert!(rows.iter().all(|r| !r[0].is_empty()), "{shown}");
    assert_eq!(rows.len(), seed_tags(&h).len(), "{shown}");
}

#[test]
fn usage_fits_80_and_200_columns_with_or_without_its_header() {
    let h = Harness::seed();
    for cols in [80, 200] {
        for headers in [true, false] {
            let mut args = vec!["usage", "--revisions"];
            if !headers {
                args.push("--no-headers");
            }
            let (code, raw) = run_on_terminal(&h, &args, cols);
            assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
            let lines = written_table_lines(&raw, cols);
            assert_fits(&lines, cols, "usage --revisions");
            let header = lines.iter().any(|l| l.contains("STREAM / TAG / REVISION"));
            assert_eq!(header, headers, "{args:?}:\n{}", lines.join("\n"));
        }
    }
}

// ---- not a terminal ------------------------------------------------------------------------------

#[test]
fn piped_tables_are_plain_aligned_columns_as_oc_get_prints_them() {
    let h = Harness::seed();
    for args in [
        &["list"][..],
        &["list", "-o", "wide"],
        &["prune", "--keep", "5", "--dry-run"],
        &["usage"],
    ] {
        let run = h.run(args);
        run.assert_ok();
        let table: Vec<&str> = run
            .stdout
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .collect();
        assert!(
            !run.stdout.contains(['│', '┆', '─', '┌', '═']),
            "{args:?}: box drawing in a pipe:\n{}",
            run.stdout
        );
        assert!(
            table[0].starts_with("STREAM"),
            "{args:?}: header first:\n{}",
            run.stdout
        );
        assert!(
            table.iter().all(|l| l.trim_end() == *l),
            "{args:?}: trailing blanks"
        );
        // kubectl's tabwriter: a column starts at the same place on every line, three blanks
        // after the widest cell before it.
        let starts = |l: &str| -> Vec<usize> {
            let c: Vec<char> = l.chars().collect();
            (3..c.len())
                .filter(|&i| c[i] != ' ' && c[i - 3..i] == [' '; 3])
                .collect()
        };
        let columns = starts(table[0]);
        assert!(columns.len() >= 4, "{args:?}: {}", table[0]);
        for l in &table[1..] {
            for s in starts(l) {
                assert!(
                    columns.contains(&s),
                    "{args:?}: a cell at column {s} outside the header's columns {columns:?}:\n{}",
                    table.join("\n")
                );
            }
        }
    }
}

#[test]
fn no_headers_drops_the_header_row() {
    let h = Harness::seed();
    let with = h.run(&["list"]);
    with.assert_ok();
    let without = h.run(&["list", "--no-headers"]);
    without.assert_ok();
    let mut lines = with.stdout.lines();
    assert!(lines.next().unwrap().starts_with("STREAM"));
    assert_eq!(
        without.stdout.lines().collect::<Vec<_>>(),
        lines.collect::<Vec<_>>()
    );
    let plan = h.run(&["prune", "--keep", "5", "--dry-run", "--no-headers"]);
    plan.assert_ok();
    assert!(!plan.stdout.contains("ACTION"), "{}", plan.stdout);
    assert!(plan.stdout.starts_with("frontend "), "{}", plan.stdout);
}
