//! What earlier online checks found, in `<root>/.errbook/cache/online/`: one JSON file per
//! request URL, with the validators (ETag, Last-Modified) to revalidate it and what was read
//! from the answer. A fresh entry is used without a request; `--offline-cache-only` uses every
//! entry, whatever its age.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::github::Facts;

/// Where the cache lives below the site root.
pub const CACHE_DIR: &str = ".errbook/cache/online";

/// Bumped when what an entry holds changes meaning; older entries are ignored.
const FORMAT: u32 = 1;

/// What a request came to, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// The resource answered 200 (after redirects).
    Found(Box<Document>),
    /// 404 or 410.
    Gone { status: u16 },
    /// No answer, or one worth nothing: DNS, connection, TLS, timeouts, redirect loops, 5xx.
    Unreachable { reason: String },
    /// The server answered but would not show the resource to errbook: 401, 403, 429...
    Refused { status: u16 },
}

impl Outcome {
    /// Whether a fresh entry settles the question: failures are asked again on every online
    /// run (they may be passing), and kept only for `--offline-cache-only`.
    pub fn is_settled(&self) -> bool {
        matches!(self, Outcome::Found(_) | Outcome::Gone { .. })
    }
}

/// What was read from a found resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Where it was found, after redirects.
    pub final_url: String,
    /// Where the cited URL permanently redirects to, if it does.
    pub moved_to: Option<String>,
    /// A web page's `<title>`.
    pub title: Option<String>,
    /// A web page's first `<h1>`.
    pub heading: Option<String>,
    /// An issue's or pull request's facts, from the GitHub API.
    pub github: Option<Facts>,
    /// The text signatures are looked for in, already normalized
    /// ([`super::compare::evidence_text`]).
    pub text: String,
    /// The next page of a paginated list (issue comments).
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub format: u32,
    /// The request URL; the file name is a hash of it.
    pub key: String,
    /// When it was last fetched or revalidated (Unix seconds).
    pub checked_at: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub outcome: Outcome,
}

impl Entry {
    pub fn new(key: &str, checked_at: i64, outcome: Outcome) -> Entry {
        Entry {
            format: FORMAT,
            key: key.to_string(),
            checked_at,
            etag: None,
            last_modified: None,
            outcome,
        }
    }

    /// Whether it can stand in for a request made at `now`, given the maximum age.
    pub fn is_fresh(&self, now: i64, max_age_hours: i64) -> bool {
        self.outcome.is_settled() && now - self.checked_at < max_age_hours * 3600
    }
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn open(root: &Path) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR),
        }
    }

    /// Whether any entry was ever written.
    pub fn exists(&self) -> bool {
        self.dir.is_dir()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir
            .join(format!("{:016x}.json", crate::check::fingerprint(key)))
    }

    /// The entry for a request URL. A missing, unreadable or foreign entry is no entry.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let bytes = fs::read(self.path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.format == FORMAT && entry.key == key).then_some(entry)
    }

    /// Writes an entry whole: into a temporary file, then renamed over the old one, so a
    /// reader (or a crash) never sees half of it.
    pub fn put(&self, entry: &Entry) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let path = self.path(&entry.key);
        let tmp = path.with_extension(format!(
            "tmp-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let bytes = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, &path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_foreign_ones_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path());
        assert!(!cache.exists());
        let doc = Document {
            final_url: "https://a.test/x".into(),
            title: Some("X".into()),
            text: "hello".into(),
            ..Document::default()
        };
        let mut entry = Entry::new("https://a.test/x", 100, Outcome::Found(Box::new(doc)));
        entry.etag = Some("\"v1\"".into());
        cache.put(&entry).unwrap();
        let back = cache.get("https://a.test/x").unwrap();
        assert_eq!(back.outcome, entry.outcome);
        assert_eq!(back.etag.as_deref(), Some("\"v1\""));
        assert!(cache.get("https://a.test/y").is_none());
        assert!(back.is_fresh(100 + 3599, 1));
        assert!(!back.is_fresh(100 + 3600, 1));
        assert!(!back.is_fresh(100, 0));
        let failed = Entry::new("k", 100, Outcome::Unreachable { reason: "r".into() });
        assert!(!failed.is_fresh(100, 24));
        fs::write(cache.path("https://a.test/x"), "{not json").unwrap();
        assert!(cache.get("https://a.test/x").is_none());
    }
}
