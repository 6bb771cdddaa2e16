//! Render: the immutable site to the files of the static site, in memory.

pub mod jsonld;
pub mod templates;
pub mod view;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;
use walkdir::WalkDir;

use crate::content::highlight;
use crate::diagnostic::Diagnostic;
use crate::output::{Contents, Output, OutputFile};
use crate::site::Site;
use crate::source::display_path;
use crate::theme;
pub use templates::Templates;
use view::{PageLink, category_path, page_link, page_view, site_view, tool_path};

/// How many pages the home page and the feed list.
const RECENT_ON_HOME: usize = 10;
const RECENT_IN_FEED: usize = 20;

/// Renders every file of the site. Template errors are diagnostics.
pub fn render(site: &Site, templates: &Templates) -> Result<Output, Vec<Diagnostic>> {
    let renderer = Renderer {
        site,
        templates,
        site_value: tera::to_value(site_view(site)).map_err(|e| vec![internal(e)])?,
    };
    let pages: Vec<Result<OutputFile, Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| renderer.error_page(i))
        .collect();
    let mut files = Vec::with_capacity(pages.len() + 16);
    let mut diags = Vec::new();
    for page in pages {
        match page {
            Ok(file) => files.push(file),
            Err(d) => diags.push(d),
        }
    }
    for result in [
        renderer.home(),
        renderer.not_found(),
        renderer.sitemap(),
        renderer.feed(),
        renderer.robots(),
    ] {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diags.push(d),
        }
    }
    for (tool, indexes) in site.tools() {
        let title = format!("{tool} errors");
        let description = format!("Every {tool} error in {}.", site.config.title);
        let list = renderer.listing("tool", &title, &description, &indexes);
        push(
            renderer.render_to(
                &format!("{}index.html", tool_path(tool)),
                "list.html",
                1,
                &list,
            ),
            &mut files,
            &mut diags,
        );
    }
    for category in &site.config.categories {
        let indexes = site.in_category(&category.id);
        let list = renderer.listing("category", &category.name, &category.description, &indexes);
        let path = format!("{}index.html", category_path(&category.id));
        push(
            renderer.render_to(&path, "list.html", 2, &list),
            &mut files,
            &mut diags,
        );
    }
    if !diags.is_empty() {
        diags.dedup_by(|a, b| a.file == b.file && a.message == b.message);
        return Err(diags);
    }
    let mut output = Output { files };
    add_static(&mut output, &site.root).map_err(|d| vec![d])?;
    Ok(output)
}

fn push(
    result: Result<OutputFile, Diagnostic>,
    files: &mut Vec<OutputFile>,
    diags: &mut Vec<Diagnostic>,
) {
    match result {
        Ok(file) => files.push(file),
        Err(d) => diags.push(d),
    }
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
}

#[derive(Serialize)]
struct ListView<'a> {
    kind: &'a str,
    title: &'a str,
    description: &'a str,
    pages: Vec<PageLink<'a>>,
}

impl<'a> Renderer<'a> {
    /// A context with what every template gets; `depth` is how many directories below the
    /// site root the file is, so links stay relative and the site works from any path.
    fn context(&self, depth: usize, canonical: Option<String>, description: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_value);
        ctx.insert("root", &"../".repeat(depth));
        ctx.insert("canonical", &canonical);
        ctx.insert("description", description);
        ctx
    }

    fn render_to(
        &self,
        path: &str,
        template: &str,
        depth: usize,
        list: &ListView,
    ) -> Result<OutputFile, Diagnostic> {
        let canonical = format!(
            "{}{}",
            self.site.config.base_url,
            path.trim_end_matches("index.html")
        );
        let mut ctx = self.context(depth, Some(canonical), list.description);
        ctx.insert("list", list);
        self.file(path, template, &ctx)
    }

    fn file(&self, path: &str, template: &str, ctx: &Context) -> Result<OutputFile, Diagnostic> {
        let html = self.templates.render(template, ctx, &self.site.root)?;
        Ok(OutputFile::new(path, Contents::Bytes(html.into_bytes())))
    }

    fn error_page(&self, index: usize) -> Result<OutputFile, Diagnostic> {
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

    fn home(&self) -> Result<OutputFile, Diagnostic> {
        let mut ctx = self.context(
            0,
            Some(self.site.config.base_url.clone()),
            &self.site.config.description,
        );
        ctx.insert("recent", &self.recent(RECENT_ON_HOME));
        self.file("index.html", "index.html", &ctx)
    }

    /// Hosts serve 404.html at any depth, so its links are absolute from the site's base path.
    fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let mut ctx = self.context(0, None, &self.site.config.description);
        ctx.insert("root", &base_path(&self.site.config.base_url));
        self.file("404.html", "404.html", &ctx)
    }

    fn sitemap(&self) -> Result<OutputFile, Diagnostic> {
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

    fn feed(&self) -> Result<OutputFile, Diagnostic> {
        let entries = self.recent(RECENT_IN_FEED);
        let updated = entries
            .first()
            .map_or_else(|| "1970-01-01".to_string(), |p| p.updated.clone());
        let mut ctx = self.context(0, None, "");
        ctx.insert("entries", &entries);
        ctx.insert("feed_updated", &format!("{updated}T00:00:00Z"));
        self.file("atom.xml", "atom.xml", &ctx)
    }

    fn robots(&self) -> Result<OutputFile, Diagnostic> {
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
fn add_static(output: &mut Output, root: &Path) -> Result<(), Diagnostic> {
    let generated: std::collections::HashSet<String> =
        output.files.iter().map(|f| f.path.clone()).collect();
    for (path, text) in theme::STATIC {
        output.files.push(OutputFile::new(
            path,
            Contents::Bytes(text.as_bytes().to_vec()),
        ));
    }
    output.files.push(OutputFile::new(
        theme::HIGHLIGHT_CSS,
        Contents::Bytes(highlight::stylesheet().into_bytes()),
    ));
    let dir = root.join("static");
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::file_error("unreadable-file", "static", 1, 1, e.to_string())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = display_path(entry.path().strip_prefix(&dir).unwrap_or(entry.path()));
        if generated.contains(&path) {
            return Err(Diagnostic::file_error(
                "static-collision",
                &format!("static/{path}"),
                1,
                1,
                format!("`static/{path}` would replace the generated `{path}`"),
            )
            .with_help("rename or move the static file"));
        }
        output.files.retain(|f| f.path != path);
        output.files.push(OutputFile::new(
            &path,
            Contents::Copy(entry.path().to_path_buf()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn base_path_of_urls() {
        assert_eq!(super::base_path("https://x.org/"), "/");
        assert_eq!(super::base_path("https://x.org/kb/"), "/kb/");
    }
}
