//! Router settings: section shapes, keys the proxy drops, settings placed where the Router never
//! reads them, the routing strategy and the retry / allowed-fails policy keys.

use super::Findings;
use super::model::{Config, entries, field};
use crate::diagnostic::did_you_mean;
use crate::yaml::Node;

/// `litellm.Router.__init__` argument names. The proxy passes a router_settings key to the
/// Router only if it is one of these (`if k in available_args`) and drops the rest (silently
/// before 1.8x, with a warning log since). From litellm/router.py at f292d1ae, plus the
/// arguments later releases added (`ROUTER_INIT_ARGS` of litellm/router_api.py, 1.110.2), so
/// that configs for newer versions are not flagged.
pub const ROUTER_ARGS: &[&str] = &[
    "assistants_config",
    "redis_url",
    "redis_host",
    "redis_port",
    "redis_password",
    "cache_responses",
    "cache_kwargs",
    "caching_groups",
    "client_ttl",
    "polling_interval",
    "default_priority",
    "num_retries",
    "max_fallbacks",
    "timeout",
    "stream_timeout",
    "default_litellm_params",
    "default_max_parallel_requests",
    "set_verbose",
    "debug_level",
    "default_fallbacks",
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "model_group_alias",
    "enable_pre_call_checks",
    "enable_tag_filtering",
    "retry_after",
    "retry_policy",
    "model_group_retry_policy",
    "allowed_fails",
    "allowed_fails_policy",
    "cooldown_time",
    "disable_cooldowns",
    "routing_strategy",
    "optional_pre_call_checks",
    "routing_strategy_args",
    "provider_budget_config",
    "alerting_config",
    "router_general_settings",
    "ignore_invalid_deployments",
    // Newer Router versions.
    "enable_health_check_routing",
    "health_check_staleness_threshold",
    "health_check_ignore_transient_errors",
    "deployment_affinity_ttl_seconds",
    "model_group_affinity_config",
    "routing_groups",
    "enable_weighted_failover",
    // 1.110.2 (litellm/router_api.py).
    "redis_db",
    "tag_filtering_match_any",
    "tag_routing_prefix",
    "plugins",
    "guardrail_list",
    "fallback_on_unsupported_params",
    "enable_mid_stream_fallback_continuation",
    "session_affinity_repin_on_failover",
    "background_health_check_model_groups",
];

/// Router arguments that the Router reads only as arguments, never from `litellm.<name>`
/// module globals: in litellm_settings they become unused globals (inferred from the Router's
/// `__init__`, which falls back to globals only for num_retries, max_fallbacks, the fallback
/// lists, allowed_fails and request_timeout).
const ROUTER_ONLY: &[&str] = &[
    "cooldown_time",
    "disable_cooldowns",
    "retry_policy",
    "model_group_retry_policy",
    "allowed_fails_policy",
    "retry_after",
    "routing_strategy",
    "routing_strategy_args",
    "enable_pre_call_checks",
    "optional_pre_call_checks",
    "model_group_alias",
];

/// The strategies the Router implements (its `routing_strategy` Literal).
pub const ROUTING_STRATEGIES: &[&str] = &[
    "simple-shuffle",
    "least-busy",
    "usage-based-routing",
    "latency-based-routing",
    "cost-based-routing",
    "usage-based-routing-v2",
    // In the `RoutingStrategy` enum and accepted by the startup check of PR #18624.
    "provider-budget-routing",
    // Accepted by the startup check of 1.110 (`valid_strategy_strings` in litellm/router.py).
    "lar1",
];

/// Fields of LiteLLM's `RetryPolicy` model (litellm/types/router.py).
const RETRY_POLICY_KEYS: &[&str] = &[
    "BadRequestErrorRetries",
    "AuthenticationErrorRetries",
    "TimeoutErrorRetries",
    "RateLimitErrorRetries",
    "ContentPolicyViolationErrorRetries",
    "InternalServerErrorRetries",
    // Newer `RetryPolicy` fields (LiteLLM's routing docs list them).
    "NotFoundErrorRetries",
    "ServiceUnavailableErrorRetries",
    "DefaultRetries",
];

/// Fields of LiteLLM's `AllowedFailsPolicy` model.
const ALLOWED_FAILS_POLICY_KEYS: &[&str] = &[
    "BadRequestErrorAllowedFails",
    "AuthenticationErrorAllowedFails",
    "TimeoutErrorAllowedFails",
    "RateLimitErrorAllowedFails",
    "ContentPolicyViolationErrorAllowedFails",
    "InternalServerErrorAllowedFails",
    // Newer `AllowedFailsPolicy` fields (litellm/types/router.py).
    "ServiceUnavailableErrorAllowedFails",
    "BadGatewayErrorAllowedFails",
    "NotFoundErrorAllowedFails",
];

const SETTINGS_SECTIONS: &[&str] = &[
    "router_settings",
    "litellm_settings",
    "general_settings",
    "environment_variables",
];

/// `not-a-mapping` for settings sections: the proxy reads them only when they are mappings.
pub fn check_sections(root: &Node, out: &mut Findings) {
    for &name in SETTINGS_SECTIONS {
        let Some(section) = field(root, name) else {
            continue;
        };
        if section.as_map().is_some() || section.is_null() {
            continue;
        }
        out.add(
            "not-a-mapping",
            section.span.start,
            format!(
                "`{name}` is {}, not a mapping: the proxy expects `key: value` settings here and will ignore or fail on this value",
                section.kind()
            ),
            format!("indent the settings under `{name}:` as `key: value` lines"),
        );
    }
    if let Some(list) = field(root, "model_list")
        && let Some(items) = list.as_seq()
    {
        for params in items.iter().filter_map(|i| field(i, "litellm_params")) {
            if params.as_map().is_some() {
                continue;
            }
            out.add(
                "not-a-mapping",
                params.span.start,
                format!(
                    "litellm_params of this deployment is {}, not a mapping: LiteLLM cannot create the deployment (the proxy skips invalid deployments at startup), so requests routed to it fail. Keys written at the same indentation as `litellm_params:` belong to the deployment, not to litellm_params",
                    params.kind()
                ),
                "indent model, api_key, api_base, ... two spaces deeper than `litellm_params:`",
            );
        }
        for item in items.iter().filter(|i| i.as_map().is_none()) {
            out.add(
                "not-a-mapping",
                item.span.start,
                format!(
                    "this model_list entry is {}, not a mapping with model_name and litellm_params; the proxy cannot load it",
                    item.kind()
                ),
                "write each entry as `- model_name: <group>` with `litellm_params:` below it",
            );
        }
    }
}

pub fn check(config: &Config, out: &mut Findings) {
    if let Some(router) = config.router {
        unknown_router_settings(router, out);
        if let Some(strategy) = field(router, "routing_strategy") {
            routing_strategy(strategy, out);
        }
        if let Some(aliases) = field(router, "model_group_alias") {
            model_group_aliases(config, aliases, out);
        }
    }
    // The policy keys are checked wherever the policy is written: in router_settings, where
    // the Router reads it, in litellm_settings (reported as misplaced too), and per deployment
    // in model_info (newer releases read allowed_fails_policy there).
    let per_deployment = config
        .deployments
        .iter()
        .filter_map(|d| d.info)
        .map(|i| (i, "model_info"));
    let sections = config
        .router
        .map(|r| (r, "router_settings"))
        .into_iter()
        .chain(config.litellm.map(|l| (l, "litellm_settings")))
        .chain(per_deployment);
    for (section, name) in sections {
        if let Some(policy) = field(section, "retry_policy") {
            policy_keys(policy, "retry_policy", name, RETRY_POLICY_KEYS, out);
        }
        if let Some(per_group) = field(section, "model_group_retry_policy") {
            for (_, _, policy) in entries(per_group) {
                policy_keys(
                    policy,
                    "model_group_retry_policy",
                    name,
                    RETRY_POLICY_KEYS,
                    out,
                );
            }
        }
        if let Some(policy) = field(section, "allowed_fails_policy") {
            policy_keys(
                policy,
                "allowed_fails_policy",
                name,
                ALLOWED_FAILS_POLICY_KEYS,
                out,
            );
        }
    }
    if let Some(litellm) = config.litellm {
        for (key, key_node, _) in entries(litellm) {
            if !ROUTER_ONLY.contains(&key) {
                continue;
            }
            let overridden = config.router_setting(key).is_some();
            out.add(
                "router-setting-ignored-in-litellm-settings",
                key_node.span.start,
                format!(
                    "`{key}` in litellm_settings only sets an unused `litellm.{key}` global: the Router reads `{key}` from router_settings alone, so this value has no effect{} (read in LiteLLM's Router constructor, which falls back to module globals only for num_retries, max_fallbacks, allowed_fails, the timeout and the fallback lists; LiteLLM's docs say most settings work in either section)",
                    if overridden {
                        "; router_settings already sets it"
                    } else {
                        ""
                    }
                ),
                format!("move `{key}` under router_settings"),
            );
        }
    }
}

fn unknown_router_settings(router: &Node, out: &mut Findings) {
    for (key, key_node, _) in entries(router) {
        if ROUTER_ARGS.contains(&key) {
            continue;
        }
        let home = super::sections::home_of(key);
        let (message, help) = match key {
            "health_check_interval" | "health_check_concurrency" => (
                format!(
                    "`{key}` is a general_settings key: LiteLLM 1.81.3 and later refuse to start with \"'{key}' is NOT a valid router_settings parameter. Please move it to 'general_settings'.\"; earlier releases drop it, so the background health check keeps its default"
                ),
                format!("move `{key}` under `general_settings`"),
            ),
            _ if home.is_some() => (
                format!(
                    "`{key}` is read from {}, not from router_settings: the proxy passes only Router arguments on and drops this key, so it has no effect",
                    home.unwrap_or_default()
                ),
                format!(
                    "move `{key}` under {}",
                    super::sections::quoted(home.unwrap_or_default())
                ),
            ),
            "model_list" | "search_tools" => (
                format!(
                    "the proxy drops `{key}` from router_settings: it takes {key} from the top level of the config only"
                ),
                format!("move `{key}` to the top level of the config"),
            ),
            _ => {
                let help = match did_you_mean(key, ROUTER_ARGS) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "remove it, or check the spelling against LiteLLM's router_settings reference".into(),
                };
                (
                    format!(
                        "`{key}` is not a LiteLLM Router setting: the proxy passes only Router arguments on and drops this key (silently before 1.81.3, with a \"not a valid argument for Router.__init__()\" warning since), so it has no effect"
                    ),
                    help,
                )
            }
        };
        // Since 1.81.3 these two stop the proxy at startup.
        let startup = matches!(key, "health_check_interval" | "health_check_concurrency");
        out.add_as(
            if startup {
                crate::diagnostic::Severity::Error
            } else {
                crate::diagnostic::Severity::Warning
            },
            "unknown-router-setting",
            key_node.span.start,
            message,
            help,
        );
    }
}

/// `model-group-alias-invalid`: each alias must name one model group, as a string or as
/// `{model: <group>, hidden: <bool>}`. A list fails every request for the alias (1.110 answers
/// "There are no healthy deployments for this model", 1.80 a TypeError; both measured).
fn model_group_aliases(config: &Config, aliases: &Node, out: &mut Findings) {
    for (alias, _, value) in entries(aliases) {
        let target = value
            .as_text()
            .or_else(|| field(value, "model").and_then(Node::as_text));
        match target {
            Some(group) if config.resolves(group) => {}
            Some(group) => out.add(
                "model-group-alias-invalid",
                value.span.start,
                format!(
                    "alias `{alias}` points at `{group}`, which is no model group of model_list: requests for `{alias}` fail with `BadRequestError: You passed in model={group}. There is no 'model_name' with this string`"
                ),
                format!("point `{alias}` at the model_name of a group"),
            ),
            None => out.add(
                "model-group-alias-invalid",
                value.span.start,
                format!(
                    "alias `{alias}` is {}, not the name of one model group: every request for `{alias}` fails (LiteLLM 1.110 answers \"There are no healthy deployments for this model\", 1.80 raises a TypeError). An alias cannot spread requests over several groups",
                    value.kind()
                ),
                format!(
                    "name one group (`{alias}: <group>`); to balance over several deployments, give them the same model_name"
                ),
            ),
        }
    }
}

fn routing_strategy(value: &Node, out: &mut Findings) {
    let Some(strategy) = value.as_text() else {
        out.add(
            "invalid-routing-strategy",
            value.span.start,
            format!(
                "routing_strategy is {}; LiteLLM expects one of {}",
                value.kind(),
                ROUTING_STRATEGIES.join(", ")
            ),
            "set routing_strategy to a strategy name, e.g. simple-shuffle",
        );
        return;
    };
    if ROUTING_STRATEGIES.contains(&strategy) {
        return;
    }
    let help = match did_you_mean(strategy, ROUTING_STRATEGIES) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("use one of {}", ROUTING_STRATEGIES.join(", ")),
    };
    out.add(
        "invalid-routing-strategy",
        value.span.start,
        format!(
            "`{strategy}` is not a LiteLLM routing strategy: LiteLLM 1.80.12 and later refuse to start with \"Invalid routing_strategy: '{strategy}'\"; 1.80.11 and earlier start, no strategy branch picks a deployment, and every request fails with \"No deployments available for selected model\""
        ),
        help,
    );
}

fn policy_keys(
    policy: &Node,
    name: &str,
    section: &str,
    allowed: &[&'static str],
    out: &mut Findings,
) {
    let rule = if name == "allowed_fails_policy" {
        "unknown-allowed-fails-policy-key"
    } else {
        "unknown-retry-policy-key"
    };
    for (key, key_node, _) in entries(policy) {
        if allowed.contains(&key) {
            continue;
        }
        let help = match did_you_mean(key, allowed) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of {}", allowed.join(", ")),
        };
        out.add(
            rule,
            key_node.span.start,
            format!(
                "`{key}` is not a field of LiteLLM's {name} (here in {section}): the policy model ignores unknown keys, so this setting has no effect"
            ),
            help,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, triggers};

    #[test]
    fn unknown_router_setting_suggests_the_real_key() {
        triggers(
            "unknown-router-setting",
            "router_settings:\n  enable_precall_checks: true\n",
            "router_settings:\n  enable_pre_call_checks: true\n",
        );
        let f = finding(
            "router_settings:\n  enable_precall_checks: true\n",
            "unknown-router-setting",
        );
        assert_eq!((f.line, f.column), (2, 3));
        assert_eq!(
            f.help.as_deref(),
            Some("did you mean `enable_pre_call_checks`?")
        );
    }

    #[test]
    fn router_setting_ignored_in_litellm_settings() {
        triggers(
            "router-setting-ignored-in-litellm-settings",
            "litellm_settings:\n  cooldown_time: 30\n",
            "router_settings:\n  cooldown_time: 30\n",
        );
        triggers(
            "router-setting-ignored-in-litellm-settings",
            "litellm_settings:\n  retry_policy: {RateLimitErrorRetries: 0}\n",
            "litellm_settings:\n  num_retries: 0\n",
        );
    }

    #[test]
    fn model_group_alias_invalid() {
        let models = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x}\n  - model_name: b\n    litellm_params: {model: openai/y}\n";
        triggers(
            "model-group-alias-invalid",
            &format!("{models}router_settings:\n  model_group_alias:\n    llm: [a, b]\n"),
            &format!("{models}router_settings:\n  model_group_alias:\n    llm: a\n"),
        );
        triggers(
            "model-group-alias-invalid",
            &format!("{models}router_settings:\n  model_group_alias:\n    llm: {{model: c}}\n"),
            &format!(
                "{models}router_settings:\n  model_group_alias:\n    llm: {{model: b, hidden: true}}\n"
            ),
        );
    }

    #[test]
    fn invalid_routing_strategy() {
        triggers(
            "invalid-routing-strategy",
            "router_settings:\n  routing_strategy: simple_shuffle\n",
            "router_settings:\n  routing_strategy: simple-shuffle\n",
        );
        let f = finding(
            "router_settings:\n  routing_strategy: simple_shuffle\n",
            "invalid-routing-strategy",
        );
        assert_eq!((f.line, f.column), (2, 21));
        assert_eq!(f.help.as_deref(), Some("did you mean `simple-shuffle`?"));
    }

    #[test]
    fn unknown_policy_keys() {
        triggers(
            "unknown-retry-policy-key",
            "router_settings:\n  retry_policy:\n    RateLimitRetries: 1\n",
            "router_settings:\n  retry_policy:\n    RateLimitErrorRetries: 1\n",
        );
        triggers(
            "unknown-retry-policy-key",
            "router_settings:\n  model_group_retry_policy:\n    gpt-4o: {RateLimitErrorRetry: 1}\n",
            "router_settings:\n  model_group_retry_policy:\n    gpt-4o: {RateLimitErrorRetries: 1}\n",
        );
        triggers(
            "unknown-allowed-fails-policy-key",
            "router_settings:\n  allowed_fails_policy:\n    RateLimitErrorFails: 3\n",
            "router_settings:\n  allowed_fails_policy:\n    RateLimitErrorAllowedFails: 3\n",
        );
    }
}
