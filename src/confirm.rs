//! Asking before deleting. Whether we can ask is decided here from stdin and stderr, not left
//! to dialoguer: it reads keys from the terminal, so piping `y` into it does nothing, and it
//! fails when stderr is not a terminal.

use std::io::IsTerminal;

use dialoguer::{Confirm, MultiSelect};

use crate::error::{Error, Result};

/// Whether a person is there to answer: both stdin and stderr are terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question` (default No). `Ok(false)` when the user says no.
pub fn ask(question: &str) -> Result<bool> {
    Confirm::new()
        .with_prompt(question)
        .default(false)
        .wait_for_newline(true)
        .interact()
        .map_err(|e| failed_to_ask(e, "could not ask for confirmation"))
}

/// Lets the user deselect items (all selected at first); returns the indices kept.
pub fn choose(prompt: &str, items: &[String]) -> Result<Vec<usize>> {
    let defaults = vec![true; items.len()];
    MultiSelect::new()
        .with_prompt(prompt)
        .items(items)
        .defaults(&defaults)
        .interact()
        .map_err(|e| failed_to_ask(e, "could not ask which tags to delete"))
}

/// dialoguer's error, with the terminal restored. Ctrl-C reaches us twice: console reads it as
/// a key, raises SIGINT (→ [`on_interrupt`]) and returns `Interrupted`; both end the same way.
fn failed_to_ask(e: dialoguer::Error, what: &str) -> Error {
    let dialoguer::Error::IO(io) = &e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        interrupted();
    }
    restore_cursor();
    Error::refused(format!("{what}: {e}"))
}

/// Whether a prompt may be on screen: set until [`applying`] is called.
static PROMPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// From now on a signal stops the apply instead of ending the process.
pub fn applying() {
    PROMPTING.store(false, std::sync::atomic::Ordering::SeqCst);
}

/// Called on SIGINT/SIGTERM. At the prompt nothing was deleted yet: restore the terminal
/// (dialoguer hides the cursor while it asks) and end with 130, as a shell reports Ctrl-C.
pub fn on_interrupt() {
    if !PROMPTING.load(std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    interrupted();
}

/// Set by the first thread that ends the process for an interrupt.
static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Ends the process: one line, exit 130. A second caller (the signal and the key arrive
/// together) waits for the first's exit instead of printing a second line.
fn interrupted() -> ! {
    if EXITING.swap(true, std::sync::atomic::Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    restore_cursor();
    eprintln!("\nerror: interrupted: nothing was deleted");
    std::process::exit(crate::error::exit::INTERRUPTED);
}

/// Shows the cursor again on a terminal.
pub fn restore_cursor() {
    if std::io::stderr().is_terminal() {
        use std::io::Write;
        let mut err = std::io::stderr();
        let _ = err.write_all(b"\x1b[?25h");
        let _ = err.flush();
    }
}
