//! Advice on how a hosted chat group survives a provider's 429 (all `info`): a fallback that
//! calls the very model on the very account it falls back from, a group of one deployment with
//! no fallback, and a group whose every deployment has an enforced rpm/tpm cap. Self-hosted
//! servers (Ollama, vLLM, llama.cpp) do not answer with a provider's per-account rate limit,
//! and an embedding or speech group cannot fall back to a different model without changing
//! what it returns, so neither gets this advice.

use super::Findings;
use super::model::{Config, FallbackEntry, FastSet, as_bool, field};
use crate::yaml::Node;

pub fn check(config: &Config, fallbacks: &[FallbackEntry], out: &mut Findings) {
    let shared = shared_quotas(config);
    // A target can share a source's quota only through a deployment that repeats another's
    // provider, model and account, or through free-tier models.
    let free = config
        .deployments
        .iter()
        .any(|d| d.model_name().ends_with(":free"));
    if !shared.is_empty() || free {
        same_quota(config, fallbacks, out);
    }
    groups_without_fallback(config, fallbacks, &shared, out);
}

/// The quotas more than one deployment draws on.
fn shared_quotas<'a>(config: &Config<'a>) -> FastSet<Quota<'a>> {
    let mut seen: FastSet<Quota> =
        FastSet::with_capacity_and_hasher(config.deployments.len(), Default::default());
    let mut shared: FastSet<Quota> = FastSet::default();
    for i in 0..config.deployments.len() {
        let q = quota(config, i);
        if !seen.insert(q) {
            shared.insert(q);
        }
    }
    shared
}

/// What decides a deployment's rate limit: provider, model, and the account and endpoint.
type Quota<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>);

fn quota<'a>(config: &Config<'a>, i: usize) -> Quota<'a> {
    let d = &config.deployments[i];
    let (key, base) = d.account();
    (d.provider(), d.model_name(), key, base)
}

/// `fallback-same-quota`: every deployment of the target draws on the quota of a deployment
/// of the source: the same account and endpoint, and the same model (provider limits are per
/// account and model) or free-tier models (`:free`), which share the account's free allowance.
fn same_quota(config: &Config, fallbacks: &[FallbackEntry], out: &mut Findings) {
    let free = |model: &str| model.ends_with(":free");
    let shares = |a: &Quota, b: &Quota| {
        (a.0, a.2, a.3) == (b.0, b.2, b.3) && (a.1 == b.1 || (free(a.1) && free(b.1)))
    };
    for entry in fallbacks {
        let Some(source) = config.group(entry.key) else {
            continue;
        };
        if !config.hosted_chat(entry.key) {
            continue;
        }
        let source_quotas: Vec<Quota> = source.iter().map(|&s| quota(config, s)).collect();
        for target in entry.targets.unwrap_or_default() {
            let Some(name) = target.as_text().filter(|t| *t != entry.key) else {
                continue;
            };
            let Some(deployments) = config.group(name) else {
                continue;
            };
            let target_quotas: Vec<Quota> = deployments.iter().map(|&t| quota(config, t)).collect();
            if !target_quotas
                .iter()
                .all(|t| source_quotas.iter().any(|s| shares(s, t)))
            {
                continue;
            }
            let (provider, model, key, _) = target_quotas[0];
            // Never echo the key itself: configs pasted into the widget may hold real ones.
            let credentials = if key.is_some() {
                "credentials"
            } else {
                "default credentials"
            };
            let what = if source_quotas.iter().any(|s| s.1 == model) {
                format!(
                    "calls the same model ({provider}/{model}) with the same {credentials} and endpoint as `{}`: a provider's rate limit applies to that account and model",
                    entry.key
                )
            } else {
                format!(
                    "calls a free-tier model ({provider}/{model}) with the same {credentials} and endpoint as `{}`, whose free-tier models share one allowance of the account",
                    entry.key
                )
            };
            out.add(
                "fallback-same-quota",
                target.span.start,
                format!(
                    "fallback `{name}` {what}, so a 429 on `{}` is a 429 on `{name}` too and this fallback only repeats the call",
                    entry.key
                ),
                "fall back to a deployment with its own quota: another provider, region, account or key",
            );
        }
    }
}

/// `no-fallback-for-group` and `rpm-cap-without-fallback`: hosted chat groups a 429 can
/// exhaust with nowhere to go.
fn groups_without_fallback(
    config: &Config,
    fallbacks: &[FallbackEntry],
    shared: &FastSet<Quota>,
    out: &mut Findings,
) {
    let caps_enforced = config
        .router_setting("enable_pre_call_checks")
        .and_then(as_bool)
        == Some(true)
        || config
            .router_setting("routing_strategy")
            .and_then(Node::as_text)
            .is_some_and(|s| s.starts_with("usage-based-routing"));
    // The end of a fallback chain: other groups rely on it; advising it a fallback of its own
    // is advice to extend the chain, which the operator chose not to.
    let targets: FastSet<&str> = fallbacks
        .iter()
        .flat_map(|e| e.targets.unwrap_or_default())
        .filter_map(Node::as_text)
        .collect();
    // Groups that are other names for one deployment (same provider, model and account, in
    // `shared`): one piece of advice would be repeated for each name.
    for (group, members) in &config.groups {
        if group.contains('*') || config.has_fallback(group) || !config.hosted_chat(group) {
            continue;
        }
        let cap = |i: usize| {
            let d = &config.deployments[i];
            ["rpm", "tpm"]
                .iter()
                .find_map(|k| d.param(k).or_else(|| field(d.node, k)))
        };
        let caps: Vec<&Node> = members.iter().filter_map(|&i| cap(i)).collect();
        if caps_enforced && caps.len() == members.len() {
            out.add(
                "rpm-cap-without-fallback",
                caps[0].span.start,
                format!(
                    "every deployment of `{group}` has an rpm/tpm cap that LiteLLM enforces (enable_pre_call_checks or usage-based routing), and the group has no fallback: at the cap, requests fail with 429 \"No deployments available for selected model\""
                ),
                format!(
                    "add a fallback for `{group}` (router_settings.fallbacks or default_fallbacks), or a deployment without the cap"
                ),
            );
        } else if members.len() == 1
            && !targets.contains(group)
            && !shared.contains(&quota(config, members[0]))
        {
            let name = config.deployments[members[0]].name;
            out.add(
                "no-fallback-for-group",
                name.span.start,
                format!(
                    "`{group}` has one deployment and no fallback: by default LiteLLM does not cool a single deployment down on a 429 but retries it with back-off, and when the retries run out the 429 reaches the client"
                ),
                format!(
                    "add `- {{\"{group}\": [\"<group on another quota>\"]}}` to router_settings.fallbacks, set default_fallbacks, or add a second deployment to the group"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{TWO_GROUPS, finding, rules_of, triggers, with};

    #[test]
    fn fallback_same_quota() {
        let same = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: k1}\n  - model_name: b\n    litellm_params: {model: openai/gpt-4o, api_key: k1}\nrouter_settings:\n  fallbacks: [{a: [b]}]\n";
        let other_key = same.replace(
            "gpt-4o, api_key: k1}\nrouter",
            "gpt-4o, api_key: k2}\nrouter",
        );
        triggers("fallback-same-quota", same, &other_key);
        // Another model on the same account has its own limit.
        let other_model = same.replace(
            "gpt-4o, api_key: k1}\nrouter",
            "gpt-4o-mini, api_key: k1}\nrouter",
        );
        assert!(!rules_of(&other_model).contains(&"fallback-same-quota"));
        // Self-hosted servers have no provider quota.
        let local = same.replace(
            "openai/gpt-4o, api_key: k1",
            "ollama/llama3, api_base: 'http://ollama:11434'",
        );
        assert!(!rules_of(&local).contains(&"fallback-same-quota"));
    }

    #[test]
    fn no_fallback_for_group() {
        triggers(
            "no-fallback-for-group",
            TWO_GROUPS,
            &with("router_settings:\n  fallbacks: [{a: [b]}, {b: [a]}]\n"),
        );
        // `a` ends the chain of `b`: it is not advised one of its own.
        assert!(
            !rules_of(&with("router_settings:\n  fallbacks: [{b: [a]}]\n"))
                .contains(&"no-fallback-for-group")
        );
        assert!(
            !rules_of(&with("router_settings:\n  default_fallbacks: [b]\n"))
                .contains(&"no-fallback-for-group")
        );
        // Embedding groups and self-hosted servers get no such advice.
        let quiet = "model_list:\n  - model_name: e\n    litellm_params: {model: openai/text-embedding-3-small}\n  - model_name: l\n    litellm_params: {model: ollama/llama3}\n  - model_name: v\n    litellm_params: {model: openai/qwen, api_base: 'http://vllm:8000/v1'}\n";
        assert!(!rules_of(quiet).contains(&"no-fallback-for-group"));
        assert_eq!(
            finding(TWO_GROUPS, "no-fallback-for-group").severity,
            crate::diagnostic::Severity::Info
        );
    }

    #[test]
    fn rpm_cap_without_fallback() {
        let capped = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, rpm: 10}\n  - model_name: a\n    litellm_params: {model: azure/x, rpm: 10}\n  - model_name: b\n    litellm_params: {model: openai/y}\nrouter_settings:\n  enable_pre_call_checks: true\n";
        let covered = format!("{capped}  fallbacks: [{{a: [b]}}]\n");
        triggers("rpm-cap-without-fallback", capped, &covered);
        let f = finding(capped, "rpm-cap-without-fallback");
        assert_eq!((f.line, f.column), (3, 44));
    }
}
