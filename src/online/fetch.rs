//! One request of `check --online` through the cache: a fresh entry answers without the
//! network, a stale one is revalidated, and what an answer says is read into a [`Document`].

use super::cache::{Cache, Document, Entry, Outcome};
use super::compare::evidence_text;
use super::http::{Answer, Client, Conditional, Fetched};
use super::{github, html};

/// How a resource is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `GET /repos/{o}/{r}/issues/{n}` or `/pulls/{n}`.
    Issue,
    /// One page of `GET .../issues/{n}/comments`.
    Comments,
    /// A file's raw content.
    Raw,
    /// A web page (or any other document).
    Page,
}

impl Kind {
    fn accept(self) -> &'static str {
        match self {
            Kind::Issue | Kind::Comments => "application/vnd.github+json",
            Kind::Raw => "text/plain, */*;q=0.5",
            Kind::Page => "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
        }
    }
}

/// Whether requests go out, or only the cache is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Online,
    CacheOnly,
}

/// Why a source has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchecked {
    /// GitHub's API budget is spent until this time (Unix seconds), if it said.
    RateLimited { reset: Option<i64> },
    /// `--offline-cache-only`, and no online run ever fetched it.
    NotCached,
}

/// What is known about one request URL.
#[derive(Debug, Clone)]
pub enum Checked {
    Known {
        outcome: Outcome,
        /// Answered from the cache, without a request.
        cached: bool,
        /// When the outcome was fetched or last revalidated (Unix seconds).
        checked_at: i64,
    },
    Unchecked(Unchecked),
}

pub struct Fetcher<'a> {
    pub client: Option<&'a Client>,
    pub cache: &'a Cache,
    pub mode: Mode,
    pub now: i64,
    pub max_age_hours: i64,
}

impl Fetcher<'_> {
    pub fn fetch(&self, key: &str, kind: Kind) -> Checked {
        let cached = self.cache.get(key);
        let client = match (self.mode, self.client) {
            (Mode::Online, Some(client)) => client,
            _ => {
                return match cached {
                    Some(entry) => known(entry, true),
                    None => Checked::Unchecked(Unchecked::NotCached),
                };
            }
        };
        if let Some(entry) = &cached
            && entry.is_fresh(self.now, self.max_age_hours)
        {
            return known(entry.clone(), true);
        }
        let conditional = match &cached {
            Some(Entry {
                outcome: Outcome::Found(_),
                etag,
                last_modified,
                ..
            }) => Conditional {
                etag: etag.as_deref(),
                last_modified: last_modified.as_deref(),
            },
            _ => Conditional::default(),
        };
        let answer = match client.get(key, kind.accept(), conditional) {
            Fetched::Answer(answer) => answer,
            Fetched::Failed(reason) => {
                return self.store(Entry::new(key, self.now, Outcome::Unreachable { reason }));
            }
            Fetched::RateLimited { reset } => {
                // An older result beats none; it is reported as what it is.
                return match cached.filter(|e| e.outcome.is_settled()) {
                    Some(entry) => known(entry, true),
                    None => Checked::Unchecked(Unchecked::RateLimited { reset }),
                };
            }
        };
        if answer.status == 304
            && let Some(mut entry) = cached.filter(|e| matches!(e.outcome, Outcome::Found(_)))
        {
            entry.checked_at = self.now;
            entry.etag = answer.etag.or(entry.etag);
            entry.last_modified = answer.last_modified.or(entry.last_modified);
            return self.store(entry);
        }
        let mut entry = Entry::new(key, self.now, outcome_of(&answer, kind));
        if matches!(entry.outcome, Outcome::Found(_)) {
            entry.etag = answer.etag;
            entry.last_modified = answer.last_modified;
        }
        self.store(entry)
    }

    /// Keeps the entry for later runs. A cache that cannot be written costs only speed.
    fn store(&self, entry: Entry) -> Checked {
        if let Err(e) = self.cache.put(&entry) {
            warn_once(&e);
        }
        known(entry, false)
    }
}

fn known(entry: Entry, cached: bool) -> Checked {
    Checked::Known {
        outcome: entry.outcome,
        cached,
        checked_at: entry.checked_at,
    }
}

fn warn_once(error: &std::io::Error) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        eprintln!(
            "warning: could not write the online cache ({}): {error}; the next run will ask again",
            super::cache::CACHE_DIR
        );
    });
}

/// What an answer (after redirects and retries) says about the resource.
fn outcome_of(answer: &Answer, kind: Kind) -> Outcome {
    match answer.status {
        200..=299 => match read_document(answer, kind) {
            Ok(document) => Outcome::Found(Box::new(document)),
            Err(reason) => Outcome::Unreachable { reason },
        },
        404 | 410 => Outcome::Gone {
            status: answer.status,
        },
        400..=499 => Outcome::Refused {
            status: answer.status,
        },
        300..=399 => Outcome::Unreachable {
            reason: format!(
                "answered {} without a usable Location",
                status_text(answer.status)
            ),
        },
        status => Outcome::Unreachable {
            reason: format!("answered {}", status_text(status)),
        },
    }
}

fn read_document(answer: &Answer, kind: Kind) -> Result<Document, String> {
    let mut document = Document {
        final_url: answer.url.clone(),
        moved_to: answer.moved_to.clone(),
        ..Document::default()
    };
    match kind {
        Kind::Issue => {
            let (facts, body) = github::read_issue(&answer.body)?;
            // The API's own redirects (a renamed repository) are not the page's URL moving;
            // `html_url` says where the issue lives now.
            document.moved_to = None;
            document.github = Some(facts);
            document.text = evidence_text(&body);
        }
        Kind::Comments => {
            document.moved_to = None;
            document.text = evidence_text(&github::read_comments(&answer.body)?);
            document.next = answer.link.as_deref().and_then(github::next_link);
        }
        Kind::Raw => document.text = evidence_text(&answer.body),
        Kind::Page => {
            let is_html = answer.content_type.as_deref().map_or_else(
                || answer.body.trim_start().starts_with('<'),
                |t| t.contains("html"),
            );
            if is_html {
                let page = html::read(&answer.body);
                document.title = page.title;
                document.heading = page.heading;
                document.text = evidence_text(&page.text);
            } else {
                document.text = evidence_text(&answer.body);
            }
        }
    }
    Ok(document)
}

/// `404 Not Found`, `503 Service Unavailable`...
pub fn status_text(status: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}
