//! Finds the page files under `content/` and parses them in parallel.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::content::{frontmatter, markdown, page::Page, parsed};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::source::{SourceFile, display_path};

/// Every page that parsed, and every problem met on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Leaves out the pages marked `draft: true`, and what was reported about their files.
    pub fn without_drafts(mut self) -> Loaded {
        let drafts: std::collections::HashSet<String> = self
            .pages
            .iter()
            .filter(|p| p.front.draft)
            .map(|p| p.file.display_path())
            .collect();
        if !drafts.is_empty() {
            self.pages.retain(|p| !p.front.draft);
            self.diagnostics.retain(|d| !drafts.contains(&d.file));
        }
        self
    }
}

/// Directory names that would collide with the site's own URLs.
pub const RESERVED_TOOLS: &[&str] = &["category", "search", "static", "css", "js", "api"];

/// Loads `root/content/<tool>/<slug>.md`, sorted by path.
pub fn load_pages(root: &Path) -> Result<Loaded> {
    Ok(load_pages_keeping(root, || None, false)?.0)
}

/// [`load_pages`], taking each unchanged file's parse from what `previous` reads (while the
/// content directory is walked); with `keep`, also what the next build should keep of this
/// one's pages (see [`parsed`]).
pub fn load_pages_keeping(
    root: &Path,
    previous: impl FnOnce() -> Option<parsed::Previous> + Send,
    keep: bool,
) -> Result<(Loaded, parsed::ToKeep)> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(Error::new(format!(
            "no content directory at {} (run `errbook new <tool>/<slug>` to start one)",
            content.display()
        )));
    }
    let mut paths = Vec::new();
    let mut loaded = Loaded::default();
    let mut unreadable = |path: &Path, why: String| {
        let shown = display_path(path.strip_prefix(root).unwrap_or(path));
        loaded.diagnostics.push(Diagnostic::file_error(
            "unreadable-file",
            &shown,
            1,
            1,
            format!("could not read {shown}: {why}"),
        ));
    };
    let (walked, previous) = rayon::join(|| walk_content(&content), previous);
    for entry in walked? {
        match entry {
            Walked::File(path) if is_page(&path) => {
                paths.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
            }
            // A FIFO or device would block or never end; it is named, never read.
            Walked::Special(path) if is_page(&path) => unreadable(
                &path,
                "not a regular file (a pipe, socket or device); it was not read".into(),
            ),
            Walked::Unreadable(path, why) => unreadable(&path, why),
            _ => {}
        }
    }
    let reuse = Reuse {
        previous: previous.as_ref(),
        keep,
    };
    let results: Vec<(Option<Page>, Vec<Diagnostic>, Option<parsed::Entry>)> = paths
        .par_iter()
        .map(|path| load_one_reusing(root, path, &reuse))
        .collect();
    let mut entries = Vec::new();
    for (page, diagnostics, entry) in results {
        loaded.pages.extend(page);
        loaded.diagnostics.extend(diagnostics);
        entries.extend(entry);
    }
    Ok((loaded, parsed::ToKeep { entries, previous }))
}

/// What a load takes from the previous build's parses, and whether it gives them for the next.
struct Reuse<'a> {
    previous: Option<&'a parsed::Previous>,
    keep: bool,
}

fn is_page(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// One entry under `content/` other than a directory, as errbook walks it.
pub enum Walked {
    /// A regular file (or a symbolic link to one).
    File(PathBuf),
    /// A named pipe, socket or device: never to be read.
    Special(PathBuf),
    /// What could not be walked (a dangling link, a link that loops), and why.
    Unreadable(PathBuf, String),
}

/// Every entry under `content/`, sorted by name. Symbolic links are followed, as authors
/// expect; hidden names (`.git`, editor files) are skipped. Only an unreadable `content/`
/// itself is an error: the loader reports the rest, and the search cache keys on it.
pub fn walk_content(content: &Path) -> Result<Vec<Walked>> {
    let mut found = Vec::new();
    // Sorted once at the end rather than by walkdir, whose comparisons parse both paths again
    // (a tenth of an `errbook search` on 10,000 pages).
    for entry in WalkDir::new(content)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."))
    {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) if entry.file_type().is_file() => found.push(Walked::File(entry.into_path())),
            Ok(entry) => found.push(Walked::Special(entry.into_path())),
            Err(e) => match e.path().filter(|_| e.depth() > 0) {
                Some(path) => {
                    let why = if e.loop_ancestor().is_some() {
                        "a symbolic link that loops back to a directory above it".to_string()
                    } else {
                        e.io_error().map_or(e.to_string(), |io| io.to_string())
                    };
                    found.push(Walked::Unreadable(path.to_path_buf(), why));
                }
                None => {
                    return Err(Error::new(format!(
                        "could not read {}: {e}",
                        content.display()
                    )));
                }
            },
        }
    }
    found.sort_by_cached_key(|walked| walk_order(walked.path()));
    Ok(found)
}

impl Walked {
    pub fn path(&self) -> &Path {
        match self {
            Walked::File(path) | Walked::Special(path) | Walked::Unreadable(path, _) => path,
        }
    }
}

/// The order of a depth-first walk with each directory's entries sorted by name: a path's
/// bytes with each separator as 0, below every byte a name can hold, so `a/x` comes before
/// `a-b` as `a` does (compared as bytes, with `memcmp`).
fn walk_order(path: &Path) -> Vec<u8> {
    let bytes = path.as_os_str().as_encoded_bytes();
    bytes
        .iter()
        .map(|&b| {
            if std::path::is_separator(b as char) {
                0
            } else {
                b
            }
        })
        .collect()
}

/// Loads one page file (`relative` to the root, under `content/`); `None` when it has errors.
pub fn load_one(root: &Path, relative: &PathBuf) -> (Option<Page>, Vec<Diagnostic>) {
    let (page, diagnostics, _) = load_one_reusing(
        root,
        relative,
        &Reuse {
            previous: None,
            keep: false,
        },
    );
    (page, diagnostics)
}

/// [`load_one`], with the parse taken from or given to the build's kept pages.
fn load_one_reusing(
    root: &Path,
    relative: &PathBuf,
    reuse: &Reuse,
) -> (Option<Page>, Vec<Diagnostic>, Option<parsed::Entry>) {
    let shown = display_path(relative);
    let bytes = match std::fs::read(root.join(relative)) {
        Ok(bytes) => bytes,
        Err(e) => {
            let d = Diagnostic::file_error(
                "unreadable-file",
                &shown,
                1,
                1,
                format!("could not read the file: {e}"),
            );
            return (None, vec![d], None);
        }
    };
    let hash = (reuse.keep || reuse.previous.is_some()).then(|| parsed::file_hash(&bytes));
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return (None, vec![invalid_utf8(&shown, e)], None),
    };
    let file = SourceFile::new(relative.clone(), text);
    let mut parts = relative
        .iter()
        .skip(1)
        .map(|p| p.to_string_lossy().into_owned());
    let (tool, name) = match (parts.next(), parts.next(), parts.next()) {
        (Some(tool), Some(name), None) => (tool, name),
        _ => {
            let d = Diagnostic::error(
                "misplaced-page",
                &file,
                0..0,
                "a page must be at content/<tool>/<slug>.md",
            )
            .with_help("move the file into its tool's directory");
            return (None, vec![d], None);
        }
    };
    let slug = name.trim_end_matches(".md").to_string();
    let mut diags = Vec::new();
    for (what, value) in [("tool directory", &tool), ("page slug", &slug)] {
        if !is_kebab(value) {
            diags.push(
                Diagnostic::error(
                    "bad-slug",
                    &file,
                    0..0,
                    format!("the {what} `{value}` is not lowercase kebab-case"),
                )
                .with_help("use only a-z, 0-9 and single hyphens, e.g. `no-deployments-available`"),
            );
        }
    }
    if RESERVED_TOOLS.contains(&tool.as_str()) {
        diags.push(
            Diagnostic::error(
                "bad-slug",
                &file,
                0..0,
                format!("`content/{tool}/` is reserved for the site's own pages"),
            )
            .with_help("rename the tool directory"),
        );
    }
    if let Some(hash) = hash.filter(|_| diags.is_empty()) {
        let kept = reuse.previous.and_then(|p| p.get(&shown, hash));
        if let Some(kept) = kept
            && let Some((front, body)) = kept.decode()
        {
            let entry = reuse.keep.then(|| kept.keep(shown, hash));
            let page = Page {
                file,
                tool,
                slug,
                front,
                body,
            };
            return (Some(page), diags, entry);
        }
    }
    let page = parse_page(file, tool, slug, &mut diags);
    // Only a page with nothing to report is kept: taking it back must report nothing too.
    let entry = match (&page, hash) {
        (Some(page), Some(hash)) if reuse.keep && diags.is_empty() => {
            parsed::Entry::new(shown, hash, &page.front, &page.body)
        }
        _ => None,
    };
    let page = if diags.iter().any(Diagnostic::is_error) {
        None
    } else {
        page
    };
    (page, diags, entry)
}

/// Parses one page file. Problems go to `diags`; `None` when the page cannot be built.
pub fn parse_page(
    file: SourceFile,
    tool: String,
    slug: String,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let split = match frontmatter::split(&file) {
        Ok(split) => split,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let front = frontmatter::parse(&file, &split, &tool, diags)?;
    let body = markdown::parse(&file, split.body.clone(), &front.sources);
    Some(Page {
        file,
        tool,
        slug,
        front,
        body,
    })
}

/// Why `tool` cannot name a directory under `content/`, if it cannot.
pub fn tool_name_problem(tool: &str) -> Option<String> {
    if !is_kebab(tool) {
        Some(format!(
            "the tool `{tool}` must be lowercase kebab-case (a-z, 0-9, -), e.g. `my-service`"
        ))
    } else if RESERVED_TOOLS.contains(&tool) {
        Some(format!("`{tool}` is reserved for the site's own pages"))
    } else {
        None
    }
}

/// Lowercase kebab-case: `a-z`, `0-9`, single inner hyphens.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn invalid_utf8(path: &str, err: std::string::FromUtf8Error) -> Diagnostic {
    let bytes = err.as_bytes();
    let valid = err.utf8_error().valid_up_to();
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let line = prefix.matches('\n').count() + 1;
    let column = prefix
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    Diagnostic::file_error(
        "invalid-utf8",
        path,
        line,
        column,
        format!(
            "the file is not valid UTF-8 (byte 0x{:02x} at offset {valid})",
            bytes[valid]
        ),
    )
    .with_help("save the file as UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        assert!(is_kebab("no-deployments-2"));
        assert!(!is_kebab("No-Deployments"));
        assert!(!is_kebab("a--b"));
        assert!(!is_kebab(""));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = String::from_utf8(b"ab\ncd\xff".to_vec()).unwrap_err();
        let d = invalid_utf8("p.md", err);
        assert_eq!((d.line, d.column, d.rule), (2, 3, "invalid-utf8"));
    }

    #[test]
    fn the_walk_is_in_the_order_of_a_walk_sorted_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        for file in [
            "a/x.md",
            "a-b/y.md",
            "a.md",
            "a b/z.md",
            "A/w.md",
            "b.md",
            "a/c/d.md",
            "a/c-d.md",
            "é/e.md",
            "e/f.md",
            "a/.hidden.md",
            ".git/config",
        ] {
            let path = content.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let sorted_by_walkdir: Vec<PathBuf> = WalkDir::new(&content)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        let ours: Vec<PathBuf> = walk_content(&content)
            .unwrap()
            .into_iter()
            .map(|w| w.path().to_path_buf())
            .collect();
        assert_eq!(ours.len(), 10);
        assert_eq!(ours, sorted_by_walkdir);
    }
}
