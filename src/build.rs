//! The build pipeline: load → parse → assemble → render → write. It only sequences the stages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check;
use crate::config::SiteConfig;
use crate::content::load_pages;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::output::Staging;
use crate::render::{RenderError, Templates, render_with_search};
use crate::search;
use crate::site::Site;

/// What `errbook build` needs to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's directory (holds errbook.toml and content/).
    pub root: PathBuf,
    /// Render every file, taking nothing from the previous output.
    pub clean: bool,
}

/// Where `build` keeps what it knows of its output trees, below the site root.
pub const CACHE_DIR: &str = ".errbook/cache/build";

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
pub fn load_site(root: &Path) -> Result<(Option<Site>, Vec<Diagnostic>)> {
    let config = match SiteConfig::load(root)? {
        Ok(config) => config,
        Err(diags) => return Ok((None, diags)),
    };
    let loaded = load_pages(root)?;
    let (site, mut diags) = Site::new(root.to_path_buf(), config, loaded.pages);
    diags.extend(loaded.diagnostics);
    let diags = check::check(&site, check::today(), diags);
    Ok((Some(site), diags))
}

/// Everything `errbook check` reports: the site's pages and the templates.
pub fn check_all(root: &Path) -> Result<(Option<Site>, Vec<Diagnostic>)> {
    // Parsing the templates is sequential; it runs while the pages load.
    let (loaded, templates) = rayon::join(|| load_site(root), || Templates::load(root));
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
    let config = match SiteConfig::load(root)? {
        Ok(config) => config,
        Err(diags) => return Ok(BuildOutcome::Failed(diags)),
    };
    // Parsing the templates is sequential; it runs while the pages load.
    let (loaded, templates) = rayon::join(|| load_pages(root), || Templates::load(root));
    let loaded = loaded?;
    let (site, mut diags) = Site::new(root.to_path_buf(), config, loaded.pages);
    diags.extend(loaded.diagnostics);
    let templates = match templates {
        Ok(t) => Some(t),
        Err(more) => {
            diags.extend(more);
            None
        }
    };
    clock.lap("load");
    // The checks and the search index both read the assembled site: they run side by side,
    // so that each fills the other's idle moments (the index's commit waits on the disk). The
    // index is wasted only when the checks fail. It lives in the cache, outside the output,
    // and is rebuilt when the content or the configuration changed; the browser gets an
    // export of it.
    let (mut diags, search) = rayon::join(
        || check::check(&site, check::today(), diags),
        || {
            let started = Instant::now();
            let assets = match search::cache::open_fresh(root) {
                Ok(Some(index)) => Ok(index),
                Ok(None) => search::cache::build(&site),
                Err(e) => Err(e),
            }
            .and_then(|index| search::export::export(&index));
            (assets, started.elapsed())
        },
    );
    let (search_assets, search_time) = search;
    clock.lap("check and search index");
    clock.times.push(StageTime {
        stage: "of which search index (tantivy, export)",
        wall: search_time,
        cpu: None,
    });
    let Some(templates) = templates else {
        return Ok(BuildOutcome::Failed(diags));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(BuildOutcome::Failed(diags));
    }
    let search_assets = search_assets?;
    let output_dir = site.config.output_path(root);
    let staging = Staging::incremental(&output_dir, &root.join(CACHE_DIR), !options.clean)?;
    // On any failure the previous output stays as it was.
    let files = match render_with_search(&site, &templates, &staging, Some(&search_assets)) {
        Ok(files) => files,
        Err(RenderError::Io(e)) => return Err(e),
        Err(RenderError::Diagnostics(more)) => {
            diags.extend(more);
            return Ok(BuildOutcome::Failed(diags));
        }
    };
    clock.lap("render and write");
    let rendered = staging.made();
    staging.commit()?;
    clock.lap("swap");
    Ok(BuildOutcome::Built(BuildReport {
        pages: site.pages.len(),
        files,
        rendered,
        output_dir,
        diagnostics: diags,
        timings: clock.times,
    }))
}
