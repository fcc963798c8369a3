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
        .map_err(|e| {
            restore_cursor();
            Error::refused(format!("could not ask for confirmation: {e}"))
        })
}

/// Lets the user deselect items (all selected at first); returns the indices kept.
pub fn choose(prompt: &str, items: &[String]) -> Result<Vec<usize>> {
    let defaults = vec![true; items.len()];
    MultiSelect::new()
        .with_prompt(prompt)
        .items(items)
        .defaults(&defaults)
        .interact()
        .map_err(|e| {
            restore_cursor();
            Error::refused(format!("could not ask which tags to delete: {e}"))
        })
}

/// Whether a prompt may be on screen: set until [`applying`] is called.
static PROMPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// From now on a signal stops the apply instead of ending the process.
pub fn applying() {
    PROMPTING.store(false, std::sync::atomic::Ordering::SeqCst);
}

/// Called on SIGINT/SIGTERM. At the prompt nothing was deleted yet: restore the terminal
/// (dialoguer hides the cursor while it asks) and end, as declining does (exit 3).
pub fn on_interrupt() {
    if !PROMPTING.load(std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    restore_cursor();
    eprintln!("\nerror: interrupted before anything was deleted");
    std::process::exit(3);
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
