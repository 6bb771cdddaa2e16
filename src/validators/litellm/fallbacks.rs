//! Fallback lists: the shapes the Router rejects at startup, targets and keys that resolve to
//! nothing or never match, aliases, self-references and lists set twice. Cycles, modes and
//! the resilience advice have modules of their own.

use super::Findings;
use super::model::{Config, FALLBACK_LISTS, FallbackEntry, Section, py_repr};
use crate::diagnostic::Severity;
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
    super::cycles::check(config, &fallbacks, out);
    super::modes::check(config, out);
    super::resilience::check(config, &fallbacks, out);
}

/// `fallbacks-not-a-list`, `fallback-item-not-a-mapping`, `fallback-item-multiple-keys` and
/// `fallback-targets-not-a-list` for one of the `{group: [targets]}` lists.
fn list_shape(node: &Node, name: &str, section: Section, out: &mut Findings) {
    // The Router validates `fallbacks` and `content_policy_fallbacks` when it starts; a bad
    // `context_window_fallbacks` is never checked, so it is a warning rather than an error.
    let checked = name != "context_window_fallbacks";
    let severity = if checked {
        Severity::Error
    } else {
        Severity::Warning
    };
    let when = if checked {
        "the proxy fails at startup with"
    } else {
        "LiteLLM does not check this list at startup and the lookup that needs it reads it wrongly; the equivalent fallbacks item fails with"
    };
    let Some(items) = node.as_seq() else {
        // Python iterates a mapping by key and a string by character: the first item it sees.
        let first = match &node.value {
            Value::Map(map) => map.first().map(|(k, _)| item_text(k)),
            Value::Scalar(s) => s.text.chars().next().map(String::from),
            Value::Seq(_) => None,
        }
        .unwrap_or_default();
        let newer = if checked && section == Section::Router {
            " on LiteLLM 1.109 and earlier; 1.110 starts and ignores the value, so no fallback applies"
        } else {
            ""
        };
        out.add_as(
            severity,
            "fallbacks-not-a-list",
            node.span.start,
            format!(
                "{}.{name} is {}, not a list of `{{group: [targets]}}` items: {when} `ValueError: Item '{first}' is not a dictionary.`{newer}",
                section.name(),
                node.kind()
            ),
            format!("write it as a list: `{name}: [{{\"<group>\": [\"<fallback group>\"]}}]`"),
        );
        return;
    };
    for item in items {
        match item.as_map() {
            None => out.add_as(
                severity,
                "fallback-item-not-a-mapping",
                item.span.start,
                format!(
                    "this {name} item is {}, not a `{{group: [targets]}}` mapping: {when} `ValueError: Item '{}' is not a dictionary.` (a plain list of names works only as a per-request fallback)",
                    item.kind(),
                    item_text(item)
                ),
                format!("write the item as `{{\"<group>\": [\"{}\"]}}`", item_text(item)),
            ),
            Some(map) if map.len() != 1 && !checked => out.add_as(
                severity,
                "fallback-item-multiple-keys",
                item.span.start,
                format!(
                    "this {name} item has {} keys: LiteLLM does not check this list at startup, and its lookup reads only the first key of an item, so the fallbacks of every other key here never apply",
                    map.len()
                ),
                "give each group its own list item: `- {\"a\": [\"x\"]}` then `- {\"b\": [\"y\"]}`",
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
                    targets_not_a_list(key, targets, name, severity, out);
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

fn targets_not_a_list(
    key: &Node,
    targets: &Node,
    name: &str,
    severity: Severity,
    out: &mut Findings,
) {
    let group = key.as_text().unwrap_or_default();
    let (message, help) = match targets.as_text() {
        Some(text) => {
            let chars: Vec<String> = text.chars().take(3).map(|c| format!("`{c}`")).collect();
            let startup = if severity == Severity::Error {
                format!(
                    "LiteLLM 1.108.1 and later refuse to start with `TypeError: Fallbacks for '{group}' must be a list of model names, got '{text}'. Use {{'{group}': ['{text}']}}`; earlier releases start, then "
                )
            } else {
                "LiteLLM ".to_string()
            };
            (
                format!(
                    "the {name} targets of `{group}` are a string, not a list: {startup}iterate it one character at a time and try the model groups {}... instead of `{text}`, so the fallback fails",
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
    out.add_as(
        severity,
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
                "{}.default_fallbacks is a string: LiteLLM 1.108.1 and later refuse to start with `TypeError: default_fallbacks must be a list of model names, got '{text}'. Use ['{text}']`; earlier releases wrap it as `{{\"*\": \"{text}\"}}` and iterate it one character at a time, so no default fallback works",
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
    // The same list in both sections changes nothing.
    if !super::model::is_truthy(litellm) || super::model::same_value(router, litellm) {
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
    if entry.key != "*" && entry.key.contains('*') {
        let catch_all = if config.has_catch_all() {
            "the `*` entry or default_fallbacks then applies instead"
        } else {
            "a failure of such a model ends with \"No fallback model group found for original model_group=...\""
        };
        out.add(
            "fallback-key-glob",
            entry.key_node.span.start,
            format!(
                "{list} key `{}` is a pattern, but LiteLLM looks fallbacks up by the exact model name of the request (then without its provider prefix, then `*`) and never expands `*` in a key, so this entry never fires, even for models a wildcard group serves; {catch_all}",
                entry.key
            ),
            "key the entry by each model name clients send, or use `*` (or default_fallbacks) for every model",
        );
        return;
    }
    if entry.key == "*" && list == "context_window_fallbacks" {
        // Measured on the packages: 1.74, 1.96.2 and 1.100.0 to 1.103.11 look this list up by
        // the exact model name only; 1.104.0 and later also try `*`.
        out.add(
            "context-window-wildcard-key",
            entry.key_node.span.start,
            "context_window_fallbacks key `*`: LiteLLM 1.103 and earlier look this list up by the exact model name of the request only, so the `*` entry never fires and an oversized prompt ends in ContextWindowExceededError; 1.104.0 and later use it for every model".to_string(),
            "on releases before 1.104.0, key an entry by each model_name whose prompts may overflow (or upgrade)",
        );
        return;
    }
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

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers, with};

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
    fn fallback_key_glob() {
        let wildcard = "model_list:\n  - model_name: claude-sonnet\n    litellm_params: {model: anthropic/claude-sonnet-4-6}\n  - model_name: anthropic/*\n    litellm_params: {model: anthropic/*}\n  - model_name: b\n    litellm_params: {model: openai/gpt-4o}\n";
        triggers(
            "fallback-key-glob",
            &format!("{wildcard}router_settings:\n  fallbacks: [{{claude-*: [b]}}]\n"),
            &format!("{wildcard}router_settings:\n  fallbacks: [{{claude-sonnet: [b]}}]\n"),
        );
        // A wildcard group's own name is a pattern too: requests name concrete models.
        let f = finding(
            &format!("{wildcard}router_settings:\n  fallbacks: [{{anthropic/*: [b]}}]\n"),
            "fallback-key-glob",
        );
        assert_eq!((f.line, f.column), (9, 16));
        assert!(
            !rules_of(&format!(
                "{wildcard}router_settings:\n  fallbacks: [{{\"*\": [b]}}]\n"
            ))
            .contains(&"fallback-key-glob")
        );
    }

    #[test]
    fn context_window_wildcard_key() {
        let bad = with("router_settings:\n  context_window_fallbacks:\n    - {\"*\": [b]}\n");
        triggers(
            "context-window-wildcard-key",
            &bad,
            &bad.replace("\"*\"", "a"),
        );
        // The generic list matches `*` in every release.
        let generic = with("router_settings:\n  fallbacks:\n    - {\"*\": [b]}\n");
        assert!(!rules_of(&generic).contains(&"context-window-wildcard-key"));
    }

    #[test]
    fn context_window_lists_are_not_checked_at_startup() {
        let bad = with("router_settings:\n  context_window_fallbacks:\n    - {a: [b], b: [a]}\n");
        let f = finding(&bad, "fallback-item-multiple-keys");
        assert_eq!(f.severity, crate::diagnostic::Severity::Warning);
        assert!(f.message.contains("first key"), "{}", f.message);
        let startup = with("router_settings:\n  fallbacks:\n    - {a: [b], b: [a]}\n");
        assert_eq!(
            finding(&startup, "fallback-item-multiple-keys").severity,
            crate::diagnostic::Severity::Error
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
}
