//! Incremental rebuild: the preview's model of the site (the last good site, its templates,
//! its diagnostics) and what each kind of change re-reads, re-checks and re-renders.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Context};
use crate::config::SiteConfig;
use crate::content::load::load_one;
use crate::content::{Page, load_pages};
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
    /// Shared with a settle pass running in the background; an edit during one copies its
    /// indexes, not its pages.
    site: Arc<Site>,
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
    /// Problems rendering the last changed page (a template that fails on its data).
    render_diags: Vec<Diagnostic>,
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
            site: Arc::new(site),
            templates,
            files: Arc::new(sink.into_files()),
            load_diags,
            site_diags,
            diags: BTreeMap::new(),
            config_diags: Vec::new(),
            template_diags: Vec::new(),
            render_diags: Vec::new(),
            settled: false,
        };
        let diags = ws.settle_job().run();
        ws.settled_with(diags);
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
            .chain(&self.render_diags)
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

    /// Whether any page was read from under this path (relative to the root).
    pub fn has_pages_under(&self, relative: &Path) -> bool {
        self.site
            .pages
            .iter()
            .any(|p| p.file.path.starts_with(relative))
    }

    pub fn site(&self) -> Arc<Site> {
        self.site.clone()
    }

    pub fn page_count(&self) -> usize {
        self.site.pages.len()
    }

    /// A full check of the current site, as `errbook check` would run it, to be run away
    /// from the edit → reload path: the site-wide rules take about a second on a large site.
    pub fn settle_job(&self) -> SettleJob {
        let mut from_loading: Vec<Diagnostic> =
            self.load_diags.values().flatten().cloned().collect();
        from_loading.extend(self.site_diags.iter().cloned());
        SettleJob {
            site: self.site.clone(),
            from_loading,
        }
    }

    /// Takes the diagnostics of a full check of the current site.
    pub fn settled_with(&mut self, diags: BTreeMap<String, Vec<Diagnostic>>) {
        self.diags = diags;
        self.settled = true;
    }

    /// A page file under `content/` was created, edited or removed: re-reads it, re-checks
    /// it, and re-renders it and whatever shows it: the pages it relates to, and, when its
    /// title, summary, date, tool or category changed, its listings, the sitemap, and the
    /// home page and feed if it is among the recently updated.
    pub fn content_changed(&mut self, relative: &Path) -> Result<()> {
        let shown = display_path(relative);
        let before = self.position(relative);
        let old = before.map(|i| Shown::of(&self.site, i));
        let (page, diags) = if self.root.join(relative).is_file() {
            let (page, diags) = load_one(&self.root, &relative.to_path_buf());
            (page, Some(diags))
        } else {
            (None, None)
        };
        let exists = diags.is_some();
        match diags {
            Some(diags) => self.load_diags.insert(shown.clone(), diags),
            None => self.load_diags.remove(&shown),
        };
        let mut jobs_for_all = false;
        let mut removed_path = None;
        match (page, before) {
            // The common edit: the page keeps its place in the site (tool, slug, category,
            // related pages), so the site's links and listings' membership stand as they are.
            (Some(page), Some(i)) if same_place(&self.site.pages[i], &page) => {
                // Copies the site's indexes if a settle pass holds it; pages are shared.
                Arc::make_mut(&mut self.site).pages[i] = Arc::new(page);
                self.recheck(&shown, Some(i), None);
            }
            (page, before) => {
                // Erroneous pages keep their last good version.
                if page.is_none() && exists && before.is_some() {
                    self.recheck(&shown, before, None);
                    return Ok(());
                }
                let old_view = tera::to_value(site_view(&self.site)).ok();
                let mut pages = self.site.pages.clone();
                match (page, before) {
                    (Some(page), Some(i)) => pages[i] = Arc::new(page),
                    (Some(page), None) => pages.push(Arc::new(page)),
                    (None, Some(i)) => {
                        removed_path = Some(format!("{}index.html", pages[i].path()));
                        pages.remove(i);
                    }
                    (None, None) => {}
                }
                let (site, site_diags) =
                    Site::from_shared(self.root.clone(), self.site.config.clone(), pages);
                self.site = Arc::new(site);
                self.site_diags = site_diags.clone();
                let after = self.position(relative);
                self.recheck(&shown, after, Some(site_diags));
                let new_view = tera::to_value(site_view(&self.site)).ok();
                // The navigation or a count that every page shows changed.
                jobs_for_all = old_view.is_none() || old_view != new_view;
            }
        }
        let after = self.position(relative);
        let new = after.map(|i| Shown::of(&self.site, i));

        let mut files = (*self.files).clone();
        if let Some(path) = removed_path {
            files.remove(&path);
        }
        let sink = MemorySink::default();
        let jobs = if jobs_for_all {
            all_jobs(&self.site)
        } else {
            affected(&self.site, after, old.as_ref(), new.as_ref())
        };
        match render_jobs(&self.site, &self.templates, &sink, &jobs, None) {
            Ok(()) => {
                files.extend(sink.into_files());
                self.files = Arc::new(files);
                self.render_diags.clear();
            }
            Err(RenderError::Io(e)) => return Err(e),
            Err(RenderError::Diagnostics(diags)) => self.render_diags = diags,
        }
        Ok(())
    }

    /// The index of the page read from this file (paths compared without allocating: this
    /// runs over every page on every edit).
    fn position(&self, relative: &Path) -> Option<usize> {
        self.site.pages.iter().position(|p| p.file.path == relative)
    }

    /// Replaces the diagnostics of the changed file with its per-page rules, and those of the
    /// site assembly everywhere; the site-wide rules wait for [`Workspace::settle`].
    /// `site_diags` is `None` when the site was not reassembled (the page kept its place).
    fn recheck(&mut self, shown: &str, page: Option<usize>, site_diags: Option<Vec<Diagnostic>>) {
        let mut fresh: Vec<Diagnostic> = self.load_diags.get(shown).cloned().unwrap_or_default();
        match site_diags {
            Some(site_diags) => {
                for diags in self.diags.values_mut() {
                    diags.retain(|d| !SITE_RULES.contains(&d.rule));
                }
                fresh.extend(site_diags);
            }
            None => fresh.extend(
                self.diags
                    .get(shown)
                    .into_iter()
                    .flatten()
                    .filter(|d| SITE_RULES.contains(&d.rule))
                    .cloned(),
            ),
        }
        self.diags.remove(shown);
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
        match render_jobs(&self.site, &templates, &sink, &all_jobs(&self.site), None) {
            Ok(()) => {
                let mut files = (*self.files).clone();
                files.extend(sink.into_files());
                self.files = Arc::new(files);
                self.templates = templates;
                self.template_diags.clear();
                self.render_diags.clear();
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

/// A full check of one state of the site.
pub struct SettleJob {
    site: Arc<Site>,
    from_loading: Vec<Diagnostic>,
}

impl SettleJob {
    /// The site this pass checks (the search index is rebuilt from it too).
    pub fn site(&self) -> Arc<Site> {
        self.site.clone()
    }

    pub fn run(self) -> BTreeMap<String, Vec<Diagnostic>> {
        by_file(check::check(&self.site, check::today(), self.from_loading))
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

/// Whether an edited page keeps its place in the site: the same tool, slug, category and
/// related pages, so the site's structure need not be assembled again.
fn same_place(old: &Page, new: &Page) -> bool {
    let related =
        |p: &Page| -> Vec<String> { p.front.related.iter().map(|r| r.value.clone()).collect() };
    old.tool == new.tool
        && old.slug == new.slug
        && old.front.category.value == new.front.category.value
        && related(old) == related(new)
}

/// How a page appears in other files, before or after a change.
#[derive(PartialEq)]
struct Shown {
    /// What listings, related lists, the home page and the feed show of it.
    link: (String, String, String, String, String),
    /// What the sitemap shows of it.
    path: String,
    /// Files that show it as related, or that it shows as related.
    neighbours: HashSet<PathBuf>,
}

impl Shown {
    fn of(site: &Site, index: usize) -> Shown {
        let page = &site.pages[index];
        let front = &page.front;
        let neighbours = site.related[index]
            .iter()
            .chain(&site.backlinks[index])
            .map(|&i| site.pages[i].file.path.clone())
            .collect();
        Shown {
            link: (
                front.title.value.clone(),
                front.summary.value.clone(),
                front.updated.value.to_string(),
                page.tool.clone(),
                front.category.value.clone(),
            ),
            path: page.path(),
            neighbours,
        }
    }
}

/// The files to re-render after a page changed from `old` to `new` (`None`: absent).
fn affected<'a>(
    site: &'a Site,
    page: Option<usize>,
    old: Option<&Shown>,
    new: Option<&Shown>,
) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = page.into_iter().map(Job::Page).collect();
    let link = |s: Option<&Shown>| s.map(|s| s.link.clone());
    let relinked = link(old) != link(new);
    let neighbours = |s: Option<&Shown>| s.map(|s| s.neighbours.clone()).unwrap_or_default();
    let (before, after) = (neighbours(old), neighbours(new));
    // Neighbours show its title and summary: all of them if those changed, else only the
    // ones whose related list gained or lost it.
    let redraw: HashSet<&PathBuf> = if relinked {
        before.union(&after).collect()
    } else {
        before.symmetric_difference(&after).collect()
    };
    jobs.extend(
        site.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| redraw.contains(&p.file.path))
            .map(|(i, _)| Job::Page(i)),
    );
    if !relinked {
        return jobs;
    }
    let place = |s: Option<&Shown>| s.map(|s| (s.path.clone(), s.link.2.clone()));
    if place(old) != place(new) {
        jobs.push(Job::Sitemap);
    }
    // Finding whether it is among the recently updated costs a sort of every page; the home
    // page and the feed list only a few pages, so rendering them is cheaper.
    jobs.extend([Job::Home, Job::Feed]);
    for (tool, _) in site.tools() {
        if [old, new].iter().flatten().any(|s| s.link.3 == tool) {
            jobs.push(Job::Tool(tool));
        }
    }
    for category in &site.config.categories {
        if [old, new].iter().flatten().any(|s| s.link.4 == category.id) {
            jobs.push(Job::Category(&category.id));
        }
    }
    // The validator pages link to the pages that explain their rules, by title.
    let explaining: Vec<&'static str> = [old, new]
        .iter()
        .flatten()
        .flat_map(|s| crate::validators::pages::explained_by(&s.path))
        .collect();
    if !explaining.is_empty() {
        jobs.push(Job::Validators);
        jobs.extend(explaining.into_iter().map(Job::Validator));
    }
    jobs
}
