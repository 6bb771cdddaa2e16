//! `broken-link`: internal links and `#anchors` in page bodies resolve.

use crate::check::Context;
use crate::content::Page;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// Anchors every error page has from its template.
const TEMPLATE_ANCHORS: &[&str] = &["main", "sources", "related", "signatures-title"];

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    for link in &page.body.internal_links {
        if let Err(problem) = resolve(cx.site, page, &link.value) {
            out.push(
                cx.report(
                    "broken-link",
                    page,
                    link.span.clone(),
                    format!("link `{}`: {problem}", link.value),
                )
                .with_help(
                    "link pages as `../<slug>/` or `/<tool>/<slug>/`, anchors as `#heading-text`",
                ),
            );
        }
    }
}

fn has_anchor(page: &Page, anchor: &str) -> bool {
    TEMPLATE_ANCHORS.contains(&anchor)
        || page.body.anchors.iter().any(|a| a == anchor)
        || anchor
            .strip_prefix("source-")
            .is_some_and(|id| page.front.sources.iter().any(|s| s.id.value == id))
}

/// Where a link leads, or why it leads nowhere.
fn resolve(site: &Site, page: &Page, href: &str) -> Result<(), String> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let target: Option<&Page> = if path.is_empty() {
        Some(page)
    } else if path.ends_with(".md") {
        // A link to the markdown file, as editors write them.
        let here = format!("/{}/{}", page.tool, page.slug);
        let file = join(&here, path);
        let slug = file
            .trim_end_matches(".md")
            .rsplit('/')
            .next()
            .unwrap_or_default();
        match site
            .page_by_slug(slug)
            .filter(|p| format!("/{}/{}.md", p.tool, p.slug) == file)
        {
            Some(p) => Some(p),
            None => return Err(format!("no page at content{file}")),
        }
    } else {
        let url = join(&format!("/{}/{}/", page.tool, page.slug), path);
        let parts: Vec<&str> = url
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match parts.as_slice() {
            [] => None,
            ["category", id] if site.config.category(id).is_some() => None,
            ["validators"] => None,
            // A validator's page has an anchor per rule.
            ["validators", id] => {
                let Some(validator) = crate::validators::find(id) else {
                    return Err(format!("no validator `{id}` is published at {url}"));
                };
                return match fragment.filter(|f| !f.is_empty()) {
                    Some(rule) if !validator.rules().iter().any(|r| r.id == rule) => {
                        Err(format!("the `{id}` validator has no rule `#{rule}`"))
                    }
                    _ => Ok(()),
                };
            }
            [tool] if site.has_tool(tool) => None,
            [tool, slug] if site.page_by_slug(slug).is_some_and(|p| p.tool == *tool) => {
                site.page_by_slug(slug)
            }
            _ if site
                .root
                .join("static")
                .join(url.trim_start_matches('/'))
                .is_file() =>
            {
                None
            }
            _ => return Err(format!("nothing is published at {url}")),
        }
    };
    match (fragment, target) {
        (Some(anchor), Some(target)) if !anchor.is_empty() && !has_anchor(target, anchor) => Err(
            format!("`{}` has no heading or anchor `#{anchor}`", target.path()),
        ),
        _ => Ok(()),
    }
}

/// Resolves `href` against the directory of `base` (a path starting with `/`), as a browser
/// does, keeping a trailing slash.
fn join(base: &str, href: &str) -> String {
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for segment in href.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = if href.ends_with('/') && !parts.is_empty() {
        "/"
    } else {
        ""
    };
    format!("/{}{trailing}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_like_a_browser() {
        assert_eq!(join("/litellm/a/", "../b/"), "/litellm/b/");
        assert_eq!(join("/litellm/a/", "../../other/c/"), "/other/c/");
        assert_eq!(join("/litellm/a", "b.md"), "/litellm/b.md");
        assert_eq!(join("/litellm/a", "../x/b.md"), "/x/b.md");
        assert_eq!(
            join("/litellm/a/", "/category/fallbacks/"),
            "/category/fallbacks/"
        );
    }
}
