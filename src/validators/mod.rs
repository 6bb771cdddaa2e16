//! Embedded config validators: the `ConfigValidator` trait, the one registry, and their findings.
//!
//! A validator checks a config file that a reader or operator brings (untrusted text) and
//! answers located findings, each naming a rule whose knowledge-base page explains it. The same
//! validators run in `errbook validate`, in the preview server's `/api/validate/<id>` and in
//! the build, for fenced examples marked `validate=<id> expect=<rule|ok>`.
//!
//! Adding a validator: one module implementing [`ConfigValidator`], one line in [`REGISTRY`].
//!
//! Refusing input: a validator that will not look at a config at all (too large, nested too
//! deep, an alias bomb) returns one finding whose rule is in [`REFUSAL_RULES`], located where
//! it gave up. `errbook validate` reports it like any error; the preview server answers such a
//! request with 400 and that finding's message instead of a list of diagnostics.
//!
//! Rule URLs: every rule's `url` is its entry on the validator's page that `errbook build`
//! writes (`/validators/<validator>/#<rule>`), so it resolves in any built site; that entry
//! links on to the knowledge-base page that explains the rule when the site has it.

pub mod errbook_toml;

pub mod includes;
pub mod level;
pub mod litellm;
pub mod output;
pub mod pages;

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::source::SourceFile;
use crate::yaml::YamlError;

/// Largest config a validator accepts; larger input is refused before parsing.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// One rule of a validator, as listed by `GET /api/validators` and in the docs.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// The validator the rule belongs to.
    pub validator: &'static str,
    /// Stable kebab-case id; a public contract once released.
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The knowledge-base page that explains it, as `<tool>/<slug>` (published at
    /// `/<tool>/<slug>/`), when the bundled knowledge base has one.
    pub page: Option<&'static str>,
}

impl RuleInfo {
    /// The site-relative URL of the rule: its entry on the validator's page, which every built
    /// site has.
    pub fn url(&self) -> String {
        rule_url(self.validator, self.id)
    }

    /// The site-relative URL of the knowledge-base page that explains the rule, if any.
    pub fn page_url(&self) -> Option<String> {
        self.page.map(|p| format!("/{p}/"))
    }
}

/// `/validators/<validator>/#<rule>`.
pub fn rule_url(validator: &str, rule: &str) -> String {
    format!("{}#{rule}", validator_path(validator))
}

/// `/validators/<validator>/`, the page listing a validator's rules.
pub fn validator_path(validator: &str) -> String {
    format!("/validators/{validator}/")
}

/// One problem a validator found, located in the config text (1-based line and column, in
/// characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub help: Option<String>,
    /// The rule's entry on the validator's page (site-relative,
    /// `/validators/litellm-proxy/#invalid-routing-strategy`); it resolves in every built site.
    pub url: String,
    /// The knowledge-base page that explains the rule in errbook's bundled site, e.g.
    /// `/litellm/invalid-routing-strategy/`; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The file the finding is in when it is not the checked config itself (a file the config
    /// includes), as the config names it; absent for the config itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The validator refused the input (too large, too deep, an alias bomb) rather than
    /// checking it; see the module comment. Not part of the JSON.
    #[serde(skip)]
    pub refused: bool,
}

impl Finding {
    /// A finding of `rule` at a byte offset of `file`, at the rule's severity and with its page.
    pub fn at(
        rule: &RuleInfo,
        file: &SourceFile,
        offset: usize,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Finding {
        let (line, column) = file.line_col(offset);
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            line,
            column,
            help,
            url: rule.url(),
            page: rule.page_url(),
            file: None,
            refused: false,
        }
    }

    /// The finding for a config that could not be parsed as YAML (syntax, nesting too deep,
    /// aliases that expand too far), reported under `rule` (a validator's syntax rule).
    pub fn from_yaml_error(rule: &RuleInfo, file: &SourceFile, error: &YamlError) -> Finding {
        let what = match error.rule {
            "yaml-too-deep" => "the YAML nests too deeply to be checked",
            "yaml-too-large" => "the YAML expands to too many values to be checked",
            _ => "the YAML could not be parsed",
        };
        let mut finding = Finding::at(
            rule,
            file,
            error.span.start,
            format!("{what}: {}", error.message),
            Some("fix the YAML at this position; a YAML linter shows the same error".into()),
        );
        finding.refused = error.rule != "yaml-syntax";
        finding
    }

    /// The finding for input over [`MAX_INPUT_BYTES`], refused before parsing.
    pub fn too_large(rule: &RuleInfo, len: usize) -> Finding {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: format!(
                "the config is {len} bytes; configs over {MAX_INPUT_BYTES} bytes are not checked"
            ),
            line: 1,
            column: 1,
            help: Some("check a smaller file, or split the config".into()),
            url: rule.url(),
            page: rule.page_url(),
            file: None,
            refused: true,
        }
    }
}

/// A config checker compiled into errbook.
pub trait ConfigValidator: Send + Sync {
    /// Stable id used on the command line, in the API and in `validate=` examples.
    fn id(&self) -> &'static str;
    /// Human title, e.g. "LiteLLM proxy config.yaml".
    fn title(&self) -> &'static str;
    /// Every rule this validator can report.
    fn rules(&self) -> &'static [RuleInfo];
    /// Checks `text`. Never panics; hostile input yields findings, not errors. Findings are in
    /// order of position.
    fn validate(&self, text: &str) -> Vec<Finding>;

    /// Checks `text` with the files it includes read through `includes` (the command line
    /// reads them next to the config; the preview server and the build read none). Validators
    /// without includes ignore them.
    fn validate_with(&self, text: &str, includes: &dyn includes::Includes) -> Vec<Finding> {
        let _ = includes;
        self.validate(text)
    }
}

/// Every validator compiled into this binary.
pub static REGISTRY: &[&dyn ConfigValidator] =
    &[&litellm::LiteLlmProxy, &errbook_toml::ErrbookToml];

/// Rules that mean "this input was refused, not checked" (see the module comment). The
/// `yaml-*` ones are what [`crate::yaml`] reports when its limits are hit.
pub const REFUSAL_RULES: &[&str] = &[
    "input-too-large",
    "input-too-deep",
    "yaml-too-large",
    "yaml-too-deep",
];

/// The finding that says the input was refused, if there is one.
pub fn refusal(findings: &[Finding]) -> Option<&Finding> {
    findings
        .iter()
        .find(|f| f.refused || REFUSAL_RULES.contains(&f.rule))
}

/// The validator with this id.
pub fn find(id: &str) -> Option<&'static dyn ConfigValidator> {
    REGISTRY.iter().copied().find(|v| v.id() == id)
}

/// Ids of every registered validator, for "did you mean" and listings.
pub fn ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|v| v.id())
}

/// Whether an example's findings meet its `expect=`: `ok` means no error- or warning-level
/// finding (info is advisory); a rule id means that rule was reported.
pub fn meets_expectation(findings: &[Finding], expect: &str) -> bool {
    if expect == "ok" {
        findings.iter().all(|f| f.severity == Severity::Info)
    } else {
        findings.iter().any(|f| f.rule == expect)
    }
}
