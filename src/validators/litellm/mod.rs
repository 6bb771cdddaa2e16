//! The LiteLLM proxy config validator (`litellm-proxy`): the misconfigurations that turn a
//! provider 429 into an outage instead of a fallback, and the settings the proxy silently
//! ignores, located at the offending value (in the included file when it is there).
//!
//! Facts about LiteLLM come from its source and docs; where behaviour changed between releases
//! the message says which releases behave which way (checked against the published packages).
//! Rules about 429s, quotas and fallbacks apply to hosted chat groups (see `group.rs`).

mod cycles;
mod fallbacks;
mod group;
mod keys;
mod limits;
mod load;
mod master_key;
pub mod model;
mod modes;
mod placeholders;
mod provider;
mod pyyaml;
mod resilience;
mod router;
mod sections;

use crate::diagnostic::Severity::{self, Error as E, Info as I, Warning as W};
use crate::source::SourceFile;
use crate::validators::includes::{Includes, NotFollowed};
use crate::validators::{ConfigValidator, Finding, MAX_INPUT_BYTES, RuleInfo};
use load::Sources;
use model::Config;

/// The validator registered as `litellm-proxy`.
pub struct LiteLlmProxy;

const ID: &str = "litellm-proxy";

const fn rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    page: &'static str,
) -> RuleInfo {
    RuleInfo {
        validator: ID,
        id,
        severity,
        summary,
        page: Some(page),
    }
}

const PARSE: &str = "litellm/config-yaml-not-parsed";
const NOT_A_LIST: &str = "litellm/fallbacks-not-a-list";
const ALIAS: &str = "litellm/fallbacks-ignored-for-model-group-alias";
const CYCLE: &str = "litellm/fallback-cycle-repeats-requests";
const SECTIONS: &str = "litellm/router-settings-in-litellm-settings";
const NO_FALLBACK: &str = "litellm/rate-limit-error-not-falling-back";
const IGNORED: &str = "litellm/router-setting-silently-ignored";
const ORDER: &str = "litellm/deployment-order-and-weights-ignored";
const NOT_READ: &str = "litellm/config-setting-not-read";
const INCLUDE: &str = "litellm/included-config-file-not-found";

/// Every rule, with the knowledge-base page that explains it (a public contract).
pub static RULES: &[RuleInfo] = &[
    rule("yaml-syntax", E, "the config is not parseable YAML", PARSE),
    rule(
        "not-a-mapping",
        E,
        "the config, or one of its settings sections, is not a mapping",
        PARSE,
    ),
    rule(
        "fallbacks-not-a-list",
        E,
        "a fallbacks setting is not a list: the proxy refuses to start, or (1.110) ignores it",
        NOT_A_LIST,
    ),
    rule(
        "fallback-item-not-a-mapping",
        E,
        "a fallbacks item is not a `{group: [targets]}` mapping",
        NOT_A_LIST,
    ),
    rule(
        "fallback-item-multiple-keys",
        E,
        "a fallbacks item has more or fewer than one key",
        "litellm/fallback-item-multiple-keys",
    ),
    rule(
        "fallback-targets-not-a-list",
        E,
        "a fallback's targets are a string: refused at startup since 1.108.1, iterated by character before",
        "litellm/fallback-target-string-iterated",
    ),
    rule(
        "default-fallbacks-not-a-list",
        E,
        "default_fallbacks is not a list of model names",
        NOT_A_LIST,
    ),
    rule(
        "fallback-target-undefined",
        E,
        "a fallback target is no model group, alias, wildcard match or deployment id",
        "litellm/fallback-target-not-in-model-list",
    ),
    rule(
        "fallback-key-undefined",
        W,
        "a fallbacks key matches no model that clients can call",
        ALIAS,
    ),
    rule(
        "fallback-key-glob",
        W,
        "a fallbacks key with `*` in it (other than the `*` catch-all), which LiteLLM never matches",
        "litellm/fallback-key-wildcard-never-matches",
    ),
    rule(
        "model-group-alias-invalid",
        E,
        "a model_group_alias value is not a model group name (or `{model: <group>}`), or names no group",
        NOT_READ,
    ),
    rule(
        "context-window-wildcard-key",
        W,
        "a `*` key in context_window_fallbacks, which LiteLLM 1.103 and earlier never match",
        "litellm/context-window-fallbacks-not-used",
    ),
    rule(
        "fallback-alias-key",
        W,
        "fallbacks are keyed by the real group while clients call its alias",
        ALIAS,
    ),
    rule(
        "fallback-to-self",
        W,
        "a group lists itself as its own fallback",
        CYCLE,
    ),
    rule(
        "fallback-cycle",
        W,
        "groups that fall back to each other; up to 1.96 a request walks the cycle until max_fallbacks",
        CYCLE,
    ),
    rule(
        "fallbacks-in-both-sections",
        W,
        "a fallback list is set in router_settings and litellm_settings; they are not merged",
        SECTIONS,
    ),
    rule(
        "fallback-mode-mismatch",
        W,
        "a group falls back to a group of another mode (an embedding group to a chat model, ...)",
        "litellm/fallback-to-a-different-mode",
    ),
    rule(
        "fallback-same-quota",
        I,
        "a fallback target calls the same model with the same account and endpoint as its source",
        "litellm/fallback-hits-same-rate-limit",
    ),
    rule(
        "no-fallback-for-group",
        I,
        "a hosted chat group of one deployment has no fallback, so its 429s reach clients",
        NO_FALLBACK,
    ),
    rule(
        "unknown-router-setting",
        W,
        "a router_settings key the proxy silently drops",
        IGNORED,
    ),
    rule(
        "router-setting-ignored-in-litellm-settings",
        W,
        "a Router-only setting placed in litellm_settings, where the Router never reads it",
        SECTIONS,
    ),
    rule(
        "invalid-routing-strategy",
        E,
        "routing_strategy is not one of LiteLLM's strategies",
        "litellm/invalid-routing-strategy",
    ),
    rule(
        "unknown-retry-policy-key",
        W,
        "a retry_policy key LiteLLM ignores, in whichever section the policy is",
        IGNORED,
    ),
    rule(
        "unknown-allowed-fails-policy-key",
        W,
        "an allowed_fails_policy key LiteLLM ignores, in whichever section the policy is",
        IGNORED,
    ),
    rule(
        "sdk-retries-delay-failover",
        I,
        "litellm_params.max_retries > 0: SDK retries inside each Router attempt (LiteLLM 1.60 and earlier)",
        "litellm/sdk-retries-delay-fallback",
    ),
    rule(
        "zero-retries-without-fallback",
        I,
        "zero retries on a hosted chat group without a fallback: one 429 fails the request",
        NO_FALLBACK,
    ),
    rule(
        "cooldowns-disabled",
        W,
        "cooldowns are off, so a rate-limited deployment stays in rotation",
        "litellm/cooldowns-disabled-or-too-long",
    ),
    rule(
        "rpm-cap-without-fallback",
        I,
        "every deployment of a group has an enforced rpm/tpm cap and the group has no fallback",
        "litellm/no-deployments-available-rpm-limit",
    ),
    rule(
        "order-without-pre-call-checks",
        I,
        "deployment `order` without enable_pre_call_checks (version-dependent)",
        ORDER,
    ),
    rule(
        "mixed-weights",
        W,
        "weight/rpm/tpm set on some deployments of a group but not all",
        ORDER,
    ),
    rule(
        "health-check-interval-not-numeric",
        E,
        "general_settings.health_check_interval is not a number",
        "litellm/background-health-checks-loop",
    ),
    rule(
        "env-reference",
        I,
        "an os.environ/NAME reference that must be set where the proxy runs",
        "litellm/environment-variable-not-set",
    ),
    rule(
        "unexpanded-placeholder",
        W,
        "a ${VAR} placeholder, which LiteLLM does not expand (only os.environ/NAME is read)",
        "litellm/env-placeholder-not-expanded",
    ),
    rule(
        "unknown-top-level-key",
        W,
        "a top-level key the proxy never reads (with the section it belongs in, when it is a setting)",
        NOT_READ,
    ),
    rule(
        "setting-in-wrong-section",
        W,
        "a general_settings, litellm_settings or router_settings key placed in another section",
        NOT_READ,
    ),
    rule(
        "duplicate-key",
        W,
        "a key given twice (or replaced by an included file): all but the last are ignored",
        NOT_READ,
    ),
    rule(
        "unknown-litellm-param",
        W,
        "a litellm_params key LiteLLM does not know that is close to one it does (did you mean)",
        "litellm/litellm-params-key-misspelled",
    ),
    rule(
        "unknown-model-mode",
        W,
        "model_info.mode is not a mode LiteLLM knows, so its health check fails",
        "litellm/health-check-mode-not-supported",
    ),
    rule(
        "unknown-general-setting",
        W,
        "a general_settings key the proxy never reads (and no setting of another section)",
        NOT_READ,
    ),
    rule(
        "drop-params-not-a-flag",
        W,
        "drop_params given a list or mapping, which LiteLLM reads as a flag that is off",
        "litellm/unsupported-params-drop-params",
    ),
    rule(
        "model-without-provider",
        W,
        "litellm_params.model has no provider route and is no model name LiteLLM knows: the deployment is dropped",
        "litellm/llm-provider-not-provided",
    ),
    rule(
        "api-base-includes-endpoint",
        E,
        "an OpenAI-compatible api_base ends in /chat/completions (or /embeddings, /completions), which the client appends again",
        "litellm/openai-compatible-404-api-base",
    ),
    rule(
        "azure-api-version-query",
        E,
        "an Azure api_version written as `api-version=...`, which Azure receives doubled",
        "litellm/azure-resource-not-found",
    ),
    rule(
        "master-key-publicly-known",
        E,
        "general_settings.master_key is empty or the public sk-1234: 1.104.0 and later refuse to start",
        "litellm/master-key-refused-to-start",
    ),
    rule(
        "include-not-found",
        E,
        "an include entry names a file that does not exist: the proxy refuses to start",
        INCLUDE,
    ),
    rule(
        "include-invalid",
        E,
        "include is not a list of paths, or names a file that is not a YAML mapping",
        INCLUDE,
    ),
    rule(
        "include-not-followed",
        I,
        "included files were not checked (pasted text, standard input)",
        INCLUDE,
    ),
];

/// The rule with this id; every id a check reports is in [`RULES`] (the tests trigger each).
fn info(id: &str) -> Option<&'static RuleInfo> {
    let found = RULES.iter().find(|r| r.id == id);
    debug_assert!(found.is_some(), "litellm rule `{id}` is not in RULES");
    found
}

/// The rule that reports unparseable input.
const SYNTAX: &RuleInfo = &RULES[0];

/// A finding before it is located in a file.
struct Pending {
    rule: &'static RuleInfo,
    severity: Severity,
    at: usize,
    message: String,
    help: String,
}

/// Collects findings at document offsets; they are located in their files at the end.
pub struct Findings {
    pub sources: Sources,
    pending: Vec<Pending>,
}

impl Findings {
    fn new(main: SourceFile) -> Findings {
        Findings {
            sources: Sources::new(main),
            pending: Vec::new(),
        }
    }

    /// Reports `rule` at document offset `at`, with the fix as help.
    pub fn add(&mut self, rule: &str, at: usize, message: String, help: impl Into<String>) {
        if let Some(rule) = info(rule) {
            self.push(rule, rule.severity, at, message, help.into());
        }
    }

    fn push(
        &mut self,
        rule: &'static RuleInfo,
        severity: Severity,
        at: usize,
        message: String,
        help: String,
    ) {
        self.pending.push(Pending {
            rule,
            severity,
            at,
            message,
            help,
        });
    }

    /// [`Findings::add`] at another severity than the rule's (a variant of the rule that the
    /// rule table documents, e.g. a list LiteLLM does not check at startup).
    pub fn add_as(
        &mut self,
        severity: Severity,
        rule: &str,
        at: usize,
        message: String,
        help: impl Into<String>,
    ) {
        if let Some(rule) = info(rule) {
            self.push(rule, severity, at, message, help.into());
        }
    }

    /// Whether any file of the document contains `needle` (rules that look for a marker in
    /// every value skip their walk when none has it).
    pub fn any_text_contains(&self, needle: &str) -> bool {
        self.sources
            .files
            .iter()
            .any(|f| f.file.text.contains(needle))
    }

    /// The 1-based line and column of a document offset in its file.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let (loaded, local) = self.sources.locate(at);
        loaded.file.line_col(local)
    }

    /// The findings, located, in order of file (the config first) and position, each once.
    fn finish(self) -> Vec<Finding> {
        // The URLs of a rule are the same for each of its findings: formatted once.
        let mut urls: Vec<(&str, String, Option<String>)> = Vec::new();
        let mut out: Vec<Finding> = self
            .pending
            .into_iter()
            .map(|p| {
                let (loaded, local) = self.sources.locate(p.at);
                let (line, column) = loaded.file.line_col(local);
                let i = match urls
                    .iter()
                    .position(|(id, ..)| std::ptr::eq(*id, p.rule.id))
                {
                    Some(i) => i,
                    None => {
                        urls.push((p.rule.id, p.rule.url(), p.rule.page_url()));
                        urls.len() - 1
                    }
                };
                Finding {
                    rule: p.rule.id,
                    severity: p.severity,
                    message: p.message,
                    line,
                    column,
                    help: Some(p.help),
                    url: urls[i].1.clone(),
                    page: urls[i].2.clone(),
                    file: loaded.name.clone(),
                    refused: false,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
        });
        out.dedup_by(|a, b| {
            (a.rule, &a.file, a.line, a.column) == (b.rule, &b.file, b.line, b.column)
        });
        out
    }
}

impl ConfigValidator for LiteLlmProxy {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "LiteLLM proxy config.yaml"
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn validate(&self, text: &str) -> Vec<Finding> {
        self.validate_with(
            text,
            &NotFollowed("the config was checked as text, without the directory it lives in"),
        )
    }

    fn validate_with(&self, text: &str, includes: &dyn Includes) -> Vec<Finding> {
        if text.len() > MAX_INPUT_BYTES {
            return vec![Finding::too_large(SYNTAX, text.len())];
        }
        let file = SourceFile::new("config.yaml", text);
        let root = match pyyaml::parse(&file) {
            Ok(root) => root,
            Err(e) => return vec![Finding::from_yaml_error(SYNTAX, &file, &e)],
        };
        let mut findings = Findings::new(file);
        if root.as_map().is_none() {
            let found = if root.is_null() {
                "empty".to_string()
            } else {
                root.kind().to_string()
            };
            findings.add(
                "not-a-mapping",
                root.span.start,
                format!(
                    "the config is {found}, not a mapping; the proxy expects top-level keys such as model_list and router_settings and cannot start from this file"
                ),
                "write the config as `model_list:`, `router_settings:`, ... at the start of lines",
            );
            return findings.finish();
        }
        load::duplicate_keys(&root, &mut findings);
        let root = load::follow_includes(root, includes, &mut findings);
        router::check_sections(&root, &mut findings);
        sections::check(&root, &mut findings);
        placeholders::check(&root, &mut findings);
        let config = Config::read(&root);
        keys::check(&config, &mut findings);
        provider::check(&config, &mut findings);
        master_key::check(&config, &mut findings);
        fallbacks::check(&config, &mut findings);
        router::check(&config, &mut findings);
        limits::check(&config, &root, &mut findings);
        findings.finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The rule ids a config triggers.
    /// Two hosted chat groups, `a` and `b`, on different providers and keys.
    pub const TWO_GROUPS: &str = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: k1}\n  - model_name: b\n    litellm_params: {model: anthropic/claude, api_key: k2}\n";

    /// [`TWO_GROUPS`] followed by `settings`.
    pub fn with(settings: &str) -> String {
        format!("{TWO_GROUPS}{settings}")
    }

    pub fn rules_of(text: &str) -> Vec<&'static str> {
        LiteLlmProxy.validate(text).iter().map(|f| f.rule).collect()
    }

    /// Asserts that `bad` triggers `rule` and the near-identical `good` does not.
    pub fn triggers(rule: &str, bad: &str, good: &str) {
        triggers_with(
            rule,
            bad,
            good,
            &NotFollowed("the tests read no included file"),
        );
    }

    /// [`triggers`] with the included files read from `includes`.
    pub fn triggers_with(rule: &str, bad: &str, good: &str, includes: &dyn Includes) {
        let found = LiteLlmProxy.validate_with(bad, includes);
        assert!(
            found.iter().any(|f| f.rule == rule),
            "`{rule}` not reported for:\n{bad}\nfound: {found:#?}"
        );
        let found = LiteLlmProxy.validate_with(good, includes);
        assert!(
            !found.iter().any(|f| f.rule == rule),
            "`{rule}` reported for:\n{good}\nfound: {found:#?}"
        );
    }

    /// The finding of `rule` for `text`, to check its position and wording.
    pub fn finding(text: &str, rule: &str) -> Finding {
        LiteLlmProxy
            .validate(text)
            .into_iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("no `{rule}` for:\n{text}"))
    }

    #[test]
    fn rule_ids_are_unique_and_pages_are_litellm_pages() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                r.page.is_some_and(|p| p.starts_with("litellm/")),
                "{}",
                r.id
            );
        }
        assert_eq!(RULES.len(), 47);
    }

    #[test]
    fn yaml_syntax_is_located() {
        triggers(
            "yaml-syntax",
            "model_list:\n  - model_name: [a\n",
            "model_list:\n  - model_name: [a]\n",
        );
        let f = finding("model_list:\n  - model_name: [a\n", "yaml-syntax");
        assert!(f.line >= 2, "{f:?}");
        assert!(rules_of("model_list: []\n").is_empty());
    }

    /// Each rule has a unit test that triggers it with a minimal config and checks that a
    /// near-identical one does not (`triggers("<rule>", bad, good)`).
    #[test]
    fn every_rule_has_a_trigger_test() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("fallbacks.rs"),
            include_str!("cycles.rs"),
            include_str!("modes.rs"),
            include_str!("resilience.rs"),
            include_str!("router.rs"),
            include_str!("limits.rs"),
            include_str!("sections.rs"),
            include_str!("placeholders.rs"),
            include_str!("keys.rs"),
            include_str!("load.rs"),
            include_str!("provider.rs"),
            include_str!("master_key.rs"),
        ]
        .concat()
        .replace(char::is_whitespace, "");
        for r in RULES {
            assert!(
                sources.contains(&format!("triggers(\"{}\"", r.id))
                    || sources.contains(&format!("triggers_with(\"{}\"", r.id)),
                "no trigger test for `{}`",
                r.id
            );
        }
    }

    #[test]
    fn alias_bombs_deep_nesting_and_huge_input_are_findings() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9u8 {
            let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
            bomb.push_str(&format!(
                "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        assert_eq!(rules_of(&bomb), ["yaml-syntax"]);
        let deep = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(rules_of(&deep), ["yaml-syntax"]);
        let huge = "# padding\n".repeat(MAX_INPUT_BYTES / 10 + 1);
        assert_eq!(rules_of(&huge), ["yaml-syntax"]);
    }

    #[test]
    fn not_a_mapping() {
        triggers("not-a-mapping", "- model_name: a\n", "model_list: []\n");
        triggers("not-a-mapping", "", "model_list:\n");
        triggers(
            "not-a-mapping",
            "router_settings:\n  - num_retries: 2\n",
            "router_settings:\n  num_retries: 2\n",
        );
        // Keys at the level of `litellm_params:` leave it empty.
        triggers(
            "not-a-mapping",
            "model_list:\n  - model_name: a\n    litellm_params:\n    model: openai/x\n",
            "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/x\n",
        );
    }

    #[test]
    fn findings_are_in_order_of_position() {
        let text =
            "router_settings:\n  enable_precall_checks: true\n  routing_strategy: simple_shuffle\n";
        let found = LiteLlmProxy.validate(text);
        let lines: Vec<usize> = found.iter().map(|f| f.line).collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
        assert!(
            found
                .iter()
                .all(|f| f.url.starts_with("/validators/litellm-proxy/#"))
        );
    }
}
