//! The site configuration, `errbook.toml`.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::error::{Error, Result};
use crate::fields;
use crate::source::SourceFile;

pub const CONFIG_FILE: &str = "errbook.toml";

/// What `errbook.toml` says about the site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute URL the site is published at; canonical URLs, the sitemap and the feed use it.
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Where `build` writes the site, relative to the root.
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    /// Where the published site's validator widget posts configs; without it the widget
    /// shows the equivalent `errbook validate` command.
    #[serde(default)]
    pub validator_endpoint: Option<String>,
    /// Rule levels: `rule-id = "error" | "warning" | "info" | "allow"`.
    #[serde(default)]
    pub lints: BTreeMap<String, String>,
    #[serde(default)]
    pub check: CheckSettings,
}

/// Thresholds of the quality and evidence rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSettings {
    /// `stale-page` reports pages not updated for longer than this.
    pub stale_after_days: i64,
    /// `boilerplate` reports a paragraph found on at least this many pages.
    pub boilerplate_pages: usize,
    /// `near-duplicate-text` reports two paragraphs of a page whose overlap of word pairs
    /// (Jaccard similarity) is at least this.
    pub near_duplicate_similarity: f64,
    /// `[check.online]`: how `check --online` fetches sources.
    pub online: crate::online::OnlineSettings,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            stale_after_days: 365,
            boilerplate_pages: 3,
            near_duplicate_similarity: 0.7,
            online: crate::online::OnlineSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

fn default_language() -> String {
    "en".into()
}

fn default_output_dir() -> String {
    "public".into()
}

/// Directories of the site that the output must never replace.
const SOURCE_DIRS: &[&str] = &["content", "templates", "static", ".git"];

impl SiteConfig {
    /// Reads `root/errbook.toml`. A missing file is an [`Error`]; a wrong one, diagnostics.
    pub fn load(root: &Path) -> Result<Result<SiteConfig, Vec<Diagnostic>>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(format!(
                    "no {CONFIG_FILE} in {} (is --root the site's directory?)",
                    root.display()
                ))
            } else {
                Error::io("read", &path, e)
            }
        })?;
        Ok(Self::parse(&SourceFile::new(CONFIG_FILE, text)))
    }

    pub fn parse(file: &SourceFile) -> Result<SiteConfig, Vec<Diagnostic>> {
        let mut config: SiteConfig =
            toml::from_str(&file.text).map_err(|e| vec![toml_diagnostic(file, &e)])?;
        let mut diags = Vec::new();
        let at = |key: &str| key_span(file, key);
        if !is_http_url(&config.base_url) {
            diags.push(
                Diagnostic::error(
                    "bad-config",
                    file,
                    at("base_url"),
                    "`base_url` must be an absolute http(s) URL",
                )
                .with_help("e.g. base_url = \"https://errors.example.org/\""),
            );
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if let Err(message) = check_output_dir(&config.output_dir) {
            diags.push(Diagnostic::error(
                "bad-config",
                file,
                at("output_dir"),
                message,
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for category in &config.categories {
            if !crate::content::load::is_kebab(&category.id) || !seen.insert(&category.id) {
                diags.push(Diagnostic::error(
                    "bad-config",
                    file,
                    key_span(file, &format!("\"{}\"", category.id)),
                    format!(
                        "category id `{}` must be unique lowercase kebab-case",
                        category.id
                    ),
                ));
            }
        }
        if let Some(endpoint) = &config.validator_endpoint
            && !is_http_url(endpoint)
        {
            diags.push(
                Diagnostic::error(
                    "bad-config",
                    file,
                    at("validator_endpoint"),
                    "`validator_endpoint` must be an absolute http(s) URL",
                )
                .with_help(
                    "e.g. validator_endpoint = \"https://validate.example.org/api/validate\"",
                ),
            );
        }
        check_thresholds(file, &config.check, &mut diags);
        config.check.online.check(file, &mut diags);
        check_lints(file, &config.lints, &mut diags);
        if diags.is_empty() {
            Ok(config)
        } else {
            Err(diags)
        }
    }

    pub fn output_path(&self, root: &Path) -> PathBuf {
        root.join(&self.output_dir)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// A base URL given on the command line, as `base_url` is read: an absolute http(s) URL,
/// ending in `/`. `None` when it is not one.
pub fn checked_base_url(value: &str) -> Option<String> {
    if !is_http_url(value) || value.len() <= "https://".len() {
        return None;
    }
    let mut url = value.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Some(url)
}

fn is_http_url(value: &str) -> bool {
    value.starts_with("http://") || value.starts_with("https://")
}

/// The `[check]` thresholds must be ones the rules can use: outside these bounds `stale-page`
/// would report every page, or `boilerplate` and `near-duplicate-text` every paragraph.
fn check_thresholds(file: &SourceFile, check: &CheckSettings, diags: &mut Vec<Diagnostic>) {
    let mut bad = |key: &str, message: String, help: &str| {
        diags.push(
            Diagnostic::error("bad-config", file, key_span(file, key), message).with_help(help),
        );
    };
    if check.stale_after_days < 1 {
        bad(
            "stale_after_days",
            format!(
                "`stale_after_days = {}` must be at least 1",
                check.stale_after_days
            ),
            "the number of days after which a page counts as stale, e.g. 365",
        );
    }
    if check.boilerplate_pages < 2 {
        bad(
            "boilerplate_pages",
            format!(
                "`boilerplate_pages = {}` must be at least 2",
                check.boilerplate_pages
            ),
            "a paragraph is boilerplate when it is on at least this many pages, e.g. 3",
        );
    }
    let similarity = check.near_duplicate_similarity;
    if !(similarity > 0.0 && similarity <= 1.0) {
        bad(
            "near_duplicate_similarity",
            format!("`near_duplicate_similarity = {similarity}` must be above 0 and at most 1"),
            "the share of word pairs two paragraphs have in common, e.g. 0.7",
        );
    }
}

/// Every `[lints]` entry names a rule whose level may change, and a level.
fn check_lints(file: &SourceFile, lints: &BTreeMap<String, String>, diags: &mut Vec<Diagnostic>) {
    use crate::check::rules::{Level, RULES, find};
    for (rule, level) in lints {
        let at = key_span(file, rule);
        match find(rule) {
            None => {
                let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                let help = did_you_mean(rule, &ids)
                    .map_or("see the rule list in the README".to_string(), |s| {
                        format!("did you mean `{s}`?")
                    });
                diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        file,
                        at,
                        format!("unknown rule `{rule}` in [lints]"),
                    )
                    .with_help(help),
                );
            }
            Some(info) if !info.configurable => diags.push(Diagnostic::error(
                "bad-config",
                file,
                at,
                format!("`{rule}` reports a page errbook cannot read; its level cannot be changed"),
            )),
            Some(_) if Level::parse(level).is_none() => diags.push(
                Diagnostic::error(
                    "bad-config",
                    file,
                    at,
                    format!("unknown level `{level}` for `{rule}`"),
                )
                .with_help("use \"error\", \"warning\", \"info\" or \"allow\""),
            ),
            Some(_) => {}
        }
    }
}

/// The output directory is replaced whole on every build, so it must be a plain subdirectory
/// that holds nothing else of the site.
fn check_output_dir(dir: &str) -> std::result::Result<(), String> {
    let path = Path::new(dir);
    let plain = !dir.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    let first = path
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    if !plain {
        return Err(format!(
            "`output_dir = \"{dir}\"` must be a subdirectory of the site (no `..`, no absolute path)"
        ));
    }
    if first.is_some_and(|f| SOURCE_DIRS.contains(&f.as_str())) {
        return Err(format!(
            "`output_dir = \"{dir}\"` would overwrite the site's sources"
        ));
    }
    Ok(())
}

/// Best-effort span of a key's line, for diagnostics on semantic config errors.
fn key_span(file: &SourceFile, needle: &str) -> std::ops::Range<usize> {
    match file.text.find(needle) {
        Some(i) => i..i + needle.len(),
        None => 0..0,
    }
}

fn toml_diagnostic(file: &SourceFile, err: &toml::de::Error) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    let message = err.message().trim();
    // serde words it "unknown field `x`, expected one of ..."; we add a did-you-mean.
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        // serde lists the keys of the table the unknown one is in.
        let known = [
            fields::ONLINE_FIELDS,
            fields::CHECK_FIELDS,
            fields::CATEGORY_FIELDS,
        ]
        .iter()
        .map(|table| fields::names(table))
        .find(|names| names.iter().all(|n| rest.contains(&format!("`{n}`"))))
        .unwrap_or_else(|| fields::names(fields::CONFIG));
        let help = match did_you_mean(name, &known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys: {}", known.join(", ")),
        };
        return Diagnostic::error(
            "unknown-field",
            file,
            span,
            format!("unknown key `{name}` in {CONFIG_FILE}"),
        )
        .with_help(help);
    }
    Diagnostic::error(
        "config-syntax",
        file,
        span,
        format!("invalid {CONFIG_FILE}: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        SiteConfig::parse(&SourceFile::new(CONFIG_FILE, text))
    }

    #[test]
    fn defaults_and_trailing_slash() {
        let c = parse("title = \"t\"\nbase_url = \"https://x.org\"\n").unwrap();
        assert_eq!(
            (
                c.base_url.as_str(),
                c.output_dir.as_str(),
                c.language.as_str()
            ),
            ("https://x.org/", "public", "en")
        );
    }

    #[test]
    fn thresholds_and_endpoint_out_of_range_are_located() {
        let text = "title = \"t\"\nbase_url = \"https://x.org\"\nvalidator_endpoint = \"javascript:alert(1)\"\n[check]\nstale_after_days = -1\nboilerplate_pages = 1\nnear_duplicate_similarity = nan\n";
        let found: Vec<(&str, usize)> = parse(text)
            .unwrap_err()
            .iter()
            .map(|d| (d.rule, d.line))
            .collect();
        assert_eq!(
            found,
            [
                ("bad-config", 3),
                ("bad-config", 5),
                ("bad-config", 6),
                ("bad-config", 7)
            ]
        );
        let fine = "title = \"t\"\nbase_url = \"https://x.org\"\n[check]\nstale_after_days = 1\nboilerplate_pages = 2\nnear_duplicate_similarity = 1.0\n";
        assert!(parse(fine).is_ok());
    }

    #[test]
    fn unknown_keys_suggest_the_right_one() {
        let d = &parse("titel = \"t\"\nbase_url = \"https://x.org\"\n").unwrap_err()[0];
        assert_eq!((d.rule, d.line, d.column), ("unknown-field", 1, 1));
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn output_dir_cannot_clobber_sources() {
        for dir in ["..", "/tmp/x", ".", "content", "static/out", ""] {
            let text =
                format!("title = \"t\"\nbase_url = \"https://x.org\"\noutput_dir = \"{dir}\"\n");
            assert!(parse(&text).is_err(), "{dir}");
        }
    }
}
