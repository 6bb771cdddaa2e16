//! The typed page model: front matter and body of one error page.

use std::ops::Range;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::source::SourceFile;

/// A value from the page together with the byte span it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

/// One error page: where it lives, what its front matter says, and its parsed body.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: SourceFile,
    /// The directory under `content/`; also the first URL segment.
    pub tool: String,
    /// The file stem; unique across the site.
    pub slug: String,
    pub front: FrontMatter,
    pub body: crate::content::markdown::Body,
}

impl Page {
    /// The page's path below the site root, e.g. `litellm/no-deployments/`.
    pub fn path(&self) -> String {
        format!("{}/{}/", self.tool, self.slug)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrontMatter {
    /// Span of the whole front-matter block, for diagnostics about missing keys.
    pub span: Range<usize>,
    pub title: Spanned<String>,
    pub tool: Spanned<String>,
    pub category: Spanned<String>,
    pub signatures: Vec<Spanned<Signature>>,
    pub summary: Spanned<String>,
    pub quick_fix: Spanned<String>,
    pub updated: Spanned<Date>,
    pub validator: Option<Spanned<String>>,
    pub sources: Vec<Source>,
    pub related: Vec<Spanned<String>>,
    /// `draft: true`: left out of `build`, `check` and search unless drafts are asked for.
    pub draft: bool,
}

/// Text that identifies the error in a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signature {
    Literal(String),
    /// A regular expression, with the real messages it must match (`example:`), which the
    /// page shows as its error text and `check` tests the pattern against.
    Regex {
        pattern: String,
        examples: Vec<Spanned<String>>,
    },
}

impl Signature {
    /// A regex with no examples.
    pub fn regex(pattern: impl Into<String>) -> Self {
        Signature::Regex {
            pattern: pattern.into(),
            examples: Vec::new(),
        }
    }

    /// The literal, or the regex's pattern, as the author wrote it.
    pub fn text(&self) -> &str {
        match self {
            Signature::Literal(s) | Signature::Regex { pattern: s, .. } => s,
        }
    }

    /// The real messages of a regex signature; none for a literal (it is its own example).
    pub fn examples(&self) -> &[Spanned<String>] {
        match self {
            Signature::Literal(_) => &[],
            Signature::Regex { examples, .. } => examples,
        }
    }

    pub fn is_regex(&self) -> bool {
        matches!(self, Signature::Regex { .. })
    }
}

/// One piece of evidence a page rests on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    pub span: Range<usize>,
    pub id: Spanned<String>,
    pub url: Option<Spanned<String>>,
    pub title: Spanned<String>,
    pub date: Option<Spanned<Date>>,
    pub kind: Spanned<SourceKind>,
}

impl Source {
    /// For a `capture` source, the path of its file below the site's `static/` directory
    /// (the URL without its leading `/`); `None` for other kinds, or a URL that is not a
    /// site-relative path inside `static/` (the `bad-url` rule reports those).
    pub fn capture_path(&self) -> Option<&str> {
        if self.kind.value != SourceKind::Capture {
            return None;
        }
        capture_path(&self.url.as_ref()?.value).ok()
    }
}

/// The path below `static/` of a capture URL (`/captures/x.log` → `captures/x.log`), or why
/// the URL cannot name such a file.
pub fn capture_path(url: &str) -> Result<&str, &'static str> {
    if url.contains("://") || url.starts_with("//") {
        return Err("is a web address, not a file published with the site");
    }
    let Some(path) = url.strip_prefix('/') else {
        return Err("is not a site-relative path starting with `/`");
    };
    if path.is_empty() || path.ends_with('/') {
        return Err("names a directory, not a file");
    }
    if path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\'))
        || path.contains(['?', '#'])
    {
        return Err("is not a plain path of a file under `static/`");
    }
    Ok(path)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Issue,
    Pull,
    Docs,
    Changelog,
    Source,
    Forum,
    Blog,
    /// The program's own output, captured in a reproducible run and published with the site
    /// (`url` is a site-relative path of a file under `static/`).
    Capture,
}

impl SourceKind {
    pub const NAMES: [&'static str; 8] = [
        "issue",
        "pull",
        "docs",
        "changelog",
        "source",
        "forum",
        "blog",
        "capture",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "issue" => SourceKind::Issue,
            "pull" => SourceKind::Pull,
            "docs" => SourceKind::Docs,
            "changelog" => SourceKind::Changelog,
            "source" => SourceKind::Source,
            "forum" => SourceKind::Forum,
            "blog" => SourceKind::Blog,
            "capture" => SourceKind::Capture,
            _ => return None,
        })
    }

    /// The name used in front matter.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Issue => "issue",
            SourceKind::Pull => "pull",
            SourceKind::Docs => "docs",
            SourceKind::Changelog => "changelog",
            SourceKind::Source => "source",
            SourceKind::Forum => "forum",
            SourceKind::Blog => "blog",
            SourceKind::Capture => "capture",
        }
    }

    /// What readers see next to a source.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Issue => "Issue",
            SourceKind::Pull => "Pull request",
            SourceKind::Docs => "Documentation",
            SourceKind::Changelog => "Changelog",
            SourceKind::Source => "Source code",
            SourceKind::Forum => "Forum",
            SourceKind::Blog => "Blog",
            SourceKind::Capture => "Captured run",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::capture_path;

    #[test]
    fn capture_paths() {
        assert_eq!(capture_path("/captures/a.log"), Ok("captures/a.log"));
        for bad in [
            "https://x.org/a.log",
            "//x.org/a.log",
            "captures/a.log",
            "/",
            "/captures/",
            "/captures/../../etc/passwd",
            "/captures//a.log",
            "/captures/a.log#L3",
            "/captures\\a.log",
        ] {
            assert!(capture_path(bad).is_err(), "{bad}");
        }
    }
}
