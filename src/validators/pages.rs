//! What the `/validators/` pages of a built site show: every registered validator and, for each
//! rule, its id (the anchor every rule URL points at), severity, summary, and the page of the
//! site that explains it, when the site has that page.

use serde::Serialize;

use super::{REGISTRY, RuleInfo, validator_path};
use crate::diagnostic::Severity;

/// One validator, as its page lists it.
#[derive(Debug, Serialize)]
pub struct ValidatorView {
    pub id: &'static str,
    pub title: &'static str,
    /// Site-relative directory of its page, e.g. `validators/litellm-proxy/`.
    pub path: String,
    pub rules: Vec<RuleView>,
    /// How many of the rules the site explains.
    pub explained: usize,
}

/// One rule and where it is explained.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The site's page that explains the rule: its path below the site root and its title.
    pub page: Option<PageRef>,
    /// The page errbook's bundled knowledge base explains it at, when this site lacks it.
    pub bundled_page: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub path: String,
    pub title: String,
}

/// Every registered validator, with each rule's explaining page looked up by `find` (given the
/// `<tool>/<slug>` of a page, its path and title if the site has it).
pub fn views(find: &dyn Fn(&str) -> Option<PageRef>) -> Vec<ValidatorView> {
    REGISTRY
        .iter()
        .map(|v| {
            let rules: Vec<RuleView> = v.rules().iter().map(|r| rule_view(r, find)).collect();
            ValidatorView {
                id: v.id(),
                title: v.title(),
                path: validator_path(v.id()).trim_start_matches('/').to_string(),
                explained: rules.iter().filter(|r| r.page.is_some()).count(),
                rules,
            }
        })
        .collect()
}

fn rule_view(rule: &RuleInfo, find: &dyn Fn(&str) -> Option<PageRef>) -> RuleView {
    let page = rule.page.and_then(find);
    RuleView {
        id: rule.id,
        severity: rule.severity,
        summary: rule.summary,
        bundled_page: if page.is_none() {
            rule.page_url()
        } else {
            None
        },
        page,
    }
}

/// The validators with a rule that the page at `path` (`<tool>/<slug>/`) explains: their pages
/// show it, so they change with it.
pub fn explained_by(path: &str) -> Vec<&'static str> {
    let url = format!("/{path}");
    REGISTRY
        .iter()
        .filter(|v| {
            v.rules()
                .iter()
                .any(|r| r.page_url().as_deref() == Some(url.as_str()))
        })
        .map(|v| v.id())
        .collect()
}

/// The output files of the validator pages, below the site root.
pub fn output_paths() -> Vec<String> {
    std::iter::once("validators/index.html".to_string())
        .chain(
            REGISTRY
                .iter()
                .map(|v| format!("validators/{}/index.html", v.id())),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_listed_with_its_page_when_the_site_has_it() {
        let find = |page: &str| {
            (page == "litellm/invalid-routing-strategy").then(|| PageRef {
                path: format!("{page}/"),
                title: "Invalid routing strategy".into(),
            })
        };
        let views = views(&find);
        let litellm = views.iter().find(|v| v.id == "litellm-proxy").unwrap();
        assert_eq!(litellm.path, "validators/litellm-proxy/");
        assert_eq!(litellm.rules.len(), litellm.rules.len());
        assert_eq!(litellm.explained, 1);
        let strategy = litellm
            .rules
            .iter()
            .find(|r| r.id == "invalid-routing-strategy")
            .unwrap();
        assert!(strategy.page.is_some() && strategy.bundled_page.is_none());
        let cycle = litellm
            .rules
            .iter()
            .find(|r| r.id == "fallback-cycle")
            .unwrap();
        assert_eq!(
            cycle.bundled_page.as_deref(),
            Some("/litellm/fallback-cycle-repeats-requests/")
        );
        let toml = views.iter().find(|v| v.id == "errbook-toml").unwrap();
        assert!(
            toml.rules
                .iter()
                .all(|r| r.page.is_none() && r.bundled_page.is_none())
        );
        assert_eq!(output_paths().len(), REGISTRY.len() + 1);
    }
}
