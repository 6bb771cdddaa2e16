//! The build pipeline: load → parse → assemble → render → write. It only sequences the stages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check;
use crate::config::SiteConfig;
use crate::content::load_pages;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::output::{Contents, Sink, Staging};
use crate::output_dir;
use crate::render::{RenderError, Templates, render_with_search};
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
}

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
    pub output_dir: PathBuf,
    /// Non-fatal diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads the configuration and every page, assembles the site and runs every check.
/// Diagnostics from all stages are returned together, sorted, with the configured levels;
/// the site is `None` when the configuration is unusable.
pub fn load_site(root: &Path, options: &LoadOptions) -> Result<(Option<Site>, Vec<Diagnostic>)> {
    let mut config = match SiteConfig::load(root)? {
        Ok(config) => config,
        Err(diags) => return Ok((None, diags)),
    };
    if let Some(url) = &options.base_url {
        config.base_url = crate::config::checked_base_url(url).ok_or_else(|| {
            crate::error::Error::new(format!(
                "--base-url `{url}` must be an absolute http(s) URL, e.g. https://preview.example.org/"
            ))
        })?;
    }
    let mut loaded = load_pages(root)?;
    if !options.drafts {
        loaded = loaded.without_drafts();
    }
    let (site, mut diags) = Site::new(root.to_path_buf(), config, loaded.pages);
    diags.extend(loaded.diagnostics);
    let diags = check::check(&site, check::today(), diags);
    Ok((Some(site), diags))
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

/// Builds the site into its output directory, atomically.
pub fn build(options: &BuildOptions) -> Result<BuildOutcome> {
    let root = &options.root;
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<_>| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };

    let load = LoadOptions {
        drafts: options.drafts,
        base_url: options.base_url.clone(),
    };
    let (site, mut diags) = load_site(root, &load)?;
    lap("load and check", &mut timings);
    let templates = match Templates::load(root) {
        Ok(t) => Some(t),
        Err(more) => {
            diags.extend(more);
            None
        }
    };
    lap("templates", &mut timings);
    let (Some(mut site), Some(templates)) = (site, templates) else {
        return Ok(BuildOutcome::Failed(diags));
    };
    // Shown next to each source: what the last `check --online` found (the cache only).
    site.source_states = std::sync::Arc::new(crate::online::source_states(&site));
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(BuildOutcome::Failed(diags));
    }
    let output_dir =
        output_dir::resolve(root, &site.config.output_dir, options.output_dir.as_deref());
    output_dir::check(root, &output_dir, options.force)?;
    // The index lives in the cache, outside the output, and is rebuilt when the content or
    // the configuration changed; the browser gets an export of it. The cache holds the
    // published pages as errbook.toml describes them: a build with drafts, or for another
    // base URL, indexes in memory and leaves the cache as it is.
    let cached = if options.drafts {
        None
    } else {
        search::cache::open_fresh(root)?
    };
    let search_index = match cached {
        Some(index) => index,
        None if options.drafts || options.base_url.is_some() => search::SearchIndex::build(&site)?,
        None => search::cache::build(&site)?,
    };
    lap("search index: tantivy", &mut timings);
    let search_assets = search::export::export(&search_index)?;
    lap("search index: export", &mut timings);
    let staging = Staging::begin(&output_dir)?;
    staging.put(
        output_dir::MARKER,
        Contents::Bytes(output_dir::MARKER_TEXT.as_bytes().to_vec()),
    )?;
    // On any failure `staging` is dropped, which removes it; the previous output stays.
    let files = match render_with_search(&site, &templates, &staging, Some(&search_assets)) {
        Ok(files) => files,
        Err(RenderError::Io(e)) => return Err(e),
        Err(RenderError::Diagnostics(more)) => {
            diags.extend(more);
            return Ok(BuildOutcome::Failed(diags));
        }
    };
    lap("render and write", &mut timings);
    staging.commit()?;
    lap("swap", &mut timings);
    Ok(BuildOutcome::Built(BuildReport {
        pages: site.pages.len(),
        files,
        output_dir,
        diagnostics: diags,
        timings,
    }))
}
