//! The site as the preview server serves it: every rendered file in memory, and the problems
//! of the tree it was built from. Immutable; a rebuild swaps in a new one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::output::{Contents, Sink};

use super::overlay;

/// Rendered files by site-relative path (`litellm/x/index.html`).
pub type Files = HashMap<String, Bytes>;

pub struct Snapshot {
    pub files: Arc<Files>,
    /// Error-level diagnostics of the tree, sorted; shown over every page while not empty.
    pub errors: Vec<Diagnostic>,
    /// Warnings of the tree, counted in the overlay's footer line.
    pub warnings: usize,
    /// The overlay's markup, made once per snapshot; `None` while the tree has no errors.
    pub overlay: Option<String>,
    /// Increases with every swap; the reload event carries it.
    pub generation: u64,
}

impl Snapshot {
    pub fn new(
        files: Arc<Files>,
        errors: Vec<Diagnostic>,
        warnings: usize,
        generation: u64,
    ) -> Snapshot {
        let overlay = (!errors.is_empty()).then(|| overlay::markup(&errors, warnings));
        Snapshot {
            files,
            errors,
            warnings,
            overlay,
            generation,
        }
    }
}

/// The current snapshot, shared by the request handlers and swapped by the rebuild worker.
/// Readers clone the `Arc` and drop the lock at once, so a swap never waits on a response.
#[derive(Clone)]
pub struct Live(Arc<RwLock<Arc<Snapshot>>>);

impl Live {
    pub fn new(snapshot: Snapshot) -> Live {
        Live(Arc::new(RwLock::new(Arc::new(snapshot))))
    }

    pub fn current(&self) -> Arc<Snapshot> {
        // A writer cannot panic while holding the lock (it only assigns), so poisoning is
        // impossible; recover the value anyway rather than fail a request.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn swap(&self, snapshot: Snapshot) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }
}

/// An output [`Sink`] that keeps the files in memory, for `serve`.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Files>,
}

impl MemorySink {
    pub fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, contents: Contents) -> Result<()> {
        let bytes = match contents {
            Contents::Bytes(bytes) => Bytes::from(bytes),
            Contents::Copy(from) => {
                Bytes::from(std::fs::read(&from).map_err(|e| Error::io("read", &from, e))?)
            }
        };
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sink_keeps_bytes_and_copies() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("a.css");
        std::fs::write(&from, "body{}").unwrap();
        let sink = MemorySink::default();
        sink.put("x/index.html", Contents::Bytes(b"<p>".to_vec()))
            .unwrap();
        sink.put("css/a.css", Contents::Copy(from)).unwrap();
        assert!(
            sink.put("b.css", Contents::Copy(tmp.path().join("missing")))
                .is_err()
        );
        let files = sink.into_files();
        assert_eq!(files["x/index.html"], Bytes::from_static(b"<p>"));
        assert_eq!(files["css/a.css"], Bytes::from_static(b"body{}"));
    }
}
