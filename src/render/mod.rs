//! Render: the immutable site to the files of the static site. Each file is first *prepared*
//! (its template and variables, which is cheap) and given a [`Key`] hashing everything it is
//! made from; a sink that already holds the file for that key (an incremental build's previous
//! output) takes it from there, and only the others are rendered.

pub mod jsonld;
pub mod key;
pub mod templates;
pub mod view;

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use tera::Context;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::output::{Contents, Sink};
use crate::search::export::SearchAssets;
use crate::site::Site;
use crate::source::display_path;
use crate::theme;
use crate::validators;
pub use key::Key;
use key::KeyHasher;
pub use templates::Templates;
use view::{
    PageLink, PageView, category_path, facets, fill_sections_html, page_link, page_view, site_view,
    tool_path,
};

/// How many pages the home page and the feed list.
const RECENT_ON_HOME: usize = 10;
const RECENT_IN_FEED: usize = 20;

/// Why rendering stopped: problems in the site's templates, or a file that could not be written.
#[derive(Debug)]
pub enum RenderError {
    Diagnostics(Vec<Diagnostic>),
    Io(Error),
}

/// Renders every file of the site into `sink`, pages in parallel, and returns how many files
/// were written. Nothing is buffered beyond one page per thread.
pub fn render(site: &Site, templates: &Templates, sink: &dyn Sink) -> Result<usize, RenderError> {
    render_with_search(site, templates, sink, None)
}

/// [`render`], plus the browser's search index: its files are written and every page's search
/// box points at its fixed entry point, which names the current version (so a new index
/// version changes no page).
pub fn render_with_search(
    site: &Site,
    templates: &Templates,
    sink: &dyn Sink,
    search: Option<&SearchAssets>,
) -> Result<usize, RenderError> {
    let statics = static_files(site)?;
    let jobs = all_jobs(site);
    render_jobs(
        site,
        templates,
        sink,
        &jobs,
        search.map(|_| crate::search::export::ENTRY),
    )?;
    let mut count = jobs.len() + statics.len();
    statics
        .into_par_iter()
        .try_for_each(|(path, contents)| put_file(sink, &path, contents))
        .map_err(RenderError::Io)?;
    if let Some(search) = search {
        search
            .files
            .par_iter()
            .try_for_each(|(path, bytes)| {
                let key = key::of_bytes(bytes);
                if sink.reuse(path, key)? {
                    return Ok(());
                }
                sink.put_keyed(path, key, Contents::Bytes(bytes.clone()))
            })
            .map_err(RenderError::Io)?;
        count += search.files.len();
    }
    Ok(count)
}

/// Puts a file that is not rendered (static, search index, the output's marker), keyed by
/// its content, unless the sink already holds it.
pub fn put_file(sink: &dyn Sink, path: &str, contents: Contents) -> crate::error::Result<()> {
    let key = match &contents {
        Contents::Bytes(bytes) => key::of_bytes(bytes),
        Contents::Copy(from) => key::of_file(from).map_err(|e| Error::io("read", from, e))?,
    };
    if sink.reuse(path, key)? {
        return Ok(());
    }
    sink.put_keyed(path, key, contents)
}

/// Every file the templates produce for this site.
pub fn all_jobs(site: &Site) -> Vec<Job<'_>> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    jobs.extend([
        Job::Home,
        Job::NotFound,
        Job::Sitemap,
        Job::Feed,
        Job::Robots,
        Job::Search,
    ]);
    jobs.extend(site.tools().into_keys().map(Job::Tool));
    jobs.extend(site.config.categories.iter().map(|c| Job::Category(&c.id)));
    jobs.push(Job::Validators);
    jobs.extend(validators::ids().map(Job::Validator));
    jobs
}

/// Renders some of the site's files into `sink`, in parallel: `serve` re-renders only what a
/// change touches. Static files are not included.
pub fn render_jobs(
    site: &Site,
    templates: &Templates,
    sink: &dyn Sink,
    jobs: &[Job],
    search_entry: Option<&str>,
) -> Result<(), RenderError> {
    let renderer = Renderer::new(site, templates, search_entry)
        .map_err(|d| RenderError::Diagnostics(vec![d]))?;
    let failures: Vec<RenderError> = jobs
        .par_iter()
        // Each thread renders with its own copy of the variables every file shares.
        .map_init(
            || renderer.base.clone(),
            |ctx, job| renderer.run(job, ctx, sink).err(),
        )
        .flatten()
        .collect();
    let mut diags = Vec::new();
    for failure in failures {
        match failure {
            RenderError::Io(e) => return Err(RenderError::Io(e)),
            RenderError::Diagnostics(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        // One broken template fails every page that uses it; report it once.
        diags.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
        diags.dedup_by(|a, b| a.file == b.file && a.message == b.message);
        return Err(RenderError::Diagnostics(diags));
    }
    Ok(())
}

/// One file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job<'a> {
    Page(usize),
    Home,
    NotFound,
    Sitemap,
    Feed,
    Robots,
    Search,
    Tool(&'a str),
    Category(&'a str),
    /// `validators/index.html`: every registered config validator.
    Validators,
    /// `validators/<id>/index.html`: a validator's rules, the anchors rule URLs point at.
    Validator(&'static str),
}

/// A template variable.
fn value(value: &impl Serialize) -> Result<Value, Diagnostic> {
    tera::to_value(value).map_err(internal)
}

fn internal(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::file_error(
        "template-error",
        "templates",
        1,
        1,
        format!("could not prepare template data: {e}"),
    )
}

/// Renders the files of one site with one set of templates.
struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    tools: BTreeMap<&'a str, Vec<usize>>,
    /// The variables every file gets: `site` and `search_entry` (also `search_manifest`, its
    /// name before the entry point existed).
    base: Context,
    /// Everything every file depends on: errbook itself, the templates, `errbook.toml` and
    /// the shared variables.
    base_key: Key,
}

/// Where a job's file goes and how it is introduced: its path, template, depth below the site
/// root (`None`: links from the base path), canonical URL and description.
type JobFile = (String, &'static str, Option<usize>, Option<String>, String);

/// A file ready to render: its template and variables, and the key of all of them.
struct Prepared<'a> {
    path: String,
    template: &'static str,
    key: Key,
    vars: Vec<(&'static str, Value)>,
    /// An error page's number and view (the `page` variable), made a template value, with its
    /// sections' HTML and JSON-LD, only when it is rendered.
    page: Option<(usize, PageView<'a>)>,
}

/// The variables a page, home or listing adds to the context, besides `root`, `canonical` and
/// `description`, which every file sets.
const JOB_VARS: &[&str] = &[
    "page",
    "list",
    "recent",
    "tools",
    "categories",
    "entries",
    "feed_updated",
    "validator",
    "validators",
];

#[derive(Serialize)]
struct ListView<'a> {
    kind: &'a str,
    title: &'a str,
    description: &'a str,
    pages: Vec<PageLink<'a>>,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        templates: &'a Templates,
        search_entry: Option<&str>,
    ) -> Result<Self, Diagnostic> {
        let site_value = tera::to_value(site_view(site)).map_err(internal)?;
        let mut base_key = KeyHasher::new();
        base_key.key(key::build_id()).key(templates.fingerprint);
        // Any change to errbook.toml re-renders everything, whatever it changed.
        base_key.bytes(&std::fs::read(site.root.join("errbook.toml")).unwrap_or_default());
        base_key.json(&site_value).json(&search_entry);
        let mut base = Context::new();
        base.insert("site", &site_value);
        base.insert("search_entry", &search_entry);
        base.insert("search_manifest", &search_entry);
        Ok(Renderer {
            site,
            templates,
            tools: site.tools(),
            base,
            base_key: base_key.finish(),
        })
    }

    /// Prepares a job, takes it from the sink if it already holds it, else renders it.
    fn run(&self, job: &Job<'a>, ctx: &mut Context, sink: &dyn Sink) -> Result<(), RenderError> {
        let prepared = self
            .prepare(job)
            .map_err(|d| RenderError::Diagnostics(vec![d]))?;
        if sink
            .reuse(&prepared.path, prepared.key)
            .map_err(RenderError::Io)?
        {
            return Ok(());
        }
        let (path, key) = (prepared.path.clone(), prepared.key);
        let html = self
            .render(prepared, ctx)
            .map_err(|d| RenderError::Diagnostics(vec![d]))?;
        sink.put_keyed(&path, key, Contents::Bytes(html.into_bytes()))
            .map_err(RenderError::Io)
    }

    fn render(&self, prepared: Prepared<'a>, ctx: &mut Context) -> Result<String, Diagnostic> {
        let mut vars = serde_json::Map::new();
        if let Some((index, mut view)) = prepared.page {
            view.jsonld = jsonld::for_page(self.site, index);
            let mut view = value(&view)?;
            fill_sections_html(&mut view, &self.site.pages[index]);
            vars.insert("page".into(), view);
        }
        for (name, value) in prepared.vars {
            vars.insert(name.into(), value);
        }
        // Moved into the context: `Context::insert` would serialize each value again.
        ctx.extend(Context::from_value(Value::Object(vars)).map_err(internal)?);
        let html = self
            .templates
            .render(prepared.template, ctx, &self.site.root);
        for name in JOB_VARS {
            ctx.remove(name);
        }
        html
    }

    fn prepare(&self, job: &Job<'a>) -> Result<Prepared<'a>, Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let mut vars: Vec<(&'static str, Value)> = Vec::with_capacity(6);
        let mut page = None;
        let (path, template, depth, canonical, description): JobFile = match *job {
            Job::Page(index) => {
                // The JSON-LD, like the sections' HTML, is made only when the page is rendered:
                // both follow from the page's source and the site's settings, which the key
                // holds.
                let view = page_view(site, index);
                let path = format!("{}index.html", view.path);
                let canonical = Some(view.permalink.clone());
                let description = view.summary_text.clone();
                page = Some((index, view));
                (path, "page.html", Some(2), canonical, description)
            }
            Job::Home => {
                let (tools, categories) = facets(site, true);
                vars.push(("recent", value(&self.recent(RECENT_ON_HOME))?));
                vars.push(("tools", value(&tools)?));
                vars.push(("categories", value(&categories)?));
                let canonical = Some(config.base_url.clone());
                (
                    "index.html".into(),
                    "index.html",
                    Some(0),
                    canonical,
                    config.description.clone(),
                )
            }
            // Hosts serve 404.html at any depth, so its links are absolute from the site's
            // base path.
            Job::NotFound => (
                "404.html".into(),
                "404.html",
                None,
                None,
                config.description.clone(),
            ),
            Job::Sitemap => {
                vars.push(("entries", value(&self.sitemap())?));
                (
                    "sitemap.xml".into(),
                    "sitemap.xml",
                    Some(0),
                    None,
                    String::new(),
                )
            }
            Job::Feed => {
                let entries = self.recent(RECENT_IN_FEED);
                let updated = entries
                    .first()
                    .map_or_else(|| "1970-01-01".to_string(), |p| p.updated.clone());
                vars.push(("entries", value(&entries)?));
                vars.push(("feed_updated", value(&format!("{updated}T00:00:00Z"))?));
                ("atom.xml".into(), "atom.xml", Some(0), None, String::new())
            }
            Job::Robots => (
                "robots.txt".into(),
                "robots.txt",
                Some(0),
                None,
                String::new(),
            ),
            Job::Search => (
                "search/index.html".into(),
                "search.html",
                Some(1),
                None,
                config.description.clone(),
            ),
            Job::Tool(tool) => {
                let title = format!("{tool} errors");
                let description = format!("Every {tool} error in {}.", config.title);
                let list = self.listing("tool", &title, &description, &self.tools[tool]);
                vars.push(("list", value(&list)?));
                let path = format!("{}index.html", tool_path(tool));
                let canonical = Some(format!("{}{}", config.base_url, tool_path(tool)));
                (path, "list.html", Some(1), canonical, description)
            }
            Job::Category(id) => {
                let category = config.category(id).expect("jobs come from the config");
                let indexes = site.in_category(id);
                let list =
                    self.listing("category", &category.name, &category.description, &indexes);
                vars.push(("list", value(&list)?));
                let path = format!("{}index.html", category_path(id));
                let canonical = Some(format!("{}{}", config.base_url, category_path(id)));
                (
                    path,
                    "list.html",
                    Some(2),
                    canonical,
                    category.description.clone(),
                )
            }
            Job::Validators => self.validators_page(None, &mut vars)?,
            Job::Validator(id) => self.validators_page(Some(id), &mut vars)?,
        };
        // `depth` is how many directories below the site root the file is, so links stay
        // relative and the site works from any path.
        let root = match depth {
            Some(depth) => "../".repeat(depth),
            None => base_path(&config.base_url),
        };
        vars.push(("root", Value::String(root)));
        vars.push(("canonical", canonical.map_or(Value::Null, Value::String)));
        vars.push(("description", Value::String(description)));
        let mut hasher = KeyHasher::new();
        hasher.key(self.base_key).str(template).str(&path);
        if let Some((index, view)) = &page {
            // The view is hashed as it is serialized, without making it a template value;
            // the sections' HTML is made from the page's markdown (and its sources).
            hasher.str("page").json(view);
            hasher.str(&site.pages[*index].file.text);
        }
        for (name, value) in &vars {
            hasher.str(name).json(value);
        }
        Ok(Prepared {
            path,
            template,
            key: hasher.finish(),
            vars,
            page,
        })
    }

    fn listing(
        &self,
        kind: &'a str,
        title: &'a str,
        description: &'a str,
        indexes: &[usize],
    ) -> ListView<'a> {
        let mut pages: Vec<PageLink> = indexes
            .iter()
            .map(|&i| page_link(self.site, &self.site.pages[i]))
            .collect();
        pages.sort_by_cached_key(|p| p.title.to_lowercase());
        ListView {
            kind,
            title,
            description,
            pages,
        }
    }

    fn recent(&self, n: usize) -> Vec<PageLink<'a>> {
        self.site
            .recently_updated()
            .into_iter()
            .take(n)
            .map(|i| page_link(self.site, &self.site.pages[i]))
            .collect()
    }

    /// The validators index (`id` None) or one validator's rules, each rule linking to the
    /// site's page that explains it when the site has one: the job's variables, and its path,
    /// template, depth, canonical URL and description.
    fn validators_page(
        &self,
        id: Option<&str>,
        vars: &mut Vec<(&'static str, Value)>,
    ) -> Result<JobFile, Diagnostic> {
        let find = |page: &str| {
            let (tool, slug) = page.split_once('/')?;
            let found = self.site.page_by_slug(slug).filter(|p| p.tool == tool)?;
            Some(validators::pages::PageRef {
                path: found.path(),
                title: found.front.title.value.clone(),
            })
        };
        let views = validators::pages::views(&find);
        let (path, depth) = match id {
            Some(id) => (format!("validators/{id}/index.html"), 2),
            None => ("validators/index.html".to_string(), 1),
        };
        match id {
            Some(id) => vars.push(("validator", value(&views.iter().find(|v| v.id == id))?)),
            None => {
                vars.push(("validator", Value::Null));
                vars.push(("validators", value(&views)?));
            }
        }
        let canonical = format!(
            "{}{}",
            self.site.config.base_url,
            path.trim_end_matches("index.html")
        );
        let description =
            "The rules of errbook's config validators and the pages that explain them.";
        Ok((
            path,
            "validators.html",
            Some(depth),
            Some(canonical),
            description.to_string(),
        ))
    }

    fn sitemap(&self) -> Vec<SitemapEntry> {
        let base = &self.site.config.base_url;
        let mut entries = vec![SitemapEntry {
            loc: base.clone(),
            lastmod: None,
        }];
        for tool in self.tools.keys() {
            entries.push(SitemapEntry {
                loc: format!("{base}{}", tool_path(tool)),
                lastmod: None,
            });
        }
        for category in &self.site.config.categories {
            entries.push(SitemapEntry {
                loc: format!("{base}{}", category_path(&category.id)),
                lastmod: None,
            });
        }
        for path in validators::pages::output_paths() {
            entries.push(SitemapEntry {
                loc: format!("{base}{}", path.trim_end_matches("index.html")),
                lastmod: None,
            });
        }
        for page in &self.site.pages {
            entries.push(SitemapEntry {
                loc: format!("{base}{}", page.path()),
                lastmod: Some(page.front.updated.value.to_string()),
            });
        }
        entries
    }
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

/// The path part of the base URL: `https://x.org/kb/` → `/kb/`.
fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match rest.find('/') {
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    }
}

/// The theme's static files, then the site's `static/`, which
/// may replace any of them but not a generated page.
pub fn static_files(site: &Site) -> Result<Vec<(String, Contents)>, RenderError> {
    let mut files: Vec<(String, Contents)> = theme::STATIC
        .iter()
        .map(|(path, text)| (path.to_string(), Contents::Bytes(text.as_bytes().to_vec())))
        .collect();
    let dir = site.root.join("static");
    if !dir.is_dir() {
        return Ok(files);
    }
    let generated = generated_paths(site);
    // Symlinks are followed: a linked favicon or stylesheet is copied as its target.
    for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            RenderError::Io(Error::new(format!("could not read {}: {e}", dir.display())))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = display_path(entry.path().strip_prefix(&dir).unwrap_or(entry.path()));
        if generated.contains(&path) {
            let diag = Diagnostic::file_error(
                "static-collision",
                &format!("static/{path}"),
                1,
                1,
                format!("`static/{path}` would replace the generated `{path}`"),
            )
            .with_help("rename or move the static file");
            return Err(RenderError::Diagnostics(vec![diag]));
        }
        files.retain(|(p, _)| *p != path);
        files.push((path, Contents::Copy(entry.path().to_path_buf())));
    }
    Ok(files)
}

/// Every path the templates produce.
fn generated_paths(site: &Site) -> HashSet<String> {
    let mut paths: HashSet<String> = [
        "index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "search/index.html",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    paths.extend(site.pages.iter().map(|p| format!("{}index.html", p.path())));
    paths.extend(validators::pages::output_paths());
    paths.extend(
        site.tools()
            .into_keys()
            .map(|t| format!("{}index.html", tool_path(t))),
    );
    paths.extend(
        site.config
            .categories
            .iter()
            .map(|c| format!("{}index.html", category_path(&c.id))),
    );
    paths
}

#[cfg(test)]
mod tests {
    #[test]
    fn base_path_of_urls() {
        assert_eq!(super::base_path("https://x.org/"), "/");
        assert_eq!(super::base_path("https://x.org/kb/"), "/kb/");
    }
}
