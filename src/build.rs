//! The build pipeline: load → parse → assemble → render → write. It only sequences the stages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cache_file::KeptFile;
use crate::check;
use crate::config::SiteConfig;
use crate::content::parsed::Previous;
use crate::content::{load_pages, load_pages_keeping};
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::output::{Contents, Staging};
use crate::output_dir;
use crate::render::key::KeyHasher;
use crate::render::{RenderError, Templates, put_file, render_with_search};
use crate::search;
use crate::site::Site;

/// What `errbook build` needs to know.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's directory (holds errbook.toml and content/).
    pub root: PathBuf,
    /// Replaces `base_url` of errbook.toml (a deploy preview): canonical URLs, the sitemap
    /// and the feed follow it.
    pub base_url: Option<String>,
    /// Replaces `output_dir` of errbook.toml; may lie outside the site.
    pub output_dir: Option<PathBuf>,
    /// Replace an output directory that errbook did not write.
    pub force: bool,
    /// Include the pages marked `draft: true`.
    pub drafts: bool,
    /// Render every file, taking nothing from the previous output.
    pub clean: bool,
}

/// Where `build` keeps what it knows of its output trees, below the site root: one
/// directory per output directory.
pub const CACHE_DIR: &str = ".errbook/cache/build";

/// The file below [`CACHE_DIR`] that keeps the search counts of the last build's pages.
const SEARCH_COUNTS: &str = "search-counts";

/// The file below [`CACHE_DIR`] that keeps the parse of the last build's pages.
const PARSED_PAGES: &str = "parsed-pages";

/// The file below [`CACHE_DIR`] that keeps the pages the last build's page rules passed.
const CHECKED_PAGES: &str = "checked-pages";

/// The file below [`CACHE_DIR`] that keeps the signatures the last build prepared for search.
const PREPARED_SIGNATURES: &str = "prepared-signatures";

/// Which pages to load and what replaces the configuration's settings.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include the pages marked `draft: true`.
    pub drafts: bool,
    /// Replaces `base_url` of errbook.toml.
    pub base_url: Option<String>,
}

/// What a build produced.
#[derive(Debug)]
pub enum BuildOutcome {
    Built(BuildReport),
    /// Error-level diagnostics; nothing was written.
    Failed(Vec<Diagnostic>),
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    /// Files rendered or written, not taken from the previous output.
    pub rendered: usize,
    pub output_dir: PathBuf,
    /// Non-fatal diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<StageTime>,
}

/// Loads the configuration and every page, assembles the site and runs every check.
/// Diagnostics from all stages are returned together, sorted, with the configured levels;
/// the site is `None` when the configuration is unusable.
pub fn load_site(root: &Path, options: &LoadOptions) -> Result<(Option<Site>, Vec<Diagnostic>)> {
    let config = match load_config(root, options)? {
        Ok(config) => config,
        Err(diags) => return Ok((None, diags)),
    };
    let mut loaded = load_pages(root)?;
    if !options.drafts {
        loaded = loaded.without_drafts();
    }
    let (site, mut diags) = Site::new(root.to_path_buf(), config, loaded.pages);
    diags.extend(loaded.diagnostics);
    let diags = check::check(&site, check::today(), diags);
    Ok((Some(site), diags))
}

/// errbook.toml with the options' replacements, or its diagnostics when it is unusable.
fn load_config(
    root: &Path,
    options: &LoadOptions,
) -> Result<std::result::Result<SiteConfig, Vec<Diagnostic>>> {
    let mut config = match SiteConfig::load(root)? {
        Ok(config) => config,
        Err(diags) => return Ok(Err(diags)),
    };
    if let Some(url) = &options.base_url {
        config.base_url = crate::config::checked_base_url(url).ok_or_else(|| {
            crate::error::Error::new(format!(
                "--base-url `{url}` must be an absolute http(s) URL, e.g. https://preview.example.org/"
            ))
        })?;
    }
    Ok(Ok(config))
}

/// Everything `errbook check` reports: the site's pages and the templates.
pub fn check_all(root: &Path, options: &LoadOptions) -> Result<(Option<Site>, Vec<Diagnostic>)> {
    // Parsing the templates is sequential; it runs while the pages load.
    let (loaded, templates) = rayon::join(|| load_site(root, options), || Templates::load(root));
    let (site, mut diags) = loaded?;
    if let Err(more) = templates {
        diags.extend(more);
        Diagnostic::sort(&mut diags);
    }
    Ok((site, diags))
}

/// The wall-clock and CPU time of one stage of a build.
#[derive(Debug, Clone, Copy)]
pub struct StageTime {
    pub stage: &'static str,
    pub wall: Duration,
    /// CPU time of every thread of the process (Linux only).
    pub cpu: Option<Duration>,
}

/// Times the stages of a build one after the other.
struct Stopwatch {
    times: Vec<StageTime>,
    wall: Instant,
    cpu: Option<Duration>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            times: Vec::new(),
            wall: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let cpu = process_cpu_time();
        self.times.push(StageTime {
            stage,
            wall: self.wall.elapsed(),
            cpu: cpu
                .zip(self.cpu)
                .map(|(now, then)| now.saturating_sub(then)),
        });
        self.wall = Instant::now();
        self.cpu = cpu;
    }
}

/// User and system time of the whole process so far, from `/proc/self/stat`.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel reports in USER_HZ, 100 on every Linux architecture errbook builds for.
    Some(Duration::from_millis(ticks * 10))
}

/// Builds the site into its output directory, atomically. Files whose inputs did not change
/// since the previous build are taken from it (unless `clean`).
pub fn build(options: &BuildOptions) -> Result<BuildOutcome> {
    let root = &options.root;
    let mut clock = Stopwatch::start();
    let load = LoadOptions {
        drafts: options.drafts,
        base_url: options.base_url.clone(),
    };
    let config = match load_config(root, &load)? {
        Ok(config) => config,
        Err(diags) => return Ok(BuildOutcome::Failed(diags)),
    };
    let kept = |name: &str| KeptFile {
        path: root.join(CACHE_DIR).join(name),
        reuse: !options.clean,
    };
    let parsed = kept(PARSED_PAGES);
    // Parsing the templates is sequential; it runs while the pages load.
    let (loaded, templates) = rayon::join(
        || load_pages_parsing(root, &parsed),
        || Templates::load(root),
    );
    let (mut loaded, keeping_parses) = loaded?;
    if !options.drafts {
        loaded = loaded.without_drafts();
    }
    let (mut assembled, mut diags) = Site::new(root.to_path_buf(), config, loaded.pages);
    diags.extend(loaded.diagnostics);
    let templates = match templates {
        Ok(t) => Some(t),
        Err(more) => {
            diags.extend(more);
            None
        }
    };
    // Shown next to each source: what the last `check --online` found (the cache only).
    assembled.source_states = std::sync::Arc::new(crate::online::source_states(&assembled));
    // The previous parses stay alive until they are written: not through the checks and the
    // search index, the peak of an incremental build's memory.
    let _ = keeping_parses.join();
    clock.lap("load");
    // The checks and the search index both read the assembled site: they run side by side,
    // so that each fills the other's idle moments (the index's commit waits on the disk). The
    // index is wasted only when the checks fail.
    let site = &assembled;
    let (counts, prepared) = (kept(SEARCH_COUNTS), kept(PREPARED_SIGNATURES));
    let checked = kept(CHECKED_PAGES);
    let (mut diags, search) = rayon::join(
        || check::check_keeping(site, check::today(), diags, &checked),
        || {
            let started = Instant::now();
            let assets = search_assets(site, &counts, &prepared);
            (assets, started.elapsed())
        },
    );
    let (search_assets, search_time) = search;
    clock.lap("check and search index");
    clock.times.push(StageTime {
        stage: "of which search index (postings, export)",
        wall: search_time,
        cpu: None,
    });
    let Some(templates) = templates else {
        return Ok(BuildOutcome::Failed(diags));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(BuildOutcome::Failed(diags));
    }
    let output_dir =
        output_dir::resolve(root, &site.config.output_dir, options.output_dir.as_deref());
    output_dir::check(root, &output_dir, options.force)?;
    let staging = Staging::incremental(&output_dir, &cache_dir(root, &output_dir), !options.clean)?;
    put_file(
        &staging,
        output_dir::MARKER,
        Contents::Bytes(output_dir::MARKER_TEXT.as_bytes().to_vec()),
    )?;
    // On any failure the previous output stays as it was.
    let files = match render_with_search(site, &templates, &staging, Some(&search_assets)) {
        Ok(files) => files + 1,
        Err(RenderError::Io(e)) => return Err(e),
        Err(RenderError::Diagnostics(more)) => {
            diags.extend(more);
            return Ok(BuildOutcome::Failed(diags));
        }
    };
    clock.lap("render and write");
    let pages = site.pages.len();
    // Freeing the parsed site takes a tenth of a second at 10,000 pages: it is done beside
    // the swap rather than before the build returns.
    std::thread::spawn(move || drop((assembled, search_assets)));
    let rendered = staging.made();
    staging.commit()?;
    clock.lap("swap");
    Ok(BuildOutcome::Built(BuildReport {
        pages,
        files,
        rendered,
        output_dir,
        diagnostics: diags,
        timings: clock.times,
    }))
}

/// Loads the pages, parsing only the files changed since the parses kept in `parsed` (unless
/// it says not to reuse them), and keeps this build's parses there, on a thread beside the
/// build while the site is assembled (the caller joins it). Failing to keep them only costs
/// the next build a full parse.
fn load_pages_parsing(
    root: &Path,
    parsed: &KeptFile,
) -> Result<(crate::content::Loaded, std::thread::JoinHandle<()>)> {
    let read = || parsed.read_with(Previous::read);
    let (loaded, to_keep) = load_pages_keeping(root, read, true)?;
    let path = parsed.path.clone();
    let writing = std::thread::spawn(move || {
        let _ = to_keep.write(&path);
    });
    Ok((loaded, writing))
}

/// The browser's search index, counted from the pages without building a tantivy index
/// (`errbook search` builds and caches its own when it needs one); only the pages changed
/// since the counts kept in `counts` are analyzed again, and only the signatures not kept in
/// `prepared` are prepared.
fn search_assets(
    site: &Site,
    counts: &KeptFile,
    prepared: &KeptFile,
) -> search::export::SearchAssets {
    search::export::export_site_incrementally(site, counts, prepared)
}

/// The cache directory of one output directory (a site may be built to several).
fn cache_dir(root: &Path, output_dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(output_dir).unwrap_or_else(|_| output_dir.to_path_buf());
    let key = KeyHasher::new().str(&absolute.to_string_lossy()).finish();
    root.join(CACHE_DIR).join(&key.to_string()[..16])
}
