//! `errbook init`: a new site in an empty directory (or one without errbook files):
//! `errbook.toml`, an example page, the editor schemas, CI and publishing files. It never
//! overwrites a file: when anything it would write exists, it says what and writes nothing.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::content::load::tool_name_problem;
use crate::error::{Error, Result};
use crate::schema::{self, Document};

/// Which CI files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    Github,
    Gitlab,
    None,
}

/// What `errbook init` needs to know.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub dir: PathBuf,
    pub title: Option<String>,
    pub base_url: Option<String>,
    /// The tool of the example page: its directory under `content/`.
    pub tool: String,
    pub ci: Ci,
    /// The git repository CI installs errbook from; by default the one errbook was built from.
    pub errbook_git: Option<String>,
    /// The example page's `updated` date.
    pub today: jiff::civil::Date,
}

/// What was written.
#[derive(Debug)]
pub struct Created {
    /// Paths relative to the site directory, in the order they were written.
    pub files: Vec<String>,
    /// Lines added to an existing `.gitignore`.
    pub gitignore_added: Vec<String>,
    /// The example page, relative to the site directory.
    pub example: String,
    /// Whether the CI files lack the git repository to install errbook from.
    pub ci_needs_repository: bool,
}

/// Where CI installs errbook from unless told otherwise: `repository` of errbook's
/// Cargo.toml when this binary was built (empty when it has none).
const ERRBOOK_REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The base URL a new site gets when none is given: a reserved example domain.
pub const DEFAULT_BASE_URL: &str = "https://example.org/";

/// Where the example page is, below `content/<tool>/`.
const EXAMPLE_SLUG: &str = "port-already-in-use";

/// Directories and files whose presence means the directory already holds a site.
const SITE_ENTRIES: &[&str] = &["errbook.toml", "content", "templates", "static", ".errbook"];

/// Creates the site. Nothing is written when a file it would write exists.
pub fn init(options: &InitOptions) -> Result<Created> {
    let tool = options.tool.as_str();
    if let Some(problem) = tool_name_problem(tool) {
        return Err(Error::new(format!("--tool: {problem}")));
    }
    let base_url = match &options.base_url {
        Some(url) => crate::config::checked_base_url(url).ok_or_else(|| {
            Error::new(format!(
                "--base-url `{url}` must be an absolute http(s) URL, e.g. https://errors.example.org/"
            ))
        })?,
        None => DEFAULT_BASE_URL.to_string(),
    };
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| format!("{tool} errors"));
    if title.trim().is_empty() {
        return Err(Error::new("--title must not be empty"));
    }
    let repository = options
        .errbook_git
        .clone()
        .unwrap_or_else(|| ERRBOOK_REPOSITORY.to_string());
    let fill = |text: &str| {
        text.replace("@title@", &toml_string(&title))
            .replace("@base_url@", &toml_string(&base_url))
            .replace("@tool@", tool)
            .replace("@today@", &options.today.to_string())
            .replace("@version@", env!("CARGO_PKG_VERSION"))
            .replace("@errbook_git@", &repository)
    };
    let example = format!("content/{tool}/{EXAMPLE_SLUG}.md");
    let mut files: Vec<(String, String)> = vec![
        ("errbook.toml".into(), fill(include_str!("errbook.toml"))),
        (example.clone(), fill(include_str!("example.md"))),
        (
            "templates/README.md".into(),
            include_str!("templates-README.md").into(),
        ),
        ("static/_headers".into(), include_str!("_headers").into()),
        (
            "deploy/nginx-errbook.conf".into(),
            include_str!("nginx.conf").into(),
        ),
        (
            ".errbook/schema/page.json".into(),
            schema::to_json(Document::Page),
        ),
        (
            ".errbook/schema/config.json".into(),
            schema::to_json(Document::Config),
        ),
    ];
    match options.ci {
        Ci::Github => files.push((
            ".github/workflows/errbook.yml".into(),
            fill(include_str!("github.yml")),
        )),
        Ci::Gitlab => files.push((".gitlab-ci.yml".into(), fill(include_str!("gitlab-ci.yml")))),
        Ci::None => {}
    }

    let dir = &options.dir;
    match fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::new(format!(
                "{} exists and is not a directory",
                dir.display()
            )));
        }
        _ => {}
    }
    let mut existing: Vec<String> = SITE_ENTRIES
        .iter()
        .filter(|name| fs::symlink_metadata(dir.join(name)).is_ok())
        .map(|name| name.to_string())
        .collect();
    for (path, _) in &files {
        let first = path.split('/').next().unwrap_or_default();
        if !existing.iter().any(|e| e == first) && fs::symlink_metadata(dir.join(path)).is_ok() {
            existing.push(path.clone());
        }
    }
    if !existing.is_empty() {
        return Err(Error::new(format!(
            "not creating a site in {}: it already has {}. errbook init never overwrites; \
             run it in an empty directory or one without these",
            dir.display(),
            existing.join(", ")
        )));
    }

    let mut written = Writer::default();
    for (path, text) in &files {
        if let Err(e) = written.create(dir, path, text) {
            written.undo(dir);
            return Err(e);
        }
    }
    let gitignore_added = match add_to_gitignore(dir, include_str!("gitignore")) {
        Ok(added) => added,
        Err(e) => {
            written.undo(dir);
            return Err(e);
        }
    };
    let mut created = written.files;
    if gitignore_added.is_none() {
        created.push(".gitignore".into());
    }
    Ok(Created {
        files: created,
        gitignore_added: gitignore_added.unwrap_or_default(),
        example,
        ci_needs_repository: options.ci != Ci::None && repository.is_empty(),
    })
}

/// A TOML basic string holding `value`.
fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_string()).to_string()
}

/// The files and directories written so far, to remove them again if a later write fails.
#[derive(Default)]
struct Writer {
    files: Vec<String>,
    dirs: Vec<PathBuf>,
}

impl Writer {
    fn create(&mut self, dir: &Path, relative: &str, text: &str) -> Result<()> {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            let mut missing = Vec::new();
            let mut at = parent;
            while !at.exists() {
                missing.push(at.to_path_buf());
                match at.parent() {
                    Some(up) => at = up,
                    None => break,
                }
            }
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
            self.dirs.extend(missing.into_iter().rev());
        }
        // create_new: an existing file is never replaced, even one made a moment ago.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("create", &path, e))?;
        self.files.push(relative.to_string());
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io("write", &path, e))
    }

    fn undo(&self, dir: &Path) {
        for file in self.files.iter().rev() {
            let _ = fs::remove_file(dir.join(file));
        }
        for made in self.dirs.iter().rev() {
            let _ = fs::remove_dir(made);
        }
    }
}

/// Writes `.gitignore`, or adds the lines it lacks to an existing one. `None` when the file
/// was created, else the lines added.
fn add_to_gitignore(dir: &Path, wanted: &str) -> Result<Option<Vec<String>>> {
    let path = dir.join(".gitignore");
    let existing = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| Error::io("create", &path, e))?;
            file.write_all(wanted.as_bytes())
                .map_err(|e| Error::io("write", &path, e))?;
            return Ok(None);
        }
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let present: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<String> = wanted
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| !present.contains(l) && !present.contains(&l.trim_start_matches('/')))
        .map(str::to_string)
        .collect();
    if !missing.is_empty() {
        let mut text = String::new();
        if !existing.is_empty() && !existing.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# errbook: the built site and the search index cache\n");
        for line in &missing {
            text.push_str(line);
            text.push('\n');
        }
        let mut file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| Error::io("open", &path, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io("write", &path, e))?;
    }
    Ok(Some(missing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: &Path) -> InitOptions {
        InitOptions {
            dir: dir.to_path_buf(),
            title: Some("Acme \"API\" errors".into()),
            base_url: None,
            tool: "acme-api".into(),
            ci: Ci::Github,
            errbook_git: Some("https://git.example.org/errbook.git".into()),
            today: jiff::civil::date(2026, 12, 1),
        }
    }

    #[test]
    fn writes_a_loadable_config_and_page() {
        let tmp = tempfile::tempdir().unwrap();
        let created = init(&options(tmp.path())).unwrap();
        assert!(
            created
                .files
                .contains(&".github/workflows/errbook.yml".to_string())
        );
        let config = crate::config::SiteConfig::load(tmp.path())
            .unwrap()
            .unwrap();
        assert_eq!(config.title, "Acme \"API\" errors");
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
        let workflow =
            fs::read_to_string(tmp.path().join(".github/workflows/errbook.yml")).unwrap();
        assert!(workflow.contains("ERRBOOK_GIT: \"https://git.example.org/errbook.git\""));
        let placeholder = regex::Regex::new("@[a-z_]+@").unwrap();
        for file in &created.files {
            let text = fs::read_to_string(tmp.path().join(file)).unwrap();
            assert!(!placeholder.is_match(&text), "{file} keeps a placeholder");
        }
    }

    #[test]
    fn an_existing_gitignore_gets_only_the_missing_lines() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(".gitignore"), "/target\npublic/").unwrap();
        let created = init(&options(tmp.path())).unwrap();
        assert_eq!(
            created.gitignore_added,
            vec![
                "/.public.errbook-spare/".to_string(),
                "/.errbook/cache/".to_string()
            ]
        );
        let text = fs::read_to_string(tmp.path().join(".gitignore")).unwrap();
        assert!(text.starts_with("/target\npublic/\n# errbook"), "{text}");
    }

    #[test]
    fn refuses_bad_options_before_writing() {
        let tmp = tempfile::tempdir().unwrap();
        for (tool, url) in [("Acme", None), ("search", None), ("ok", Some("ftp://x"))] {
            let mut o = options(tmp.path());
            o.tool = tool.into();
            o.base_url = url.map(String::from);
            assert!(init(&o).is_err(), "{tool}");
        }
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
