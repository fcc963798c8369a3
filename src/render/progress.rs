//! Progress bars on stderr (indicatif), drawn only when stderr is a terminal: a long read or a
//! long run says what it is doing, and pipes and CronJob logs get nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` steps labelled `what` ("deleting", "reading image sizes"); hidden unless
/// `show` and stderr is a terminal.
pub fn bar(len: u64, what: &str, show: bool) -> ProgressBar {
    if !show || len == 0 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {{wide_msg}}");
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}
