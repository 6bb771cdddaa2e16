//! The site: its configuration and all its pages, with the links between them resolved.
//! Immutable once built; a rebuild makes a new one.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::content::Page;
use crate::diagnostic::{Diagnostic, did_you_mean};

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// Sorted by tool, then slug. Shared, so that `serve` can make the next site from this
    /// one without copying every page.
    pub pages: Vec<Arc<Page>>,
    by_slug: HashMap<String, usize>,
    /// For each page, the pages it lists under `related:`.
    pub related: Vec<Vec<usize>>,
    /// For each page, the pages that list it under `related:`.
    pub backlinks: Vec<Vec<usize>>,
    /// The state of cited GitHub issues and pull requests by URL, as the last
    /// `check --online` found it (empty unless `build` read it from the cache).
    pub source_states: Arc<HashMap<String, crate::online::State>>,
}

impl Site {
    /// Assembles a site, reporting links that cannot be resolved.
    pub fn new(root: PathBuf, config: SiteConfig, pages: Vec<Page>) -> (Site, Vec<Diagnostic>) {
        Site::from_shared(root, config, pages.into_iter().map(Arc::new).collect())
    }

    /// [`Site::new`] from pages that may be shared with another site.
    pub fn from_shared(
        root: PathBuf,
        config: SiteConfig,
        mut pages: Vec<Arc<Page>>,
    ) -> (Site, Vec<Diagnostic>) {
        pages.sort_by(|a, b| (&a.tool, &a.slug).cmp(&(&b.tool, &b.slug)));
        let mut diags = Vec::new();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        for (index, page) in pages.iter().enumerate() {
            if let Some(&first) = by_slug.get(&page.slug) {
                let other: &Page = &pages[first];
                diags.push(
                    Diagnostic::error(
                        "duplicate-slug",
                        &page.file,
                        0..0,
                        format!(
                            "the slug `{}` is also used by {}",
                            page.slug,
                            other.file.display_path()
                        ),
                    )
                    .with_help("slugs are unique across the site; rename one of the files"),
                );
            } else {
                by_slug.insert(page.slug.clone(), index);
            }
        }
        let category_ids: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
        let mut related = vec![Vec::new(); pages.len()];
        let mut backlinks = vec![Vec::new(); pages.len()];
        for (index, page) in pages.iter().enumerate() {
            let category = &page.front.category;
            if !category_ids.contains(&category.value.as_str()) {
                let help = match did_you_mean(&category.value, &category_ids) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "declare it under [[categories]] in errbook.toml".to_string(),
                };
                diags.push(
                    Diagnostic::error(
                        "bad-category",
                        &page.file,
                        category.span.clone(),
                        format!(
                            "category `{}` is not declared in errbook.toml",
                            category.value
                        ),
                    )
                    .with_help(help),
                );
            }
            for target in &page.front.related {
                let slug = target.value.rsplit('/').next().unwrap_or_default();
                match by_slug.get(slug) {
                    Some(&other)
                        if other != index
                            && pages[other]
                                .path()
                                .trim_end_matches('/')
                                .ends_with(target.value.as_str()) =>
                    {
                        if !related[index].contains(&other) {
                            related[index].push(other);
                            backlinks[other].push(index);
                        }
                    }
                    _ => diags.push(
                        Diagnostic::error(
                            "broken-related",
                            &page.file,
                            target.span.clone(),
                            format!("related page `{}` does not exist", target.value),
                        )
                        .with_help("use the slug of another page (its file name without .md)"),
                    ),
                }
            }
        }
        let site = Site {
            root,
            config,
            pages,
            by_slug,
            related,
            backlinks,
            source_states: Arc::default(),
        };
        (site, diags)
    }

    /// Whether any page is about this tool (pages are sorted by tool).
    pub fn has_tool(&self, tool: &str) -> bool {
        let first = self.pages.partition_point(|p| p.tool.as_str() < tool);
        self.pages.get(first).is_some_and(|p| p.tool == tool)
    }

    pub fn page_by_slug(&self, slug: &str) -> Option<&Page> {
        self.by_slug.get(slug).map(|&i| &*self.pages[i])
    }

    /// Page indexes grouped by tool, tools in name order.
    pub fn tools(&self) -> BTreeMap<&str, Vec<usize>> {
        let mut tools: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, page) in self.pages.iter().enumerate() {
            tools.entry(page.tool.as_str()).or_default().push(i);
        }
        tools
    }

    /// Page indexes of one category.
    pub fn in_category(&self, id: &str) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| self.pages[i].front.category.value == id)
            .collect()
    }

    /// Page indexes, most recently updated first (ties by title, for stable output).
    pub fn recently_updated(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.pages.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a].front, &self.pages[b].front);
            pb.updated
                .value
                .cmp(&pa.updated.value)
                .then_with(|| pa.title.value.cmp(&pb.title.value))
        });
        order
    }
}
