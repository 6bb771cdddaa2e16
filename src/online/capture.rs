//! `capture` sources: the program's output from a reproducible run, published under the
//! site's `static/`. They are read from disk, never requested, and always read whole.

use std::path::Path;

use super::compare::evidence_text;
use crate::content::Page;

/// The normalized text of one capture a page cites.
pub struct CaptureText<'a> {
    pub id: &'a str,
    /// `None` when the file could not be read (the offline `missing-capture` rule reports it).
    pub text: Option<String>,
}

/// Every `capture` source of the page, read from `<site root>/static/`.
pub fn read<'a>(root: &Path, page: &'a Page) -> Vec<CaptureText<'a>> {
    page.front
        .sources
        .iter()
        .filter_map(|source| {
            let path = source.capture_path()?;
            let text = std::fs::read(root.join("static").join(path))
                .ok()
                .map(|bytes| evidence_text(&String::from_utf8_lossy(&bytes)));
            Some(CaptureText {
                id: &source.id.value,
                text,
            })
        })
        .collect()
}
