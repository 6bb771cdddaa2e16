//! The values templates see: plain serializable views of the site and its pages.

use serde::Serialize;

use crate::content::markdown::{SectionKind, inline_html, inline_text};
use crate::content::{Page, Signature};
use crate::site::Site;

/// What every template sees as `site`. It holds nothing that grows with the number of pages,
/// so that adding a page re-renders only the pages that show it.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub validator_endpoint: Option<&'a str>,
    pub tools: Vec<FacetView<'a>>,
    pub categories: Vec<FacetView<'a>>,
}

/// A tool or a category, with its listing page. `count` (pages in it) is filled for the
/// home page's lists only.
#[derive(Serialize)]
pub struct FacetView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

/// A page as listed elsewhere: home, listings, related errors, the feed.
#[derive(Serialize)]
pub struct PageLink<'a> {
    pub title: &'a str,
    pub path: String,
    pub permalink: String,
    pub tool: &'a str,
    pub category: &'a str,
    pub category_name: &'a str,
    pub summary: String,
    pub updated: String,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub tool: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub tool_path: String,
    pub permalink: String,
    pub category: FacetView<'a>,
    pub signatures: Vec<SignatureView<'a>>,
    pub summary_html: String,
    pub summary_text: String,
    pub quick_fix_html: String,
    pub updated: String,
    /// `draft: true`: only `serve` and `build --drafts` render it.
    pub draft: bool,
    pub sections: Vec<SectionView<'a>>,
    pub sources: Vec<SourceView<'a>>,
    /// Pages this one lists under `related:` and pages that list this one, without repeats.
    pub related: Vec<PageLink<'a>>,
    pub validator: Option<&'a str>,
    pub jsonld: String,
}

/// A signature as the page shows it: a literal is the error text itself; a regex shows its
/// real examples as the error text and keeps the pattern behind a disclosure.
#[derive(Serialize)]
pub struct SignatureView<'a> {
    /// `literal` or `regex`.
    pub kind: &'static str,
    /// The literal, or the regex's pattern.
    pub text: &'a str,
    /// A regex's `example:` messages.
    pub examples: Vec<&'a str>,
}

impl<'a> SignatureView<'a> {
    pub fn of(signature: &'a Signature) -> Self {
        SignatureView {
            kind: if signature.is_regex() {
                "regex"
            } else {
                "literal"
            },
            text: signature.text(),
            examples: signature
                .examples()
                .iter()
                .map(|e| e.value.as_str())
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub id: &'a str,
    pub html: String,
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    pub number: usize,
    pub id: &'a str,
    pub url: Option<&'a str>,
    /// A `capture`'s file below the site root (its `url` without the leading `/`), linked as
    /// `{{ root }}{{ source.path }}` so that it follows the base URL like every other link.
    pub path: Option<&'a str>,
    pub host: Option<&'a str>,
    pub title: &'a str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub date: Option<String>,
    /// `open`, `closed`, `merged` or `closed-unmerged`: a GitHub issue's or pull request's
    /// state when `check --online` last looked (None if it never did).
    pub state: Option<&'static str>,
    pub state_label: Option<&'static str>,
}

pub fn tool_path(tool: &str) -> String {
    format!("{tool}/")
}

pub fn category_path(id: &str) -> String {
    format!("category/{id}/")
}

pub fn site_view(site: &Site) -> SiteView<'_> {
    let config = &site.config;
    let (tools, categories) = facets(site, false);
    SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        language: &config.language,
        validator_endpoint: config.validator_endpoint.as_deref(),
        tools,
        categories,
    }
}

/// The site's tools (in name order) and its categories (in config order), with their page
/// counts when `counted`.
pub fn facets(site: &Site, counted: bool) -> (Vec<FacetView<'_>>, Vec<FacetView<'_>>) {
    let tools = site
        .tools()
        .into_iter()
        .map(|(tool, pages)| FacetView {
            id: tool,
            name: tool,
            description: "",
            path: tool_path(tool),
            count: counted.then_some(pages.len()),
        })
        .collect();
    let mut per_category: std::collections::HashMap<&str, usize> = Default::default();
    if counted {
        for page in &site.pages {
            *per_category.entry(&page.front.category.value).or_default() += 1;
        }
    }
    let categories = site
        .config
        .categories
        .iter()
        .map(|c| FacetView {
            id: &c.id,
            name: &c.name,
            description: &c.description,
            path: category_path(&c.id),
            count: counted.then(|| per_category.get(c.id.as_str()).copied().unwrap_or(0)),
        })
        .collect();
    (tools, categories)
}

fn category_name<'a>(site: &'a Site, page: &'a Page) -> &'a str {
    let id = page.front.category.value.as_str();
    site.config.category(id).map_or(id, |c| c.name.as_str())
}

pub fn page_link<'a>(site: &'a Site, page: &'a Page) -> PageLink<'a> {
    PageLink {
        title: &page.front.title.value,
        path: page.path(),
        permalink: format!("{}{}", site.config.base_url, page.path()),
        tool: &page.tool,
        category: &page.front.category.value,
        category_name: category_name(site, page),
        summary: inline_text(&page.front.summary.value),
        updated: page.front.updated.value.to_string(),
    }
}

/// A page's view without the HTML of its sections, which is the costly part (markdown parsed
/// again, code highlighted): [`fill_sections_html`] adds it once the page is to be rendered.
/// Its JSON-LD is left empty too, for the renderer to fill likewise.
pub fn page_view(site: &Site, index: usize) -> PageView<'_> {
    let page = &site.pages[index];
    let front = &page.front;
    let mut linked: Vec<usize> = site.related[index].clone();
    for &other in &site.backlinks[index] {
        if !linked.contains(&other) {
            linked.push(other);
        }
    }
    PageView {
        title: &front.title.value,
        tool: &page.tool,
        slug: &page.slug,
        path: page.path(),
        tool_path: tool_path(&page.tool),
        permalink: format!("{}{}", site.config.base_url, page.path()),
        category: FacetView {
            id: &front.category.value,
            name: category_name(site, page),
            description: "",
            path: category_path(&front.category.value),
            count: None,
        },
        signatures: front
            .signatures
            .iter()
            .map(|s| SignatureView::of(&s.value))
            .collect(),
        summary_html: inline_html(&front.summary.value),
        summary_text: inline_text(&front.summary.value),
        quick_fix_html: inline_html(&front.quick_fix.value),
        updated: front.updated.value.to_string(),
        draft: front.draft,
        sections: page
            .body
            .sections
            .iter()
            .map(|s| SectionView {
                kind: s.kind.name(),
                title: &s.title,
                id: &s.id,
                html: String::new(),
            })
            .collect(),
        sources: front
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| SourceView {
                number: i + 1,
                id: &s.id.value,
                url: s.url.as_ref().map(|u| u.value.as_str()),
                path: s.capture_path(),
                host: s.url.as_ref().and_then(|u| url_host(&u.value)),
                title: &s.title.value,
                kind: s.kind.value.name(),
                kind_label: s.kind.value.label(),
                date: s.date.as_ref().map(|d| d.value.to_string()),
                state: source_state(site, s).map(|st| st.name()),
                state_label: source_state(site, s).map(|st| st.label()),
            })
            .collect(),
        related: linked
            .into_iter()
            .map(|i| page_link(site, &site.pages[i]))
            .collect(),
        validator: front.validator.as_ref().map(|v| v.value.as_str()),
        jsonld: String::new(),
    }
}

/// Puts the HTML of each section into a page view made by [`page_view`] and turned into a
/// template value.
pub fn fill_sections_html(view: &mut serde_json::Value, page: &Page) {
    let html = page.body.sections_html(&page.file, &page.front.sources);
    if let Some(sections) = view.get_mut("sections").and_then(|s| s.as_array_mut()) {
        for (section, html) in sections.iter_mut().zip(html) {
            section["html"] = serde_json::Value::String(html);
        }
    }
}

fn source_state(site: &Site, source: &crate::content::Source) -> Option<crate::online::State> {
    site.source_states.get(&source.url.as_ref()?.value).copied()
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())
}

/// Whether a page has an FAQ with at least one question.
pub fn faq_items(page: &Page) -> Vec<(String, String)> {
    page.body
        .section(SectionKind::Faq)
        .map(|s| {
            s.subsections
                .iter()
                .filter_map(|q| Some((q.title.as_deref()?.to_string(), q.text.to_string())))
                .filter(|(q, a)| !q.trim().is_empty() && !a.trim().is_empty())
                .collect()
        })
        .unwrap_or_default()
}
