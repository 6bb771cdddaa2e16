//! Retries, cooldowns, weights and ordering, health checks and environment references: the
//! settings that decide how long a 429 lingers and where traffic goes while it does.

use super::Findings;
use super::model::{Config, as_bool, as_number, entries, field};
use crate::yaml::{Node, Value};

pub fn check(config: &Config, root: &Node, out: &mut Findings) {
    sdk_retries(config, out);
    zero_retries(config, out);
    cooldowns(config, out);
    order_and_weights(config, out);
    health_check_interval(config, out);
    if out.any_text_contains("os.environ/") {
        env_references(root, out);
    }
}

/// `sdk-retries-delay-failover`, for deployments that have somewhere to fail over to (another
/// deployment of their group, or a fallback): the SDK's retries would only delay that.
/// The last release whose routed calls let the SDK client retry, and the first that pins it
/// to 0 retries (both measured).
const SDK_RETRIES_UNTIL: &str = "1.60";
const SDK_PINNED_FROM: &str = "1.61";

fn sdk_retries(config: &Config, out: &mut Findings) {
    let can_fail_over = |group: &str| {
        config.group(group).is_some_and(|m| m.len() > 1) || config.has_fallback(group)
    };
    let defaults = config
        .router_setting("default_litellm_params")
        .and_then(|d| field(d, "max_retries"))
        .filter(|_| config.groups.iter().any(|(g, _)| can_fail_over(g)));
    let per_deployment = config
        .deployments
        .iter()
        .filter_map(|d| Some((d, d.param("max_retries")?)))
        .filter(|(d, _)| can_fail_over(d.group()))
        .map(|(_, n)| n);
    for value in defaults.into_iter().chain(per_deployment) {
        let Some(n) = as_number(value).filter(|n| *n > 0.0) else {
            continue;
        };
        out.add(
            "sdk-retries-delay-failover",
            value.span.start,
            format!(
                "max_retries: {n} on a routed deployment: on LiteLLM {SDK_RETRIES_UNTIL} and earlier the provider's SDK client retries a 429 inside the Router's attempt, waiting out its back-off before the Router can cool the deployment down or fall back; from {SDK_PINNED_FROM} the Router calls the SDK with 0 retries and this setting does nothing (both checked by counting the calls a rate-limited endpoint receives)"
            ),
            "remove max_retries (or set 0) and let router_settings.num_retries and fallbacks handle retries",
        );
    }
}

/// Groups whose 429s have nowhere to go (no entry of their own, no `*`, no default).
fn uncovered<'a>(config: &'a Config) -> Vec<&'a str> {
    config
        .groups
        .iter()
        .map(|(g, _)| *g)
        .filter(|g| !g.contains('*') && !config.has_fallback(g) && config.hosted_chat(g))
        .collect()
}

fn is_zero(node: &Node) -> bool {
    as_number(node) == Some(0.0)
}

fn zero_retries(config: &Config, out: &mut Findings) {
    let uncovered = uncovered(config);
    if uncovered.is_empty() {
        return;
    }
    let named = |groups: &[&str]| {
        let mut shown: Vec<String> = groups.iter().take(3).map(|g| format!("`{g}`")).collect();
        if groups.len() > 3 {
            shown.push(format!("and {} more", groups.len() - 3));
        }
        shown.join(", ")
    };
    let mut report = |node: &Node, what: &str, groups: &[&str]| {
        out.add(
            "zero-retries-without-fallback",
            node.span.start,
            format!(
                "{what} is 0, and {} {} no fallback: a single 429 fails the request at once, with neither a retry nor another model to absorb it",
                named(groups),
                if groups.len() == 1 { "has" } else { "have" }
            ),
            "add fallbacks (or default_fallbacks) for these groups, or allow at least one retry",
        );
    };
    // The Router takes num_retries from router_settings, else from the litellm global.
    let num_retries = config
        .router_setting("num_retries")
        .filter(|n| !n.is_null())
        .or_else(|| config.litellm_setting("num_retries"));
    if let Some(n) = num_retries.filter(|n| is_zero(n)) {
        report(n, "num_retries", &uncovered);
    }
    let rate_limit_retries = config
        .router_setting("retry_policy")
        .and_then(|p| field(p, "RateLimitErrorRetries"));
    if let Some(n) = rate_limit_retries.filter(|n| is_zero(n)) {
        report(n, "retry_policy.RateLimitErrorRetries", &uncovered);
    }
    if let Some(per_group) = config.router_setting("model_group_retry_policy") {
        for (group, _, policy) in entries(per_group) {
            let zero = field(policy, "RateLimitErrorRetries").filter(|n| is_zero(n));
            if let Some(n) = zero
                && uncovered.contains(&group)
            {
                report(
                    n,
                    &format!("model_group_retry_policy.{group}.RateLimitErrorRetries"),
                    &[group],
                );
            }
        }
    }
}

fn cooldowns(config: &Config, out: &mut Findings) {
    let multi: Vec<&str> = config
        .groups
        .iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(g, _)| *g)
        .collect();
    if multi.is_empty() {
        return;
    }
    if let Some(value) = config
        .router_setting("disable_cooldowns")
        .filter(|v| as_bool(v) == Some(true))
    {
        out.add(
            "cooldowns-disabled",
            value.span.start,
            format!(
                "disable_cooldowns: true keeps a rate-limited deployment in rotation: the Router keeps picking it for `{}` and its 429s keep reaching retries and clients instead of the healthy deployments",
                multi[0]
            ),
            "remove disable_cooldowns so that a deployment returning 429 is cooled down for cooldown_time",
        );
    }
    for (group, members) in config.groups.iter().filter(|(_, m)| m.len() > 1) {
        for &i in members {
            // A local server never answers with a provider's 429; keeping a last-resort local
            // deployment out of cooldown is deliberate.
            if config.deployments[i].local {
                continue;
            }
            let Some(value) = config.deployments[i]
                .param("cooldown_time")
                .filter(|v| is_zero(v))
            else {
                continue;
            };
            out.add(
                "cooldowns-disabled",
                value.span.start,
                format!(
                    "cooldown_time: 0 on a deployment turns its cooldown off: when it returns 429 it stays in `{group}`'s rotation and keeps being picked"
                ),
                "remove the deployment's cooldown_time, or set the seconds the provider's rate-limit window lasts",
            );
        }
    }
}

fn order_and_weights(config: &Config, out: &mut Findings) {
    let pre_call_checks = config
        .router_setting("enable_pre_call_checks")
        .and_then(as_bool)
        == Some(true);
    let shuffle = config
        .router_setting("routing_strategy")
        .and_then(Node::as_text)
        .is_none_or(|s| s == "simple-shuffle");
    for (group, members) in config.groups.iter().filter(|(_, m)| m.len() > 1) {
        let deployments: Vec<_> = members.iter().map(|&i| &config.deployments[i]).collect();
        if !pre_call_checks
            && let Some(order) = deployments.iter().find_map(|d| {
                d.param("order")
                    .or_else(|| d.info.and_then(|i| field(i, "order")))
            })
        {
            out.add(
                "order-without-pre-call-checks",
                order.span.start,
                format!(
                    "`order` on `{group}`'s deployments may be ignored: in LiteLLM versions that apply the order filter only in the pre-call checks, every deployment is shuffled together unless router_settings.enable_pre_call_checks is true (newer versions apply `order` always; version-dependent)"
                ),
                "set `enable_pre_call_checks: true` under router_settings so the order tiers apply in every version",
            );
        }
        if !shuffle {
            continue;
        }
        // simple-shuffle uses the first of weight, rpm, tpm that the first healthy deployment
        // has; once one is set on every deployment, the later ones are never read.
        for key in ["weight", "rpm", "tpm"] {
            let set = deployments
                .iter()
                .filter(|d| d.param(key).is_some())
                .count();
            if set == deployments.len() {
                break;
            }
            if set == 0 {
                continue;
            }
            let Some(missing) = deployments.iter().find(|d| d.param(key).is_none()) else {
                continue;
            };
            out.add(
                "mixed-weights",
                missing.name.span.start,
                format!(
                    "{set} of {} deployments of `{group}` set litellm_params.{key} and this one does not: simple-shuffle weights the pick by {key}, so a deployment without it gets weight 0 and is never picked, or the weights are ignored when the first deployment lacks it",
                    deployments.len()
                ),
                format!("set `{key}` on every deployment of `{group}`, or on none"),
            );
        }
    }
}

fn health_check_interval(config: &Config, out: &mut Findings) {
    let Some(value) = config
        .general
        .and_then(|g| field(g, "health_check_interval"))
    else {
        return;
    };
    // PyYAML (YAML 1.1) also reads `1_000` as a number.
    let numeric = as_number(value).is_some()
        || value
            .as_text()
            .is_some_and(|t| t.trim().replace('_', "").parse::<f64>().is_ok());
    if numeric || value.is_null() {
        return;
    }
    let shown = match &value.value {
        Value::Scalar(s) => format!("`{}`", s.text),
        _ => value.kind().to_string(),
    };
    out.add(
        "health-check-interval-not-numeric",
        value.span.start,
        format!(
            "health_check_interval {shown} is not a number of seconds: depending on the LiteLLM version the background health check then runs in a tight loop, calling every model continuously, or recent proxies skip the background loop without logging why"
        ),
        "set a number of seconds, e.g. `health_check_interval: 300`",
    );
}

/// `env-reference`: every `os.environ/NAME` value, so the operator can check each is set.
fn env_references(node: &Node, out: &mut Findings) {
    match &node.value {
        Value::Scalar(s) => {
            if let Some(name) = s.text.trim().strip_prefix("os.environ/") {
                out.add(
                    "env-reference",
                    node.span.start,
                    format!(
                        "reads the environment variable `{name}` when the proxy starts; if it is not set there the value is None, which surfaces later as authentication or connection errors on this deployment, not as a startup error"
                    ),
                    format!("make sure `{name}` is set in the proxy's environment (e.g. `printenv {name}` in its container)"),
                );
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| env_references(i, out)),
        Value::Map(map) => map.iter().for_each(|(_, v)| env_references(v, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};

    const TWO: &str = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x}\n  - model_name: a\n    litellm_params: {model: azure/x}\n";

    #[test]
    fn sdk_retries_delay_failover() {
        let retried = TWO.replace("{model: azure/x}", "{model: azure/x, max_retries: 3}");
        triggers(
            "sdk-retries-delay-failover",
            &retried,
            &retried.replace("max_retries: 3", "max_retries: 0"),
        );
        // A lone deployment with nowhere to fail over to loses nothing by its SDK's retries.
        let alone = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, max_retries: 3}\n";
        assert!(!rules_of(alone).contains(&"sdk-retries-delay-failover"));
    }

    #[test]
    fn zero_retries_without_fallback() {
        let one = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x}\n  - model_name: b\n    litellm_params: {model: azure/y}\n";
        triggers(
            "zero-retries-without-fallback",
            &format!("{one}router_settings:\n  num_retries: 0\n"),
            &format!("{one}router_settings:\n  num_retries: 0\n  default_fallbacks: [b]\n"),
        );
        triggers(
            "zero-retries-without-fallback",
            &format!("{one}router_settings:\n  retry_policy: {{RateLimitErrorRetries: 0}}\n"),
            &format!("{one}router_settings:\n  retry_policy: {{RateLimitErrorRetries: 1}}\n"),
        );
    }

    #[test]
    fn cooldowns_disabled() {
        triggers(
            "cooldowns-disabled",
            &format!("{TWO}router_settings:\n  disable_cooldowns: true\n"),
            &format!("{TWO}router_settings:\n  disable_cooldowns: false\n"),
        );
        let zero = TWO.replace("{model: azure/x}", "{model: azure/x, cooldown_time: 0}");
        let thirty = TWO.replace("{model: azure/x}", "{model: azure/x, cooldown_time: 30}");
        triggers("cooldowns-disabled", &zero, &thirty);
        // A single deployment is not cooled down on 429 anyway.
        let single = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, cooldown_time: 0}\n";
        assert!(!rules_of(single).contains(&"cooldowns-disabled"));
    }

    #[test]
    fn order_without_pre_call_checks_is_info() {
        let ordered = TWO.replace("{model: azure/x}", "{model: azure/x, order: 2}");
        triggers(
            "order-without-pre-call-checks",
            &ordered,
            &format!("{ordered}router_settings:\n  enable_pre_call_checks: true\n"),
        );
        assert_eq!(
            finding(&ordered, "order-without-pre-call-checks").severity,
            crate::diagnostic::Severity::Info
        );
    }

    #[test]
    fn mixed_weights() {
        let mixed = TWO.replace("{model: azure/x}", "{model: azure/x, weight: 2}");
        let both = mixed.replace("{model: openai/x}", "{model: openai/x, weight: 1}");
        triggers("mixed-weights", &mixed, &both);
        // rpm is not read when every deployment has a weight.
        let rpm_on_one = both.replace("weight: 2}", "weight: 2, rpm: 10}");
        assert!(!rules_of(&rpm_on_one).contains(&"mixed-weights"));
        let f = finding(&mixed, "mixed-weights");
        assert_eq!((f.line, f.column), (2, 17));
    }

    #[test]
    fn health_check_interval_not_numeric() {
        triggers(
            "health-check-interval-not-numeric",
            "general_settings:\n  health_check_interval: 5m\n",
            "general_settings:\n  health_check_interval: 300\n",
        );
    }

    #[test]
    fn env_reference_lists_each_variable() {
        let text = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/x\n      api_key: os.environ/OPENAI_API_KEY\n";
        triggers(
            "env-reference",
            text,
            &text.replace("os.environ/OPENAI_API_KEY", "sk-test"),
        );
        let f = finding(text, "env-reference");
        assert_eq!((f.line, f.column), (5, 16));
        assert!(f.message.contains("`OPENAI_API_KEY`"));
    }
}
