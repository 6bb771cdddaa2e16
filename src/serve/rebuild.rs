//! Incremental rebuild: the preview's model of the site (the last good site, its templates,
//! its diagnostics) and what each kind of change re-reads, re-checks and re-renders.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Context};
use crate::config::SiteConfig;
use crate::content::load::load_one;
use crate::content::load_pages;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Result;
use crate::output::{Contents, Sink};
use crate::render::view::site_view;
use crate::render::{Job, RenderError, Templates, all_jobs, render, render_jobs};
use crate::site::Site;
use crate::source::display_path;
use crate::theme;

use super::snapshot::{Files, MemorySink};

/// Rules that `Site::new` reports; they are recomputed for every file on every change.
const SITE_RULES: &[&str] = &["duplicate-slug", "bad-category", "broken-related"];

/// The last good state of the tree, and every problem in the current one.
pub struct Workspace {
    root: PathBuf,
    site: Site,
    templates: Templates,
    files: Arc<Files>,
    /// Problems met reading each content file, by path; a page whose file has errors keeps
    /// its last good version in `site`.
    load_diags: HashMap<String, Vec<Diagnostic>>,
    /// Diagnostics by file, levels applied, as of the last change.
    diags: BTreeMap<String, Vec<Diagnostic>>,
    /// What assembling the current pages into a site reported.
    site_diags: Vec<Diagnostic>,
    /// Problems in errbook.toml or the templates that keep the last good ones in use.
    config_diags: Vec<Diagnostic>,
    template_diags: Vec<Diagnostic>,
    /// Whether `diags` come from a full check of the current site; after a single-page edit
    /// the site-wide rules have not run yet.
    pub settled: bool,
}

/// Why the tree cannot be served at all (only before a first good build).
pub type Failure = Vec<Diagnostic>;

impl Workspace {
    /// Loads, checks and renders the whole site in memory.
    pub fn load(root: &Path) -> Result<std::result::Result<Workspace, Failure>> {
        let config = match SiteConfig::load(root)? {
            Ok(config) => config,
            Err(diags) => return Ok(Err(diags)),
        };
        let loaded = load_pages(root)?;
        let templates = match Templates::load(root) {
            Ok(t) => t,
            Err(diags) => return Ok(Err(diags)),
        };
        let mut load_diags: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        for d in loaded.diagnostics {
            load_diags.entry(d.file.clone()).or_default().push(d);
        }
        let (site, site_diags) = Site::new(root.to_path_buf(), config, loaded.pages);
        let sink = MemorySink::default();
        match render(&site, &templates, &sink) {
            Ok(_) => {}
            Err(RenderError::Io(e)) => return Err(e),
            Err(RenderError::Diagnostics(diags)) => return Ok(Err(diags)),
        }
        let mut ws = Workspace {
            root: root.to_path_buf(),
            site,
            templates,
            files: Arc::new(sink.into_files()),
            load_diags,
            site_diags,
            diags: BTreeMap::new(),
            config_diags: Vec::new(),
            template_diags: Vec::new(),
            settled: false,
        };
        ws.settle();
        Ok(Ok(ws))
    }

    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// The tree's error-level diagnostics, sorted, and how many warnings it has (without
    /// copying tens of thousands of warnings on a large site).
    pub fn errors_and_warnings(&self) -> (Vec<Diagnostic>, usize) {
        let all = self
            .config_diags
            .iter()
            .chain(&self.template_diags)
            .chain(self.diags.values().flatten());
        let mut errors = Vec::new();
        let mut warnings = 0;
        for d in all {
            match d.severity {
                Severity::Error => errors.push(d.clone()),
                Severity::Warning => warnings += 1,
                Severity::Info => {}
            }
        }
        Diagnostic::sort(&mut errors);
        (errors, warnings)
    }

    pub fn page_count(&self) -> usize {
        self.site.pages.len()
    }

    /// Runs every rule over the current site, as `errbook check` would (the site-wide rules
    /// are too slow for the edit → reload path on a large site, so they run here, after it).
    pub fn settle(&mut self) {
        let mut from_loading: Vec<Diagnostic> =
            self.load_diags.values().flatten().cloned().collect();
        from_loading.extend(self.site_diags.iter().cloned());
        let all = check::check(&self.site, check::today(), from_loading);
        self.diags = by_file(all);
        self.settled = true;
    }

    /// A page file under `content/` was created, edited or removed: re-reads it, re-checks
    /// it, and re-renders it, the listings it is on and the pages that link to it.
    pub fn content_changed(&mut self, relative: &Path) -> Result<()> {
        let shown = display_path(relative);
        let before = self
            .site
            .pages
            .iter()
            .position(|p| p.file.display_path() == shown);
        let mut touched = Touched::default();
        if let Some(i) = before {
            touched.around(&self.site, i);
        }
        let old_view = tera::to_value(site_view(&self.site)).ok();
        let mut pages = std::mem::take(&mut self.site.pages);
        let mut removed_path = None;
        if self.root.join(relative).is_file() {
            let (page, diags) = load_one(&self.root, &relative.to_path_buf());
            self.load_diags.insert(shown.clone(), diags);
            match (page, before) {
                (Some(page), Some(i)) => pages[i] = page,
                (Some(page), None) => pages.push(page),
                // Errors: the last good version of the page stays.
                (None, _) => {}
            }
        } else {
            self.load_diags.remove(&shown);
            if let Some(i) = before {
                removed_path = Some(format!("{}index.html", pages[i].path()));
                pages.remove(i);
            }
        }
        let (site, site_diags) = Site::new(self.root.clone(), self.site.config.clone(), pages);
        self.site = site;
        let after = self
            .site
            .pages
            .iter()
            .position(|p| p.file.display_path() == shown);
        if let Some(i) = after {
            touched.around(&self.site, i);
        }

        self.site_diags = site_diags.clone();
        self.recheck(&shown, after, site_diags);

        let new_view = tera::to_value(site_view(&self.site)).ok();
        let mut files = (*self.files).clone();
        if let Some(path) = removed_path {
            files.remove(&path);
        }
        let sink = MemorySink::default();
        let jobs = if old_view.is_none() || old_view != new_view {
            // The navigation or a count that every page shows changed.
            all_jobs(&self.site)
        } else {
            touched.jobs(&self.site)
        };
        match render_jobs(&self.site, &self.templates, &sink, &jobs) {
            Ok(()) => {
                files.extend(sink.into_files());
                self.files = Arc::new(files);
                self.template_diags.clear();
            }
            Err(RenderError::Io(e)) => return Err(e),
            Err(RenderError::Diagnostics(diags)) => self.template_diags = diags,
        }
        Ok(())
    }

    /// Replaces the diagnostics of the changed file with its per-page rules, and those of the
    /// site assembly everywhere; the site-wide rules wait for [`Workspace::settle`].
    fn recheck(&mut self, shown: &str, page: Option<usize>, site_diags: Vec<Diagnostic>) {
        for diags in self.diags.values_mut() {
            diags.retain(|d| !SITE_RULES.contains(&d.rule));
        }
        self.diags.remove(shown);
        let mut fresh: Vec<Diagnostic> = self.load_diags.get(shown).cloned().unwrap_or_default();
        fresh.extend(site_diags);
        if let Some(i) = page {
            let cx = Context {
                site: &self.site,
                today: check::today(),
                settings: &self.site.config.check,
            };
            let page = &self.site.pages[i];
            check::structure::check_page(page, &cx, &mut fresh);
            check::evidence::check_page(page, &cx, &mut fresh);
            check::fixes::check_page(page, &cx, &mut fresh);
            check::quality::check_page(page, &cx, &mut fresh);
            check::links::check_page(page, &cx, &mut fresh);
            check::examples::check_page(page, &cx, &mut fresh);
        }
        check::apply_levels(&self.site.config.lints, &mut fresh);
        for (file, diags) in by_file(fresh) {
            self.diags.entry(file).or_default().extend(diags);
        }
        self.diags.retain(|_, d| !d.is_empty());
        self.settled = false;
    }

    /// A template changed: reloads them all and re-renders every page. Broken templates keep
    /// the last good ones in use.
    pub fn templates_changed(&mut self) -> Result<()> {
        let templates = match Templates::load(&self.root) {
            Ok(t) => t,
            Err(diags) => {
                self.template_diags = diags;
                return Ok(());
            }
        };
        let sink = MemorySink::default();
        match render_jobs(&self.site, &templates, &sink, &all_jobs(&self.site)) {
            Ok(()) => {
                let mut files = (*self.files).clone();
                files.extend(sink.into_files());
                self.files = Arc::new(files);
                self.templates = templates;
                self.template_diags.clear();
                Ok(())
            }
            Err(RenderError::Io(e)) => Err(e),
            Err(RenderError::Diagnostics(diags)) => {
                self.template_diags = diags;
                Ok(())
            }
        }
    }

    /// A file under `static/` changed: copies that one file (or restores the theme's default
    /// when a site file that replaced it is removed).
    pub fn static_changed(&mut self, relative_to_static: &Path) -> Result<()> {
        let path = display_path(relative_to_static);
        let full = self.root.join("static").join(relative_to_static);
        let mut files = (*self.files).clone();
        if full.is_file() {
            let sink = MemorySink::default();
            sink.put(&path, Contents::Copy(full))?;
            files.extend(sink.into_files());
        } else if let Some((_, text)) = theme::STATIC.iter().find(|(p, _)| *p == path) {
            files.insert(path, bytes::Bytes::from_static(text.as_bytes()));
        } else {
            files.remove(&path);
        }
        self.files = Arc::new(files);
        Ok(())
    }

    /// errbook.toml changed, or content/ changed in a way one page cannot describe (a directory
    /// renamed): everything is rebuilt. A broken config keeps the last good site.
    pub fn reload_all(&mut self) -> Result<()> {
        match Workspace::load(&self.root)? {
            Ok(fresh) => *self = fresh,
            Err(diags) => {
                let (config, other): (Vec<_>, Vec<_>) = diags
                    .into_iter()
                    .partition(|d| d.file == crate::config::CONFIG_FILE);
                self.config_diags = config;
                if !other.is_empty() {
                    self.template_diags = other;
                }
            }
        }
        Ok(())
    }
}

/// Groups diagnostics by file, keeping their order.
fn by_file(diags: Vec<Diagnostic>) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut map: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in diags {
        map.entry(d.file.clone()).or_default().push(d);
    }
    map
}

/// What a page change can show up on, collected before and after the change (a page can
/// move to another tool or category, or drop a related link).
#[derive(Default)]
struct Touched {
    pages: HashSet<String>,
    tools: HashSet<String>,
    categories: HashSet<String>,
}

impl Touched {
    fn around(&mut self, site: &Site, index: usize) {
        let page = &site.pages[index];
        self.pages.insert(page.file.display_path());
        for &other in site.related[index].iter().chain(&site.backlinks[index]) {
            self.pages.insert(site.pages[other].file.display_path());
        }
        self.tools.insert(page.tool.clone());
        self.categories.insert(page.front.category.value.clone());
    }

    /// The render jobs on the current site: the pages, their listings, and the home page,
    /// sitemap and feed, which list recently updated pages.
    fn jobs<'a>(&self, site: &'a Site) -> Vec<Job<'a>> {
        let mut jobs: Vec<Job> = site
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| self.pages.contains(&p.file.display_path()))
            .map(|(i, _)| Job::Page(i))
            .collect();
        jobs.extend([Job::Home, Job::Sitemap, Job::Feed]);
        for (tool, _) in site.tools() {
            if self.tools.contains(tool) {
                jobs.push(Job::Tool(tool));
            }
        }
        for category in &site.config.categories {
            if self.categories.contains(&category.id) {
                jobs.push(Job::Category(&category.id));
            }
        }
        jobs
    }
}
