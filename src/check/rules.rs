//! Every rule id errbook reports, with its default level and what it means. Rule ids are a
//! public contract: never rename one.

use crate::diagnostic::Severity;

/// How a rule is reported: at a severity, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Report(Severity),
}

impl Level {
    /// Every word [`Level::parse`] accepts (`warn` and `deny` are aliases).
    pub const NAMES: [&'static str; 6] = ["error", "warning", "info", "allow", "warn", "deny"];

    pub fn parse(name: &str) -> Option<Level> {
        Some(match name {
            "allow" => Level::Allow,
            "info" => Level::Report(Severity::Info),
            "warning" | "warn" => Level::Report(Severity::Warning),
            "error" | "deny" => Level::Report(Severity::Error),
            _ => return None,
        })
    }
}

pub struct RuleInfo {
    pub id: &'static str,
    pub default: Level,
    /// Whether `[lints]` may change it. Problems that stop a page from being read cannot be
    /// allowed away.
    pub configurable: bool,
    pub summary: &'static str,
}

const E: Level = Level::Report(Severity::Error);
const W: Level = Level::Report(Severity::Warning);
const I: Level = Level::Report(Severity::Info);

const fn fixed(id: &'static str, summary: &'static str) -> RuleInfo {
    RuleInfo {
        id,
        default: E,
        configurable: false,
        summary,
    }
}

const fn lint(id: &'static str, default: Level, summary: &'static str) -> RuleInfo {
    RuleInfo {
        id,
        default,
        configurable: true,
        summary,
    }
}

pub const RULES: &[RuleInfo] = &[
    // Reading files and the configuration.
    fixed("unreadable-file", "a file could not be read"),
    fixed("invalid-utf8", "a file is not valid UTF-8"),
    fixed(
        "no-front-matter",
        "a page does not start with `---` front matter",
    ),
    fixed(
        "unclosed-front-matter",
        "the front matter has no closing `---`",
    ),
    fixed("yaml-syntax", "the front matter is not valid YAML"),
    fixed(
        "yaml-too-deep",
        "the front matter nests deeper than the limit",
    ),
    fixed(
        "yaml-too-large",
        "the front matter expands to too many values",
    ),
    fixed("config-syntax", "errbook.toml is not valid TOML"),
    fixed("bad-config", "a value in errbook.toml is not usable"),
    fixed(
        "misplaced-page",
        "a page is not at content/<tool>/<slug>.md",
    ),
    fixed(
        "bad-slug",
        "a tool or page name is not lowercase kebab-case, or is reserved",
    ),
    fixed("template-error", "a template does not parse or render"),
    fixed(
        "static-collision",
        "a static file would replace a generated page",
    ),
    // Structure.
    fixed(
        "missing-field",
        "a required front-matter key is missing or empty",
    ),
    fixed("unknown-field", "a front-matter or config key is not known"),
    fixed("bad-type", "a value has the wrong type"),
    fixed("duplicate-key", "a key is given twice"),
    fixed("duplicate-source-id", "two sources share an id"),
    fixed("tool-mismatch", "`tool` differs from the page's directory"),
    fixed("duplicate-slug", "two pages share a slug"),
    lint(
        "missing-section",
        E,
        "a section of the page contract is missing",
    ),
    lint("empty-section", E, "a section has no content"),
    lint(
        "bad-category",
        E,
        "the category is not declared in errbook.toml",
    ),
    lint(
        "invalid-signature",
        E,
        "a signature regex does not compile, or a literal is too short or generic",
    ),
    lint(
        "signature-collision",
        E,
        "two pages' signatures match the same text",
    ),
    lint(
        "signature-not-found",
        E,
        "another page's signature outranks a page for its own literal signature or example",
    ),
    lint(
        "signature-example-mismatch",
        E,
        "a regex signature does not match one of its own examples",
    ),
    // Evidence.
    lint("uncited-cause", E, "a cause cites no source"),
    lint(
        "unknown-citation",
        E,
        "a citation names no source of the page",
    ),
    lint("unused-source", E, "a source is never cited"),
    lint("source-without-url", E, "a source has no URL"),
    lint(
        "bad-url",
        E,
        "a source URL is not an absolute http(s) URL (a capture's: not a path under static/)",
    ),
    lint(
        "missing-capture",
        E,
        "a `capture` source's file does not exist under static/",
    ),
    lint("source-date-in-future", E, "a source is dated after today"),
    lint("updated-in-future", E, "`updated` is after today"),
    lint(
        "source-after-updated",
        E,
        "a source is dated after the page was last updated",
    ),
    lint(
        "stale-page",
        W,
        "the page has not been reviewed for longer than configured",
    ),
    lint(
        "weak-evidence",
        W,
        "the page rests only on secondary sources (forums, blogs)",
    ),
    // Fixes.
    lint(
        "fix-without-action",
        W,
        "a fix is generic advice that names nothing specific to the error",
    ),
    lint("cause-without-fix", W, "no fix addresses a cause"),
    // Quality.
    lint(
        "duplicate-text",
        E,
        "the same paragraph or item appears twice on a page",
    ),
    lint(
        "near-duplicate-text",
        W,
        "two paragraphs of a page say almost the same",
    ),
    lint("boilerplate", W, "a paragraph appears on many pages"),
    lint("broken-related", E, "a related page does not exist"),
    lint(
        "broken-link",
        E,
        "an internal link or anchor does not resolve",
    ),
    lint(
        "broken-example",
        E,
        "a verified example's validator result differs from `expect`",
    ),
    // Online (`check --online`): each source compared with what it says today.
    lint(
        "source-unreachable",
        E,
        "a source does not answer: DNS, connection, TLS, timeout, 404/410, 5xx",
    ),
    lint(
        "source-moved",
        W,
        "a source redirects permanently, or its issue or repository moved",
    ),
    lint(
        "source-title-mismatch",
        W,
        "a source's title differs from the issue's or the page's own",
    ),
    lint(
        "source-date-mismatch",
        W,
        "a source's date is not the day the issue or pull request was opened",
    ),
    lint(
        "source-state",
        I,
        "an issue is closed, a pull request merged or closed without merging",
    ),
    lint(
        "source-unverified",
        W,
        "a source refused the check (401, 403, 429...)",
    ),
    lint(
        "online-incomplete",
        W,
        "sources were left unchecked (rate limit exhausted, nothing cached)",
    ),
    lint(
        "signature-without-evidence",
        W,
        "a signature occurs in none of the sources the page cites",
    ),
];

/// The rule with this id. Every finding looks its rule up, for its severity and its level,
/// so by a map rather than by comparing the id with each rule's in turn.
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    static BY_ID: std::sync::OnceLock<std::collections::HashMap<&str, &RuleInfo>> =
        std::sync::OnceLock::new();
    BY_ID
        .get_or_init(|| RULES.iter().map(|r| (r.id, r)).collect())
        .get(id)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(crate::content::load::is_kebab(rule.id), "{}", rule.id);
            assert!(seen.insert(rule.id), "duplicate {}", rule.id);
        }
    }
}
