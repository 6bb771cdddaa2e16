//! Errors that stop a command from running at all (exit code 2), as opposed to diagnostics.

use std::fmt;
use std::path::Path;

/// A reason errbook could not do its job: a missing directory, an unwritable output, ...
#[derive(Debug)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }

    /// An I/O failure on a path, worded for the person who has to fix it.
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        Error::new(format!("could not {action} {}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
