//! The committed completion scripts in the real shells, as a user meets them: bash with Debian's
//! bash-completion, zsh with `compinit`, fish; each in a pseudo-terminal, typing a command line,
//! pressing TAB and reading the screen (a vt100 emulator turns the shell's redraws into what a
//! person sees).
//!
//! What broke before (issue #15 item 3): bash completed nothing below a subcommand
//! (`prune --<TAB>`) because clap_complete spells a hyphenated bin name's state two ways
//! (clap-rs/clap#6421), and every shell offered the hidden `man` subcommand.
//!
//! The shells come from `.ci/setup` (apt: bash-completion, zsh, fish); in CI a missing shell is a
//! failure, elsewhere the test says it skipped.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::{PtyStream, UnixProcess};

const COLS: u16 = 200;
const ROWS: u16 = 50;
/// How long a shell may take to start, load the script and draw the completion.
const WAIT: Duration = Duration::from_secs(30);
const PROMPT: &str = "READY> ";
const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Clone, Copy, Debug)]
enum Sh {
    Bash,
    Zsh,
    Fish,
}

impl Sh {
    fn program(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
            Sh::Fish => "fish",
        }
    }

    /// The shell's path, or `None` (and a note) when it is not installed outside CI.
    fn find(self) -> Option<PathBuf> {
        let found = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(self.program()))
                .find(|p| p.is_file())
        });
        let ready = match self {
            Sh::Bash => found.filter(|_| Path::new(BASH_COMPLETION).is_file()),
            _ => found,
        };
        if ready.is_none() {
            let what = match self {
                Sh::Bash => "bash with bash-completion",
                other => other.program(),
            };
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{what} is not installed: .ci/setup installs it with apt");
            }
            eprintln!("skipping: {what} is not installed (.ci/setup installs it)");
        }
        ready
    }

    /// Lines that load the committed script for `name` the way README tells users to.
    fn setup(self, name: &str) -> String {
        let dir = repo().join("completions");
        match self {
            Sh::Bash => format!(
                "source {BASH_COMPLETION}; source {}\n",
                dir.join(format!("{name}.bash")).display()
            ),
            Sh::Zsh => format!(
                "fpath=({} $fpath); autoload -Uz compinit; compinit -u -D\n",
                dir.display()
            ),
            Sh::Fish => format!("source {}\n", dir.join(format!("{name}.fish")).display()),
        }
    }
}

/// An interactive shell on a pseudo-terminal.
struct Shell {
    session: Session<UnixProcess, PtyStream>,
    raw: Vec<u8>,
    what: String,
    _home: tempfile::TempDir,
}

impl Shell {
    /// Starts `sh` without the user's configuration, in an empty scratch directory (so a file
    /// name on the screen can only come from a wrong fallback to file completion), with the
    /// script for `name` loaded.
    fn start(sh: Sh, path: &Path, name: &str) -> Shell {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("a-file-not-a-flag.txt"), "").unwrap();
        let mut cmd = Command::new(path);
        match sh {
            Sh::Bash => cmd.args(["--norc", "--noprofile", "-i"]),
            Sh::Zsh => cmd.args(["-f", "-i"]),
            Sh::Fish => cmd.args(["--no-config", "-i"]),
        };
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_oc-prunetags"))
            .parent()
            .unwrap();
        let path_var = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        cmd.current_dir(home.path())
            .env_clear()
            .env("PATH", path_var)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .env("PS1", PROMPT)
            .env("PROMPT", PROMPT);
        let mut session = Session::spawn(cmd).expect("spawn the shell in a pseudo-terminal");
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("set the terminal size");
        let mut shell = Shell {
            session,
            raw: Vec::new(),
            what: format!("{} with completions/ for {name}", sh.program()),
            _home: home,
        };
        // expectrl's child turns the terminal's echo off before it runs the program, and
        // readline (bash) then draws nothing that is typed: a person's terminal echoes.
        shell.send("stty echo\n");
        if let Sh::Fish = sh {
            // fish has no PS1; its prompt is a function.
            shell.send(&format!("function fish_prompt; echo -n '{PROMPT}'; end\n"));
        }
        shell.send(&sh.setup(name));
        // A marker the shell prints once the script has loaded: everything typed after it is
        // completed by the loaded script.
        shell.send(
            "echo LOADED-$((6*7))\n"
                .replace("$((6*7))", sh.arith())
                .as_str(),
        );
        shell.wait_for("LOADED-42");
        // Typed before the shell reads the line again, the keys would be echoed by the
        // terminal driver rather than by the line editor.
        shell.wait_for(PROMPT.trim_end());
        std::thread::sleep(Duration::from_millis(200));
        shell
    }

    fn send(&mut self, text: &str) {
        self.session.write_all(text.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return,
                Ok(n) => self.raw.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    /// What the terminal shows now below the line the loading marker printed (the lines that
    /// loaded the script, with their paths, stay out of every match).
    fn screen(&self) -> String {
        let all = self.whole_screen();
        let lines: Vec<&str> = all.lines().collect();
        match lines.iter().rposition(|l| l.trim_end() == "LOADED-42") {
            Some(i) => lines[i + 1..].join("\n"),
            None => all,
        }
    }

    fn whole_screen(&self) -> String {
        let mut parser = vt100::Parser::new(ROWS, COLS, 0);
        parser.process(&self.raw);
        parser.screen().contents()
    }

    fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            self.pump();
            let screen = if needle == "LOADED-42" {
                self.whole_screen()
            } else {
                self.screen()
            };
            if screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > WAIT {
                let _ = self.session.get_process_mut().exit(true);
                panic!(
                    "{}: `{needle}` did not appear within {WAIT:?}\n----- screen -----\n{screen}\n------------------\nraw tail: {:?}",
                    self.what,
                    String::from_utf8_lossy(&self.raw[self.raw.len().saturating_sub(600)..])
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `line`, presses TAB `tabs` times, and returns the screen once `expect` shows.
    fn complete(&mut self, line: &str, tabs: usize, expect: &str) -> String {
        self.send(line);
        for _ in 0..tabs {
            std::thread::sleep(Duration::from_millis(300));
            self.send("\t");
        }
        self.wait_for(expect);
        // Let a late redraw land before the caller looks for what must not be there.
        std::thread::sleep(Duration::from_millis(500));
        self.pump();
        self.screen()
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        let _ = self.session.get_process_mut().exit(true);
    }
}

impl Sh {
    /// `6*7` in the shell's arithmetic syntax (fish has no `$((…))`).
    fn arith(self) -> &'static str {
        match self {
            Sh::Fish => "(math 6\\*7)",
            _ => "$((6*7))",
        }
    }
}

fn the_line(screen: &str, prefix: &str) -> String {
    screen
        .lines()
        .rev()
        .find(|l| l.contains(prefix))
        .unwrap_or("")
        .trim_end()
        .to_owned()
}

/// A flag below the subcommand completes: the bash bug left the line as typed.
fn a_subcommand_flag_completes(sh: Sh, name: &str) {
    let Some(path) = sh.find() else { return };
    let mut shell = Shell::start(sh, &path, name);
    let typed = format!("{name} prune --dry");
    let screen = shell.complete(&typed, 1, &format!("{name} prune --dry-run"));
    let line = the_line(&screen, &typed);
    assert!(line.ends_with("--dry-run"), "{sh:?}: {line:?}\n{screen}");
}

/// Several candidates below the subcommand: all are offered, and no file of the directory.
fn subcommand_flags_are_listed(sh: Sh, name: &str) {
    let Some(path) = sh.find() else { return };
    let mut shell = Shell::start(sh, &path, name);
    let tabs = match sh {
        // bash completes the common prefix on the first TAB and lists on the second.
        Sh::Bash => 2,
        _ => 1,
    };
    let screen = shell.complete(&format!("{name} prune --keep"), tabs, "--keep-younger-than");
    assert!(screen.contains("--keep-revisions"), "{sh:?}:\n{screen}");
    assert!(!screen.contains("a-file-not-a-flag"), "{sh:?}:\n{screen}");
}

/// The subcommands are offered, the hidden `man` is not.
fn subcommands_without_man(sh: Sh, name: &str) {
    let Some(path) = sh.find() else { return };
    let mut shell = Shell::start(sh, &path, name);
    let tabs = match sh {
        Sh::Bash => 2,
        _ => 1,
    };
    let screen = shell.complete(&format!("{name} "), tabs, "completion");
    for sub in ["list", "describe", "prune", "usage"] {
        assert!(
            screen.split_whitespace().any(|w| w == sub),
            "{sh:?}: {sub} missing:\n{screen}"
        );
    }
    assert!(
        !screen.split_whitespace().any(|w| w == "man"),
        "{sh:?} offers the hidden man:\n{screen}"
    );
}

/// The value of a flag with fixed choices below the subcommand.
fn a_flag_value_completes(sh: Sh, name: &str) {
    let Some(path) = sh.find() else { return };
    let mut shell = Shell::start(sh, &path, name);
    let typed = format!("{name} prune --order cr");
    let screen = shell.complete(&typed, 1, "--order created");
    assert!(
        the_line(&screen, &format!("{name} prune --order")).contains("--order created"),
        "{sh:?}:\n{screen}"
    );
}

macro_rules! in_every_shell {
    ($($test:ident: $check:ident($name:literal);)*) => {
        $(
            mod $test {
                use super::*;
                #[test]
                fn bash() {
                    $check(Sh::Bash, $name);
                }
                #[test]
                fn zsh() {
                    $check(Sh::Zsh, $name);
                }
                #[test]
                fn fish() {
                    $check(Sh::Fish, $name);
                }
            }
        )*
    };
}

in_every_shell! {
    oc_subcommand_flag: a_subcommand_flag_completes("oc-prunetags");
    kubectl_subcommand_flag: a_subcommand_flag_completes("kubectl-prunetags");
    oc_subcommand_flags_listed: subcommand_flags_are_listed("oc-prunetags");
    oc_subcommands_without_man: subcommands_without_man("oc-prunetags");
    kubectl_subcommands_without_man: subcommands_without_man("kubectl-prunetags");
    oc_flag_value: a_flag_value_completes("oc-prunetags");
}
