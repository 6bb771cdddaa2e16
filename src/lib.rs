//! errbook: a static site generator for error-troubleshooting knowledge bases.
//!
//! The pipeline, one module per stage: [`content`] loads and parses pages, [`site`] assembles
//! them, [`render`] produces the files, [`output`] writes them atomically; [`build`] sequences
//! the stages.

// A `Diagnostic` is the error value of many stages; it is returned on the failure path only,
// so its size (about 130 bytes) does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod cache_file;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod error;
pub mod fields;
pub mod init;
pub mod online;
pub mod output;
pub mod output_dir;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod theme;
pub mod validators;
pub mod yaml;

#[cfg(test)]
mod test_support;

pub use build::{BuildOptions, BuildOutcome, build};
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
