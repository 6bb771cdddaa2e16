//! Fallback lists: the shapes the Router rejects at startup, targets and keys that resolve to
//! nothing, aliases, self-references, cycles, lists set twice, shared quotas and groups a 429
//! can exhaust with nowhere to go.

use std::collections::HashMap;

use super::Findings;
use super::model::{Config, FALLBACK_LISTS, FallbackEntry, Section, field, py_repr};
use crate::yaml::{Node, Value};

pub fn check(config: &Config, out: &mut Findings) {
    for name in FALLBACK_LISTS {
        for (section, node) in [
            (Section::Router, config.router_setting(name)),
            (Section::Litellm, config.litellm_setting(name)),
        ] {
            let Some(node) = node.filter(|n| !n.is_null()) else {
                continue;
            };
            if name == "default_fallbacks" {
                default_shape(node, section, out);
            } else {
                list_shape(node, name, section, out);
            }
        }
        both_sections(config, name, out);
    }
    let fallbacks = config.fallback_entries("fallbacks");
    for name in [
        "fallbacks",
        "context_window_fallbacks",
        "content_policy_fallbacks",
    ] {
        let entries = if name == "fallbacks" {
            None
        } else {
            Some(config.fallback_entries(name))
        };
        let entries = entries.as_deref().unwrap_or(&fallbacks);
        for entry in entries {
            key_defined(config, entry, name, out);
            for target in entry.targets.unwrap_or_default() {
                target_defined(config, target, name, out);
                if target.as_text() == Some(entry.key) {
                    out.add(
                        "fallback-to-self",
                        target.span.start,
                        format!(
                            "`{}` lists itself as a fallback: LiteLLM skips a target equal to the group that failed, so this entry does nothing",
                            entry.key
                        ),
                        "remove it, and list a group on a separate deployment or provider instead",
                    );
                }
            }
        }
    }
    if let Some((_, defaults)) = config.effective_list("default_fallbacks") {
        for target in defaults.as_seq().unwrap_or_default() {
            target_defined(config, target, "default_fallbacks", out);
        }
    }
    alias_keys(config, &fallbacks, out);
    cycles(&fallbacks, out);
    same_quota(config, &fallbacks, out);
    groups_without_fallback(config, out);
}

/// `fallbacks-not-a-list`, `fallback-item-not-a-mapping`, `fallback-item-multiple-keys` and
/// `fallback-targets-not-a-list` for one of the `{group: [targets]}` lists.
fn list_shape(node: &Node, name: &str, section: Section, out: &mut Findings) {
    // The Router validates `fallbacks` and `content_policy_fallbacks` when it starts; a bad
    // `context_window_fallbacks` fails only when a request needs it.
    let when = if name == "context_window_fallbacks" {
        "LiteLLM does not check this list at startup; the request that needs it fails with"
    } else {
        "the proxy fails at startup with"
    };
    let Some(items) = node.as_seq() else {
        // Python iterates a mapping by key and a string by character: the first item it sees.
        let first = match &node.value {
            Value::Map(map) => map.first().map(|(k, _)| item_text(k)),
            Value::Scalar(s) => s.text.chars().next().map(String::from),
            Value::Seq(_) => None,
        }
        .unwrap_or_default();
        out.add(
            "fallbacks-not-a-list",
            node.span.start,
            format!(
                "{}.{name} is {}, not a list of `{{group: [targets]}}` items: {when} `ValueError: Item '{first}' is not a dictionary.`",
                section.name(),
                node.kind()
            ),
            format!("write it as a list: `{name}: [{{\"<group>\": [\"<fallback group>\"]}}]`"),
        );
        return;
    };
    for item in items {
        match item.as_map() {
            None => out.add(
                "fallback-item-not-a-mapping",
                item.span.start,
                format!(
                    "this {name} item is {}, not a `{{group: [targets]}}` mapping: {when} `ValueError: Item '{}' is not a dictionary.` (a plain list of names works only as a per-request fallback)",
                    item.kind(),
                    item_text(item)
                ),
                format!("write the item as `{{\"<group>\": [\"{}\"]}}`", item_text(item)),
            ),
            Some(map) if map.len() != 1 => out.add(
                "fallback-item-multiple-keys",
                item.span.start,
                format!(
                    "this {name} item has {} keys: {when} `ValueError: Dictionary '{}' must have exactly one key, but has {} keys.`",
                    map.len(),
                    py_repr(item),
                    map.len()
                ),
                "give each group its own list item: `- {\"a\": [\"x\"]}` then `- {\"b\": [\"y\"]}`",
            ),
            Some([(key, targets)]) => {
                if targets.as_seq().is_none() {
                    targets_not_a_list(key, targets, name, out);
                }
            }
            Some(_) => {}
        }
    }
}

/// How LiteLLM prints an item in `Item '{item}' ...`: a string as is, anything else as repr.
fn item_text(node: &Node) -> String {
    match &node.value {
        Value::Scalar(s) => s.text.clone(),
        _ => py_repr(node),
    }
}

fn targets_not_a_list(key: &Node, targets: &Node, name: &str, out: &mut Findings) {
    let group = key.as_text().unwrap_or_default();
    let (message, help) = match targets.as_text() {
        Some(text) => {
            let chars: Vec<String> = text.chars().take(3).map(|c| format!("`{c}`")).collect();
            (
                format!(
                    "the {name} targets of `{group}` are a string, not a list: LiteLLM iterates it one character at a time and tries the model groups {}... instead of `{text}`, so the fallback fails (inferred from LiteLLM's fallback code)",
                    chars.join(", ")
                ),
                format!("write the targets as a list: `{group}: [\"{text}\"]`"),
            )
        }
        None => (
            format!(
                "the {name} targets of `{group}` are {}, not a list of model groups, so LiteLLM has nothing it can fall back to",
                targets.kind()
            ),
            format!("write the targets as a list: `{group}: [\"<fallback group>\"]`"),
        ),
    };
    out.add(
        "fallback-targets-not-a-list",
        targets.span.start,
        message,
        help,
    );
}

fn default_shape(node: &Node, section: Section, out: &mut Findings) {
    let message = match node.as_seq() {
        None => match node.as_text() {
            Some(text) => format!(
                "{}.default_fallbacks is a string: the Router wraps it as `{{\"*\": \"{text}\"}}` and iterates it one character at a time, so no default fallback works",
                section.name()
            ),
            None => format!(
                "{}.default_fallbacks is {}, not a list of model groups; the Router wraps it as the `*` fallback entry, which then has no usable targets",
                section.name(),
                node.kind()
            ),
        },
        Some(items) => match items.iter().find(|i| i.as_text().is_none()) {
            None => return,
            Some(item) => {
                let message = format!(
                    "this default_fallbacks item is {}, not a model group name; LiteLLM cannot route a fallback to it",
                    item.kind()
                );
                out.add(
                    "default-fallbacks-not-a-list",
                    item.span.start,
                    message,
                    "list model group names: `default_fallbacks: [\"<group>\"]`",
                );
                return;
            }
        },
    };
    let help = match node.as_text() {
        Some(text) => format!("write it as a list: `default_fallbacks: [\"{text}\"]`"),
        None => "list model group names: `default_fallbacks: [\"<group>\"]`".into(),
    };
    out.add(
        "default-fallbacks-not-a-list",
        node.span.start,
        message,
        help,
    );
}

/// `fallbacks-in-both-sections`: the Router uses `router or litellm`, never both.
fn both_sections(config: &Config, name: &str, out: &mut Findings) {
    let (Some(router), Some(litellm)) = (config.router_setting(name), config.litellm_setting(name))
    else {
        return;
    };
    if !super::model::is_truthy(litellm) {
        return;
    }
    let message = if super::model::is_truthy(router) {
        format!(
            "`{name}` is set in both router_settings and litellm_settings: the Router uses the router_settings list and ignores this one; the two lists are not merged"
        )
    } else {
        format!(
            "`{name}` is set in both sections: router_settings has an empty value, so the Router falls back to this litellm_settings list; the two are never merged"
        )
    };
    out.add(
        "fallbacks-in-both-sections",
        litellm.span.start,
        message,
        format!("keep one `{name}` list, under router_settings"),
    );
}

fn target_defined(config: &Config, target: &Node, list: &str, out: &mut Findings) {
    let Some(name) = target.as_text() else {
        return;
    };
    if config.resolves(name) {
        return;
    }
    let help = match crate::diagnostic::did_you_mean(
        name,
        &config.groups.iter().map(|(g, _)| *g).collect::<Vec<_>>(),
    ) {
        Some(g) => format!("did you mean `{g}`? Otherwise add a model_list entry named `{name}`"),
        None => format!(
            "add a model_list entry with `model_name: {name}`, or name an existing model group"
        ),
    };
    out.add(
        "fallback-target-undefined",
        target.span.start,
        format!(
            "{list} target `{name}` is no model_name, model_group_alias, wildcard match or model_info.id: when LiteLLM falls back to it the attempt fails with `BadRequestError: You passed in model={name}. There is no 'model_name' with this string`, and the client gets the original error"
        ),
        help,
    );
}

fn key_defined(config: &Config, entry: &FallbackEntry, list: &str, out: &mut Findings) {
    if entry.key == "*" || config.key_is_callable(entry.key) {
        return;
    }
    out.add(
        "fallback-key-undefined",
        entry.key_node.span.start,
        format!(
            "{list} key `{}` matches no model that clients can call (no model_name, alias or wildcard match), so this entry never fires; a 429 on the real group ends with \"No fallback model group found for original model_group=...\"",
            entry.key
        ),
        "key the entry by the exact model_name clients send",
    );
}

/// `fallback-alias-key`: LiteLLM looks fallbacks up by the name the client sent, before the
/// alias is resolved to its group.
fn alias_keys(config: &Config, fallbacks: &[FallbackEntry], out: &mut Findings) {
    for (alias, group) in &config.aliases {
        let Some(alias_name) = alias.as_text() else {
            continue;
        };
        if fallbacks.iter().any(|e| e.key == alias_name) {
            continue;
        }
        let Some(keyed) = fallbacks.iter().find(|e| e.key == *group) else {
            continue;
        };
        out.add(
            "fallback-alias-key",
            keyed.key_node.span.start,
            format!(
                "fallbacks are keyed by `{group}`, but clients that call its alias `{alias_name}` do not get them: LiteLLM looks fallbacks up by the name in the request, before resolving the alias (LiteLLM issue #10317; inferred from the fallback code)"
            ),
            format!("add an entry keyed by the alias: `- {{\"{alias_name}\": [...]}}`"),
        );
    }
}

/// `fallback-cycle`: one iterative depth-first search over the fallback graph, linear in groups
/// plus edges. Each back edge closes a cycle and is reported at the target that closes it.
fn cycles<'a>(fallbacks: &[FallbackEntry<'a>], out: &mut Findings) {
    let mut index: HashMap<&'a str, usize> = HashMap::new();
    let mut names: Vec<&'a str> = Vec::new();
    let mut id = |name: &'a str| -> usize {
        *index.entry(name).or_insert_with(|| {
            names.push(name);
            names.len() - 1
        })
    };
    // Edges per node, keeping the target node for the location; `*` is not a group.
    let mut edges: Vec<Vec<(usize, &'a Node)>> = Vec::new();
    for entry in fallbacks.iter().filter(|e| e.key != "*") {
        let from = id(entry.key);
        for target in entry.targets.unwrap_or_default() {
            let Some(name) = target.as_text().filter(|t| *t != entry.key) else {
                continue;
            };
            let to = id(name);
            let needed = from.max(to) + 1;
            if edges.len() < needed {
                edges.resize_with(needed, Vec::new);
            }
            edges[from].push((to, target));
        }
    }
    let n = names.len();
    edges.resize_with(n, Vec::new);
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut position = vec![0usize; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        position[start] = 0;
        stack.push((start, 0));
        while let Some(top) = stack.len().checked_sub(1) {
            let (node, next) = stack[top];
            if let Some(&(to, target)) = edges[node].get(next) {
                stack[top].1 += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        position[to] = stack.len();
                        stack.push((to, 0));
                    }
                    1 => {
                        let path: Vec<usize> = stack[position[to]..].iter().map(|f| f.0).collect();
                        report_cycle(&path, &names, target, out);
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
}

fn report_cycle(path: &[usize], names: &[&str], target: &Node, out: &mut Findings) {
    // Spell out at most a few hops: a long cycle's message stays readable and building it
    // stays constant-time.
    const SHOWN: usize = 6;
    let mut hops: Vec<&str> = path.iter().take(SHOWN).map(|&i| names[i]).collect();
    if path.len() > SHOWN {
        hops.push("...");
    }
    hops.push(names[path[0]]);
    let spelled = hops
        .iter()
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(" → ");
    out.add(
        "fallback-cycle",
        target.span.start,
        format!(
            "the fallbacks form a cycle {spelled}: when these groups are rate limited, LiteLLM keeps falling back around the cycle until max_fallbacks (5 by default) is reached, and each hop makes its own retries, so one request becomes many"
        ),
        "make fallbacks point one way, ending in a group on a separate quota",
    );
}

/// `fallback-same-quota` (heuristic): provider rate limits are usually per account or key, so
/// a target behind the same provider, key and endpoint as its source tends to 429 together.
fn same_quota(config: &Config, fallbacks: &[FallbackEntry], out: &mut Findings) {
    let quota = |i: usize| {
        let d = &config.deployments[i];
        let text = |k| d.param(k).and_then(Node::as_text);
        (d.provider(), text("api_key"), text("api_base"))
    };
    for entry in fallbacks {
        let Some(source) = config.group(entry.key) else {
            continue;
        };
        for target in entry.targets.unwrap_or_default() {
            let Some(name) = target.as_text().filter(|t| *t != entry.key) else {
                continue;
            };
            let Some(deployments) = config.group(name) else {
                continue;
            };
            let shared = deployments
                .iter()
                .all(|&t| source.iter().any(|&s| quota(s) == quota(t)));
            if !shared {
                continue;
            }
            let (provider, key, _) = quota(deployments[0]);
            out.add(
                "fallback-same-quota",
                target.span.start,
                format!(
                    "heuristic: fallback `{name}` uses the same provider ({provider}){} and endpoint as `{}`; provider rate limits are usually per account or key, so a 429 on `{}` likely hits `{name}` too and the fallback fails the same way",
                    // Never echo the key itself: configs pasted into the widget may hold real ones.
                    if key.is_some() { ", API key" } else { ", default API key" },
                    entry.key,
                    entry.key
                ),
                "fall back to a deployment with its own quota: another provider, region, account or key",
            );
        }
    }
}

/// `no-fallback-for-group` and `rpm-cap-without-fallback`: groups a 429 can exhaust.
fn groups_without_fallback(config: &Config, out: &mut Findings) {
    let caps_enforced = config
        .router_setting("enable_pre_call_checks")
        .and_then(super::model::as_bool)
        == Some(true)
        || config
            .router_setting("routing_strategy")
            .and_then(Node::as_text)
            .is_some_and(|s| s.starts_with("usage-based-routing"));
    for (group, members) in &config.groups {
        if group.contains('*') || config.has_fallback(group) {
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
        } else if members.len() == 1 {
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
    use super::super::tests::{finding, rules_of, triggers};

    const MODELS: &str = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: k1}\n  - model_name: b\n    litellm_params: {model: anthropic/claude, api_key: k2}\n";

    fn with(settings: &str) -> String {
        format!("{MODELS}{settings}")
    }

    #[test]
    fn fallbacks_not_a_list_quotes_the_startup_error() {
        let bad = with("router_settings:\n  fallbacks: {a: [b]}\n");
        triggers(
            "fallbacks-not-a-list",
            &bad,
            &with("router_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
        let f = finding(&bad, "fallbacks-not-a-list");
        assert!(
            f.message
                .contains("ValueError: Item 'a' is not a dictionary."),
            "{}",
            f.message
        );
        assert_eq!((f.line, f.column), (7, 14));
    }

    #[test]
    fn fallback_item_not_a_mapping() {
        triggers(
            "fallback-item-not-a-mapping",
            &with("router_settings:\n  fallbacks: [b]\n"),
            &with("router_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
    }

    #[test]
    fn fallback_item_multiple_keys() {
        let bad = with("router_settings:\n  fallbacks:\n    - {a: [b], b: [a]}\n");
        triggers(
            "fallback-item-multiple-keys",
            &bad,
            &with("router_settings:\n  fallbacks:\n    - {a: [b]}\n    - {b: [a]}\n"),
        );
        let f = finding(&bad, "fallback-item-multiple-keys");
        assert!(
            f.message.contains(
                "Dictionary '{'a': ['b'], 'b': ['a']}' must have exactly one key, but has 2 keys."
            ),
            "{}",
            f.message
        );
    }

    #[test]
    fn fallback_targets_not_a_list() {
        triggers(
            "fallback-targets-not-a-list",
            &with("router_settings:\n  fallbacks: [{a: \"b\"}]\n"),
            &with("router_settings:\n  fallbacks: [{a: [\"b\"]}]\n"),
        );
    }

    #[test]
    fn default_fallbacks_not_a_list() {
        triggers(
            "default-fallbacks-not-a-list",
            &with("router_settings:\n  default_fallbacks: b\n"),
            &with("router_settings:\n  default_fallbacks: [b]\n"),
        );
    }

    #[test]
    fn fallback_target_undefined() {
        triggers(
            "fallback-target-undefined",
            &with("router_settings:\n  fallbacks: [{a: [c]}]\n"),
            &with("router_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
        // Aliases, deployment ids and wildcard groups are valid targets.
        let ok = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x}\n  - model_name: azure/*\n    litellm_params: {model: azure/*}\n  - model_name: z\n    litellm_params: {model: openai/y}\n    model_info: {id: dep-1}\nrouter_settings:\n  model_group_alias: {fast: a}\n  fallbacks: [{a: [fast, azure/gpt-4o, dep-1]}]\n";
        assert!(!rules_of(ok).contains(&"fallback-target-undefined"));
        triggers(
            "fallback-target-undefined",
            &with("router_settings:\n  default_fallbacks: [c]\n"),
            &with("router_settings:\n  default_fallbacks: [b]\n"),
        );
    }

    #[test]
    fn fallback_key_undefined() {
        triggers(
            "fallback-key-undefined",
            &with("router_settings:\n  fallbacks: [{claude: [b]}]\n"),
            &with("router_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
        // `*` and a name without its provider prefix are callable keys.
        let ok = "model_list:\n  - model_name: openai/gpt-4o\n    litellm_params: {model: openai/gpt-4o}\nrouter_settings:\n  fallbacks: [{gpt-4o: [openai/gpt-4o]}, {\"*\": [openai/gpt-4o]}]\n";
        assert!(!rules_of(ok).contains(&"fallback-key-undefined"));
    }

    #[test]
    fn fallback_alias_key() {
        triggers(
            "fallback-alias-key",
            &with("router_settings:\n  model_group_alias: {fast: a}\n  fallbacks: [{a: [b]}]\n"),
            &with(
                "router_settings:\n  model_group_alias: {fast: a}\n  fallbacks: [{a: [b]}, {fast: [b]}]\n",
            ),
        );
    }

    #[test]
    fn fallback_to_self() {
        triggers(
            "fallback-to-self",
            &with("router_settings:\n  fallbacks: [{a: [a, b]}]\n"),
            &with("router_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
    }

    #[test]
    fn fallback_cycle_is_spelled_out() {
        let bad = with("router_settings:\n  fallbacks: [{a: [b]}, {b: [a]}]\n");
        triggers(
            "fallback-cycle",
            &bad,
            &with("router_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
        let f = finding(&bad, "fallback-cycle");
        assert!(f.message.contains("`a` → `b` → `a`"), "{}", f.message);
    }

    #[test]
    fn a_long_chain_and_a_long_cycle_are_handled_without_recursion() {
        let n = 5_000;
        let mut text = String::from("router_settings:\n  fallbacks:\n");
        for i in 0..n {
            text.push_str(&format!("    - {{g{i}: [g{}]}}\n", (i + 1) % n));
        }
        let found = rules_of(&text);
        assert_eq!(
            found.iter().filter(|r| **r == "fallback-cycle").count(),
            1,
            "one cycle"
        );
    }

    #[test]
    fn fallbacks_in_both_sections() {
        triggers(
            "fallbacks-in-both-sections",
            &with(
                "router_settings:\n  fallbacks: [{a: [b]}]\nlitellm_settings:\n  fallbacks: [{b: [a]}]\n",
            ),
            &with("litellm_settings:\n  fallbacks: [{a: [b]}]\n"),
        );
    }

    #[test]
    fn fallback_same_quota() {
        let same = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: k1}\n  - model_name: b\n    litellm_params: {model: openai/gpt-4o-mini, api_key: k1}\nrouter_settings:\n  fallbacks: [{a: [b]}]\n";
        let other = same.replace("gpt-4o-mini, api_key: k1", "gpt-4o-mini, api_key: k2");
        triggers("fallback-same-quota", same, &other);
    }

    #[test]
    fn no_fallback_for_group() {
        triggers(
            "no-fallback-for-group",
            &with("router_settings:\n  fallbacks: [{b: [a]}]\n"),
            &with("router_settings:\n  fallbacks: [{b: [a]}, {a: [b]}]\n"),
        );
        assert!(
            !rules_of(&with("router_settings:\n  default_fallbacks: [b]\n"))
                .contains(&"no-fallback-for-group")
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
