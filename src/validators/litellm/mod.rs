//! The LiteLLM proxy config validator (`litellm-proxy`): the misconfigurations that turn a
//! provider 429 into an outage instead of a fallback, located at the offending value.
//!
//! Facts about LiteLLM come from its Router and proxy source and docs (see
//! /work/shared/research/litellm.md in the project notes); messages say where a behaviour was
//! inferred from code or depends on the LiteLLM version.

mod fallbacks;
mod limits;
pub mod model;
mod router;

use crate::diagnostic::Severity::{self, Error as E, Info as I, Warning as W};
use crate::source::SourceFile;
use crate::validators::{ConfigValidator, Finding, MAX_INPUT_BYTES, RuleInfo};
use crate::yaml::{self, Limits};
use model::Config;

/// The validator registered as `litellm-proxy`.
pub struct LiteLlmProxy;

const fn rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    page: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        severity,
        summary,
        page,
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
        "a fallbacks setting is not a list, so the Router refuses to start",
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
        W,
        "a fallback's targets are a string, iterated one character at a time",
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
        "fallbacks form a cycle, repeating requests up to max_fallbacks",
        CYCLE,
    ),
    rule(
        "fallbacks-in-both-sections",
        W,
        "a fallback list is set in router_settings and litellm_settings; they are not merged",
        SECTIONS,
    ),
    rule(
        "fallback-same-quota",
        W,
        "a fallback target shares provider and API key/base with its source (heuristic)",
        "litellm/fallback-hits-same-rate-limit",
    ),
    rule(
        "no-fallback-for-group",
        W,
        "a single-deployment group has no fallback, so its 429s reach clients",
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
        "a retry_policy key LiteLLM ignores",
        IGNORED,
    ),
    rule(
        "unknown-allowed-fails-policy-key",
        W,
        "an allowed_fails_policy key LiteLLM ignores",
        IGNORED,
    ),
    rule(
        "sdk-retries-delay-failover",
        W,
        "litellm_params.max_retries > 0 adds SDK retries inside each Router attempt",
        "litellm/sdk-retries-delay-fallback",
    ),
    rule(
        "zero-retries-without-fallback",
        W,
        "zero retries on a group without a fallback: one 429 fails the request",
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
        W,
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
];

/// The rule with this id; every id a check reports is in [`RULES`] (the tests trigger each).
fn info(id: &str) -> Option<&'static RuleInfo> {
    let found = RULES.iter().find(|r| r.id == id);
    debug_assert!(found.is_some(), "litellm rule `{id}` is not in RULES");
    found
}

/// The rule that reports unparseable input.
const SYNTAX: &RuleInfo = &RULES[0];

/// Collects findings located in one config file.
pub struct Findings<'a> {
    file: &'a SourceFile,
    out: Vec<Finding>,
}

impl Findings<'_> {
    /// Reports `rule` at byte offset `at`, with the fix as help.
    pub fn add(&mut self, rule: &str, at: usize, message: String, help: impl Into<String>) {
        if let Some(rule) = info(rule) {
            let finding = Finding::at(rule, self.file, at, message, Some(help.into()));
            self.out.push(finding);
        }
    }
}

impl ConfigValidator for LiteLlmProxy {
    fn id(&self) -> &'static str {
        "litellm-proxy"
    }

    fn title(&self) -> &'static str {
        "LiteLLM proxy config.yaml"
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn validate(&self, text: &str) -> Vec<Finding> {
        if text.len() > MAX_INPUT_BYTES {
            return vec![Finding::too_large(SYNTAX, text.len())];
        }
        let file = SourceFile::new("config.yaml", text);
        let root = match yaml::parse(&file, 0..file.text.len(), Limits::default()) {
            Ok(root) => root,
            Err(e) => return vec![Finding::from_yaml_error(SYNTAX, &file, &e)],
        };
        let mut findings = Findings {
            file: &file,
            out: Vec::new(),
        };
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
            return findings.out;
        }
        router::check_sections(&root, &mut findings);
        let config = Config::read(&root);
        fallbacks::check(&config, &mut findings);
        router::check(&config, &mut findings);
        limits::check(&config, &root, &mut findings);
        let mut out = findings.out;
        out.sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The rule ids a config triggers.
    pub fn rules_of(text: &str) -> Vec<&'static str> {
        LiteLlmProxy.validate(text).iter().map(|f| f.rule).collect()
    }

    /// Asserts that `bad` triggers `rule` and the near-identical `good` does not.
    pub fn triggers(rule: &str, bad: &str, good: &str) {
        let found = LiteLlmProxy.validate(bad);
        assert!(
            found.iter().any(|f| f.rule == rule),
            "`{rule}` not reported for:\n{bad}\nfound: {found:#?}"
        );
        let found = LiteLlmProxy.validate(good);
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
            assert!(r.page.starts_with("litellm/"), "{}", r.page);
        }
        assert_eq!(RULES.len(), 28);
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
            include_str!("router.rs"),
            include_str!("limits.rs"),
        ]
        .concat()
        .replace(char::is_whitespace, "");
        for r in RULES {
            assert!(
                sources.contains(&format!("triggers(\"{}\"", r.id)),
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
        assert!(found.iter().all(|f| f.url.starts_with("/litellm/")));
    }
}
