//! `${VAR}` placeholders: LiteLLM reads environment variables only from `os.environ/NAME`
//! values and expands nothing else (no `os.path.expandvars` anywhere in litellm 1.110.2), so
//! `${OPENAI_API_KEY}` or `${PORT:-4000}` reaches the provider, the URL or the proxy's own
//! settings as that literal text, unless something rewrites the file before LiteLLM reads it.

use super::Findings;
use super::model::entries;
use super::sections::TOP_LEVEL;
use crate::yaml::{Node, Value};

pub fn check(root: &Node, out: &mut Findings) {
    if !out.any_text_contains("${") {
        return;
    }
    // Unknown top-level sections are reported as such; what they hold is never read.
    for (key, _, value) in entries(root) {
        if TOP_LEVEL.contains(&key) && key != "include" {
            walk(value, key, out);
        }
    }
}

fn walk(node: &Node, key: &str, out: &mut Findings) {
    match &node.value {
        Value::Scalar(s) => {
            let names = placeholders(&s.text);
            if !names.is_empty() {
                report(node, key, &names, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| walk(i, key, out)),
        Value::Map(map) => {
            for (k, v) in map {
                walk(v, k.as_text().unwrap_or(key), out);
            }
        }
    }
}

/// The variable names of the `${NAME}`, `${NAME:-default}` (and similar) placeholders in a text.
fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let closed = after[name_len..].contains('}');
        let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if starts_well && closed && !names.contains(&name) {
            names.push(name);
        }
        rest = &after[name_len..];
    }
    names
}

fn report(node: &Node, key: &str, names: &[&str], out: &mut Findings) {
    let shown = names
        .iter()
        .map(|n| format!("`${{{n}}}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let first = names[0];
    let effect = match key {
        "api_key" | "aws_secret_access_key" | "aws_access_key_id" | "password" => {
            "so the provider receives that text as the credential and answers with an authentication error".to_string()
        }
        "master_key" => {
            "so the proxy's master key is that literal text: whoever has read the config can call the proxy as its admin".to_string()
        }
        "api_base" | "base_url" | "database_url" | "redis_url" | "url" | "host" => {
            "so the proxy connects to an address containing that text, and the calls fail".to_string()
        }
        _ if key.chars().any(|c| c.is_ascii_uppercase()) => format!(
            "so environment_variables sets `{key}` to that text, replacing any value the environment gave it"
        ),
        _ => format!("so `{key}` is that literal text"),
    };
    out.add(
        "unexpanded-placeholder",
        node.span.start,
        format!(
            "{shown} is not expanded: LiteLLM reads environment variables only from values written `os.environ/NAME`, {effect} (unless a step before LiteLLM, such as envsubst or a Helm template, rewrites the file)"
        ),
        format!("write `os.environ/{first}` as the whole value"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};
    use super::placeholders;

    #[test]
    fn placeholder_names() {
        assert_eq!(placeholders("${A}"), ["A"]);
        assert_eq!(
            placeholders("https://x/${ACCOUNT_ID}/ai/${B:-b}"),
            ["ACCOUNT_ID", "B"]
        );
        assert!(placeholders("$HOME and ${ not one").is_empty());
        assert!(placeholders("${1X}").is_empty());
    }

    #[test]
    fn unexpanded_placeholder() {
        let bad = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: ${OPENAI_API_KEY}\n";
        triggers(
            "unexpanded-placeholder",
            bad,
            &bad.replace("${OPENAI_API_KEY}", "os.environ/OPENAI_API_KEY"),
        );
        let f = finding(bad, "unexpanded-placeholder");
        assert_eq!((f.line, f.column), (5, 16));
        assert_eq!(
            f.help.as_deref(),
            Some("write `os.environ/OPENAI_API_KEY` as the whole value")
        );
        // What an unknown section holds is never read, so it is not reported twice.
        assert!(!rules_of("server:\n  key: ${KEY}\n").contains(&"unexpanded-placeholder"));
    }
}
