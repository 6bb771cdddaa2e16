//! `fallback-mode-mismatch`: a fallback from a group of one mode to a group of another. The
//! fallback repeats the failed call, of the same kind, on the target: an embedding request
//! sent on to a chat model fails there (or, between two embedding models, returns vectors of
//! another space), so the fallback cannot help. `default_fallbacks` applies to every group
//! without an entry of its own, embedding and speech groups included.

use super::Findings;
use super::group::Mode;
use super::model::Config;
use crate::yaml::Node;

pub fn check(config: &Config, out: &mut Findings) {
    // With one mode among the groups (a chat-only config, say) no fallback can cross modes.
    if !config.has_several_modes() {
        return;
    }
    for list in [
        "fallbacks",
        "context_window_fallbacks",
        "content_policy_fallbacks",
    ] {
        for entry in config.fallback_entries(list) {
            let Some(from) = config.mode(entry.key) else {
                continue;
            };
            for target in entry.targets.unwrap_or_default() {
                let Some(name) = target.as_text() else {
                    continue;
                };
                match config.mode(name) {
                    Some(to) if to != from => mismatch(entry.key, from, name, to, target, out),
                    _ => {}
                }
            }
        }
    }
    defaults(config, out);
}

fn mismatch(from: &str, from_mode: Mode, to: &str, to_mode: Mode, at: &Node, out: &mut Findings) {
    out.add(
        "fallback-mode-mismatch",
        at.span.start,
        format!(
            "`{from}` serves {} and its fallback `{to}` serves {}: LiteLLM repeats the failed {} call on `{to}`, which cannot answer it, so the fallback fails too",
            from_mode.name(),
            to_mode.name(),
            from_mode.name()
        ),
        format!("fall back from `{from}` to a group of the same mode, or remove `{to}` from its targets"),
    );
}

/// Each `default_fallbacks` target against the groups it would serve: those without an entry
/// of their own whose mode differs from the target's.
fn defaults(config: &Config, out: &mut Findings) {
    let Some((_, list)) = config.effective_list("default_fallbacks") else {
        return;
    };
    for target in list.as_seq().unwrap_or_default() {
        let Some(name) = target.as_text() else {
            continue;
        };
        let Some(to) = config.mode(name) else {
            continue;
        };
        let mut served: Vec<(&str, Mode)> = config
            .groups
            .iter()
            .map(|(g, _)| *g)
            .filter(|g| *g != name && !config.has_own_fallback(g))
            .filter_map(|g| Some((g, config.mode(g)?)))
            .filter(|(_, m)| *m != to)
            .collect();
        if served.is_empty() {
            continue;
        }
        let count = served.len();
        served.truncate(3);
        let mut shown: Vec<String> = served
            .iter()
            .map(|(g, m)| format!("`{g}` ({})", m.name()))
            .collect();
        if count > shown.len() {
            shown.push(format!("and {} more", count - shown.len()));
        }
        out.add(
            "fallback-mode-mismatch",
            target.span.start,
            format!(
                "default_fallbacks sends every group without its own fallback entry to `{name}`, which serves {}, including {}: their failed calls are repeated on `{name}`, which cannot answer them",
                to.name(),
                shown.join(", ")
            ),
            "give those groups fallback entries of their own, or make the default a group they can all use",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};

    const MODELS: &str = "model_list:\n  - model_name: chat\n    litellm_params: {model: openai/gpt-4o}\n  - model_name: chat-2\n    litellm_params: {model: anthropic/claude-sonnet-4-6}\n  - model_name: embed\n    litellm_params: {model: openai/text-embedding-3-small}\n  - model_name: embed-2\n    litellm_params: {model: azure/text-embedding-3-small}\n";

    #[test]
    fn fallback_mode_mismatch() {
        triggers(
            "fallback-mode-mismatch",
            &format!("{MODELS}router_settings:\n  fallbacks: [{{embed: [chat]}}]\n"),
            &format!("{MODELS}router_settings:\n  fallbacks: [{{embed: [embed-2]}}]\n"),
        );
        // default_fallbacks reaches the embedding groups too.
        let bad = format!("{MODELS}router_settings:\n  default_fallbacks: [chat-2]\n");
        let f = finding(&bad, "fallback-mode-mismatch");
        assert!(f.message.contains("`embed` (embedding)"), "{}", f.message);
        let own = format!(
            "{MODELS}router_settings:\n  default_fallbacks: [chat-2]\n  fallbacks: [{{embed: [embed-2]}}, {{embed-2: [embed]}}]\n"
        );
        assert!(!rules_of(&own).contains(&"fallback-mode-mismatch"));
    }
}
