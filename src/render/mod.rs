//! Render: the immutable site to the files of the static site, in memory.

pub mod jsonld;
pub mod templates;
pub mod view;

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;
use walkdir::WalkDir;

use crate::content::highlight;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::output::{Contents, Sink};
use crate::search::export::SearchAssets;
use crate::site::Site;
use crate::source::display_path;
use crate::theme;
use crate::validators;
pub use templates::Templates;
use view::{PageLink, category_path, page_link, page_view, site_view, tool_path};

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
/// box points at its manifest.
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
        search.map(|s| s.manifest.as_str()),
    )?;
    let mut count = jobs.len() + statics.len();
    for (path, contents) in statics {
        sink.put(&path, contents).map_err(RenderError::Io)?;
    }
    if let Some(search) = search {
        search
            .files
            .par_iter()
            .try_for_each(|(path, bytes)| sink.put(path, Contents::Bytes(bytes.clone())))
            .map_err(RenderError::Io)?;
        count += search.files.len();
    }
    Ok(count)
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
    search_manifest: Option<&str>,
) -> Result<(), RenderError> {
    let renderer = Renderer {
        site,
        templates,
        site_value: tera::to_value(site_view(site))
            .map_err(|e| RenderError::Diagnostics(vec![internal(e)]))?,
        search_manifest: search_manifest.map(str::to_owned),
    };
    let failures: Vec<RenderError> = jobs
        .par_iter()
        .filter_map(|job| {
            let (path, html) = match renderer.run(job) {
                Ok(file) => file,
                Err(d) => return Some(RenderError::Diagnostics(vec![d])),
            };
            sink.put(&path, Contents::Bytes(html.into_bytes()))
                .err()
                .map(RenderError::Io)
        })
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

fn internal(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::file_error(
        "template-error",
        "templates",
        1,
        1,
        format!("could not prepare template data: {e}"),
    )
}

struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    site_value: tera::Value,
    /// The browser search index's manifest, below the site root.
    search_manifest: Option<String>,
}

#[derive(Serialize)]
struct ListView<'a> {
    kind: &'a str,
    title: &'a str,
    description: &'a str,
    pages: Vec<PageLink<'a>>,
}

impl<'a> Renderer<'a> {
    fn run(&self, job: &Job<'a>) -> Result<(String, String), Diagnostic> {
        match *job {
            Job::Page(index) => self.error_page(index),
            Job::Home => self.home(),
            Job::NotFound => self.not_found(),
            Job::Sitemap => self.sitemap(),
            Job::Feed => self.feed(),
            Job::Robots => self.robots(),
            Job::Search => {
                let ctx = self.context(1, None, &self.site.config.description);
                self.file("search/index.html", "search.html", &ctx)
            }
            Job::Tool(tool) => {
                let title = format!("{tool} errors");
                let description = format!("Every {tool} error in {}.", self.site.config.title);
                let indexes = &self.site.tools()[tool];
                let list = self.listing("tool", &title, &description, indexes);
                self.render_to(&format!("{}index.html", tool_path(tool)), 1, &list)
            }
            Job::Validators => self.validators_page(None),
            Job::Validator(id) => self.validators_page(Some(id)),
            Job::Category(id) => {
                let category = self
                    .site
                    .config
                    .category(id)
                    .expect("jobs come from the config");
                let indexes = self.site.in_category(id);
                let list =
                    self.listing("category", &category.name, &category.description, &indexes);
                self.render_to(&format!("{}index.html", category_path(id)), 2, &list)
            }
        }
    }

    /// A context with what every template gets; `depth` is how many directories below the
    /// site root the file is, so links stay relative and the site works from any path.
    fn context(&self, depth: usize, canonical: Option<String>, description: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_value);
        ctx.insert("root", &"../".repeat(depth));
        ctx.insert("canonical", &canonical);
        ctx.insert("description", description);
        ctx.insert("search_manifest", &self.search_manifest);
        ctx
    }

    fn render_to(
        &self,
        path: &str,
        depth: usize,
        list: &ListView,
    ) -> Result<(String, String), Diagnostic> {
        let canonical = format!(
            "{}{}",
            self.site.config.base_url,
            path.trim_end_matches("index.html")
        );
        let mut ctx = self.context(depth, Some(canonical), list.description);
        ctx.insert("list", list);
        self.file(path, "list.html", &ctx)
    }

    fn file(
        &self,
        path: &str,
        template: &str,
        ctx: &Context,
    ) -> Result<(String, String), Diagnostic> {
        let html = self.templates.render(template, ctx, &self.site.root)?;
        Ok((path.to_string(), html))
    }

    fn error_page(&self, index: usize) -> Result<(String, String), Diagnostic> {
        let jsonld = jsonld::for_page(self.site, index);
        let view = page_view(self.site, index, jsonld);
        let mut ctx = self.context(2, Some(view.permalink.clone()), &view.summary_text);
        ctx.insert("page", &view);
        self.file(&format!("{}index.html", view.path), "page.html", &ctx)
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
        pages.sort_by_key(|p| p.title.to_lowercase());
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

    fn home(&self) -> Result<(String, String), Diagnostic> {
        let mut ctx = self.context(
            0,
            Some(self.site.config.base_url.clone()),
            &self.site.config.description,
        );
        ctx.insert("recent", &self.recent(RECENT_ON_HOME));
        self.file("index.html", "index.html", &ctx)
    }

    /// Hosts serve 404.html at any depth, so its links are absolute from the site's base path.
    fn not_found(&self) -> Result<(String, String), Diagnostic> {
        let mut ctx = self.context(0, None, &self.site.config.description);
        ctx.insert("root", &base_path(&self.site.config.base_url));
        self.file("404.html", "404.html", &ctx)
    }

    fn sitemap(&self) -> Result<(String, String), Diagnostic> {
        #[derive(Serialize)]
        struct Entry {
            loc: String,
            lastmod: Option<String>,
        }
        let base = &self.site.config.base_url;
        let mut entries = vec![Entry {
            loc: base.clone(),
            lastmod: None,
        }];
        for tool in self.site.tools().keys() {
            entries.push(Entry {
                loc: format!("{base}{}", tool_path(tool)),
                lastmod: None,
            });
        }
        for category in &self.site.config.categories {
            entries.push(Entry {
                loc: format!("{base}{}", category_path(&category.id)),
                lastmod: None,
            });
        }
        for path in validators::pages::output_paths() {
            entries.push(Entry {
                loc: format!("{base}{}", path.trim_end_matches("index.html")),
                lastmod: None,
            });
        }
        for page in &self.site.pages {
            let lastmod = Some(page.front.updated.value.to_string());
            entries.push(Entry {
                loc: format!("{base}{}", page.path()),
                lastmod,
            });
        }
        let mut ctx = self.context(0, None, "");
        ctx.insert("entries", &entries);
        self.file("sitemap.xml", "sitemap.xml", &ctx)
    }

    fn feed(&self) -> Result<(String, String), Diagnostic> {
        let entries = self.recent(RECENT_IN_FEED);
        let updated = entries
            .first()
            .map_or_else(|| "1970-01-01".to_string(), |p| p.updated.clone());
        let mut ctx = self.context(0, None, "");
        ctx.insert("entries", &entries);
        ctx.insert("feed_updated", &format!("{updated}T00:00:00Z"));
        self.file("atom.xml", "atom.xml", &ctx)
    }

    /// The validators index (`id` None) or one validator's rules, each rule linking to the
    /// site's page that explains it when the site has one.
    fn validators_page(&self, id: Option<&str>) -> Result<(String, String), Diagnostic> {
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
        let canonical = format!(
            "{}{}",
            self.site.config.base_url,
            path.trim_end_matches("index.html")
        );
        let description =
            "The rules of errbook's config validators and the pages that explain them.";
        let mut ctx = self.context(depth, Some(canonical), description);
        match id {
            Some(id) => {
                let view = views.iter().find(|v| v.id == id);
                ctx.insert("validator", &view);
            }
            None => {
                ctx.insert("validator", &None::<()>);
                ctx.insert("validators", &views);
            }
        }
        self.file(&path, "validators.html", &ctx)
    }

    fn robots(&self) -> Result<(String, String), Diagnostic> {
        self.file("robots.txt", "robots.txt", &self.context(0, None, ""))
    }
}

/// The path part of the base URL: `https://x.org/kb/` → `/kb/`.
fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match rest.find('/') {
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    }
}

/// The theme's static files, the highlighting stylesheet, then the site's `static/`, which
/// may replace any of them but not a generated page.
pub fn static_files(site: &Site) -> Result<Vec<(String, Contents)>, RenderError> {
    let mut files: Vec<(String, Contents)> = theme::STATIC
        .iter()
        .map(|(path, text)| (path.to_string(), Contents::Bytes(text.as_bytes().to_vec())))
        .collect();
    files.push((
        theme::HIGHLIGHT_CSS.to_string(),
        Contents::Bytes(highlight::stylesheet().into_bytes()),
    ));
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
