//! Errors that read like sentences, and the exit code each one maps to.

use std::fmt;

/// Exit codes, documented in `--help` and README.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Runtime failure: cluster, API, a partial prune.
    pub const FAILURE: i32 = 1;
    /// Usage error: a wrong flag, a bad regex, an unknown context.
    pub const USAGE: i32 = 2;
    /// Refused: the prompt was declined, or deletion without a TTY and without `--yes`.
    pub const REFUSED: i32 = 3;
    /// Interrupted (Ctrl-C, SIGTERM) at the prompt, before anything was deleted: 128 + SIGINT,
    /// what a shell reports for a command Ctrl-C ended.
    pub const INTERRUPTED: i32 = 130;
}

/// One error, one line: `what happened: why`, with the exit code it maps to.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    pub code: i32,
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            code: exit::USAGE,
        }
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            code: exit::FAILURE,
        }
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            code: exit::REFUSED,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
