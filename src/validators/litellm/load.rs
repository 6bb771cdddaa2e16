//! Reading a config as the proxy reads it: the YAML of the config and of every file it
//! includes, each file's duplicate keys, and the `include` merge into one document whose every
//! node still points into the file it came from.
//!
//! LiteLLM's merge (litellm/proxy/common_utils/config_includes.py, 1.102 and later; earlier
//! releases merge the same way but resolve every entry next to the root config): top-level
//! lists are extended, every other top-level value is replaced by the included one, each file
//! is read once, and the `include` key itself is dropped.

use std::collections::HashSet;

use super::Findings;
use crate::source::SourceFile;
use crate::validators::includes::{Included, Includes};
use crate::yaml::{Node, Value};

/// Most files one config may include, directly or not.
const MAX_INCLUDED_FILES: usize = 64;

/// One file of the document; its nodes' spans are offsets into it, shifted by `base`.
pub struct Loaded {
    pub base: usize,
    pub file: SourceFile,
    /// How findings name the file; `None` for the checked config itself.
    pub name: Option<String>,
    /// The key the include source gave it (its resolved path).
    pub key: Option<String>,
}

/// Every file of the document, in the order they were read.
#[derive(Default)]
pub struct Sources {
    pub files: Vec<Loaded>,
}

impl Sources {
    /// Sources holding the checked config alone.
    pub fn new(main: SourceFile) -> Sources {
        let mut sources = Sources::default();
        sources.add(main, None, None);
        sources
    }

    fn add(&mut self, file: SourceFile, name: Option<String>, key: Option<String>) -> usize {
        // One byte between files, so that an empty file still owns its offset.
        let base = self
            .files
            .last()
            .map_or(0, |l| l.base + l.file.text.len() + 1);
        self.files.push(Loaded {
            base,
            file,
            name,
            key,
        });
        base
    }

    /// The file that holds a document offset, and the offset within it.
    pub fn locate(&self, at: usize) -> (&Loaded, usize) {
        let i = self.files.partition_point(|l| l.base <= at).max(1) - 1;
        let loaded = &self.files[i];
        (loaded, at - loaded.base)
    }
}

/// Reports repeated keys of every mapping in `node` (PyYAML keeps the last one silently).
pub fn duplicate_keys(node: &Node, out: &mut Findings) {
    match &node.value {
        Value::Scalar(_) => {}
        Value::Seq(items) => items.iter().for_each(|i| duplicate_keys(i, out)),
        Value::Map(entries) => {
            for (i, (key, value)) in entries.iter().enumerate() {
                duplicate_keys(value, out);
                let Some(name) = scalar_key(key) else {
                    continue;
                };
                // Maps in configs are small: comparing with the keys before is cheaper than
                // allocating a set for each one.
                let Some((first, _)) = entries[..i]
                    .iter()
                    .find(|(k, _)| scalar_key(k).is_some_and(|k| same(k, name)))
                else {
                    continue;
                };
                let (line, _) = out.line_col(key.span.start);
                out.add(
                    "duplicate-key",
                    first.span.start,
                    format!(
                        "`{name}` is given again on line {line} of this mapping: the YAML loader LiteLLM uses keeps only the last one, so everything under this `{name}` is ignored"
                    ),
                    format!("merge the two `{name}` entries into one"),
                );
            }
        }
    }
}

/// String equality that rules most pairs out on length and first byte, before comparing the
/// bytes: nearly every pair of keys in a mapping differs there.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// A key's text, unless it is a merge key (`<<` may repeat).
fn scalar_key(key: &Node) -> Option<&str> {
    match &key.value {
        Value::Scalar(s) if s.text != "<<" => Some(&s.text),
        _ => None,
    }
}

/// Follows the `include` list of `root` (and of the files it includes), reporting entries that
/// cannot be read and values an included file replaces, and returns the merged document.
pub fn follow_includes(root: Node, includes: &dyn Includes, out: &mut Findings) -> Node {
    let Some(entries) = root.as_map() else {
        return root;
    };
    let Some(list) = include_list(entries, out) else {
        return root;
    };
    let mut merged: Vec<(Node, Node)> = without_include(entries);
    let mut pending: Vec<(Node, Option<String>)> = list.into_iter().map(|n| (n, None)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut read = 0usize;
    while !pending.is_empty() {
        let (entry, declared_in) = pending.remove(0);
        let Some(name) = entry.as_text() else {
            continue;
        };
        match includes.read(name, declared_in.as_deref()) {
            Included::NotFollowed { why } => {
                out.add(
                    "include-not-followed",
                    entry.span.start,
                    format!("`{name}` and any other included file were not checked: {why}"),
                    "check the config with its path so that its includes are read",
                );
                // One note says it for every entry.
                pending.clear();
            }
            Included::Missing { path } => out.add(
                "include-not-found",
                entry.span.start,
                format!(
                    "there is no file `{path}`: the proxy refuses to start with `FileNotFoundError: Included file not found: {path}` (resolved next to the config that names it)"
                ),
                "fix the path, or add the file; entries are relative to the config that declares them",
            ),
            Included::Unreadable { path, why } => out.add(
                "include-invalid",
                entry.span.start,
                format!("`{path}` cannot be included: {why}"),
                "include a YAML file of top-level settings",
            ),
            Included::Read { key, name, text } => {
                if !seen.insert(key.clone()) {
                    continue;
                }
                read += 1;
                if read > MAX_INCLUDED_FILES {
                    out.add(
                        "include-invalid",
                        entry.span.start,
                        format!(
                            "more than {MAX_INCLUDED_FILES} included files; `{name}` and the rest were not checked"
                        ),
                        "include fewer, larger files",
                    );
                    break;
                }
                let Some(included) = parse_included(&name, &key, text, entry.span.start, out) else {
                    continue;
                };
                duplicate_keys(&included, out);
                let Some(included_entries) = included.as_map() else {
                    continue;
                };
                if let Some(nested) = include_list(included_entries, out) {
                    pending.extend(nested.into_iter().map(|n| (n, Some(key.clone()))));
                }
                merge(&mut merged, without_include(included_entries), &name, out);
            }
        }
    }
    Node {
        value: Value::Map(merged),
        span: root.span,
    }
}

/// The entries of an `include` list; an `include` that is not a list of paths is reported.
fn include_list(entries: &[(Node, Node)], out: &mut Findings) -> Option<Vec<Node>> {
    let (_, value) = entries
        .iter()
        .rev()
        .find(|(k, _)| k.as_text() == Some("include"))?;
    let items = match value.as_seq() {
        Some(items) if items.iter().all(|i| i.as_text().is_some()) => items,
        _ => {
            let at = value
                .as_seq()
                .and_then(|items| items.iter().find(|i| i.as_text().is_none()))
                .unwrap_or(value);
            out.add(
                "include-invalid",
                at.span.start,
                format!(
                    "`include` must be a list of file paths, and this is {}: the proxy refuses to start with `ValueError: 'include' must be a list of file paths`",
                    at.kind()
                ),
                "write `include:` followed by `- <file>.yaml` lines",
            );
            return None;
        }
    };
    Some(items.to_vec())
}

fn without_include(entries: &[(Node, Node)]) -> Vec<(Node, Node)> {
    entries
        .iter()
        .filter(|(k, _)| k.as_text() != Some("include"))
        .cloned()
        .collect()
}

/// Parses an included file into the document, its spans shifted to the file's offsets; a file
/// that is not a mapping of settings is reported at the entry that names it.
fn parse_included(
    name: &str,
    key: &str,
    text: String,
    entry_at: usize,
    out: &mut Findings,
) -> Option<Node> {
    let file = SourceFile::new(name, text);
    let parsed = super::pyyaml::parse(&file);
    let base = out
        .sources
        .add(file, Some(name.to_string()), Some(key.to_string()));
    let mut node = match parsed {
        Ok(node) => node,
        Err(e) => {
            out.add(
                "yaml-syntax",
                base + e.span.start,
                format!("`{name}` could not be parsed as YAML: {}", e.message),
                "fix the YAML at this position; the proxy cannot start until it loads",
            );
            return None;
        }
    };
    shift(&mut node, base);
    // An empty file loads as None, which the proxy reads as an empty mapping.
    if node.is_null() {
        node.value = Value::Map(Vec::new());
    }
    if node.as_map().is_none() {
        out.add(
            "include-invalid",
            entry_at,
            format!(
                "`{name}` is {}, not a mapping of top-level settings: recent proxies refuse to start with `ValueError: Included config file is not a YAML mapping`, older ones fail while merging it",
                node.kind()
            ),
            "write the included file as `model_list:`, `litellm_settings:`, ... like a config",
        );
        return None;
    }
    Some(node)
}

fn shift(node: &mut Node, base: usize) {
    node.span = node.span.start + base..node.span.end + base;
    match &mut node.value {
        Value::Scalar(_) => {}
        Value::Seq(items) => items.iter_mut().for_each(|i| shift(i, base)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift(k, base);
            shift(v, base);
        }),
    }
}

/// LiteLLM's merge: lists are extended, any other value is replaced.
fn merge(
    merged: &mut Vec<(Node, Node)>,
    included: Vec<(Node, Node)>,
    name: &str,
    out: &mut Findings,
) {
    for (key, value) in included {
        let Some(k) = key.as_text().map(str::to_string) else {
            merged.push((key, value));
            continue;
        };
        // The effective entry of a key is its last one (PyYAML keeps the last of duplicates).
        let Some(slot) = merged.iter().rposition(|(mk, _)| mk.as_text() == Some(&k)) else {
            merged.push((key, value));
            continue;
        };
        let existing = &mut merged[slot].1;
        match (&mut existing.value, value.value) {
            (Value::Seq(items), Value::Seq(more)) => items.extend(more),
            (_, replacement) => {
                out.add(
                    "duplicate-key",
                    merged[slot].0.span.start,
                    format!(
                        "`{k}` is replaced by the `{k}` of the included `{name}`: LiteLLM's include merge extends top-level lists and replaces every other value, so nothing under this `{k}` takes effect"
                    ),
                    format!("keep `{k}` in one file, or merge the two"),
                );
                merged[slot] = (
                    key,
                    Node {
                        value: replacement,
                        span: value.span,
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::LiteLlmProxy;
    use super::super::tests::{finding, rules_of, triggers, triggers_with};
    use crate::validators::ConfigValidator;
    use crate::validators::includes::{Included, Includes};

    /// Included files held in memory, by name.
    struct Files(Vec<(&'static str, &'static str)>);

    impl Includes for Files {
        fn read(&self, entry: &str, _declared_in: Option<&str>) -> Included {
            match self.0.iter().find(|(name, _)| *name == entry) {
                Some((name, text)) => Included::Read {
                    key: name.to_string(),
                    name: name.to_string(),
                    text: text.to_string(),
                },
                None => Included::Missing {
                    path: entry.to_string(),
                },
            }
        }
    }

    #[test]
    fn duplicate_key() {
        triggers(
            "duplicate-key",
            "litellm_settings:\n  drop_params: true\nlitellm_settings:\n  set_verbose: false\n",
            "litellm_settings:\n  drop_params: true\n  set_verbose: false\n",
        );
        let f = finding(
            "litellm_settings:\n  drop_params: true\nlitellm_settings:\n  set_verbose: false\n",
            "duplicate-key",
        );
        // Reported at the one that is ignored, naming the one that wins.
        assert_eq!((f.line, f.column), (1, 1));
        assert!(f.message.contains("line 3"), "{}", f.message);
    }

    #[test]
    fn include_rules() {
        let config = "include:\n  - models.yaml\nrouter_settings:\n  fallbacks: [{a: [b]}]\n";
        let files = Files(vec![(
            "models.yaml",
            "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: ${KEY}\n  - model_name: b\n    litellm_params: {model: anthropic/claude, api_key: k}\n",
        )]);
        let found = LiteLlmProxy.validate_with(config, &files);
        // The targets resolve through the included model list; the placeholder is located there.
        assert!(
            !found.iter().any(|f| f.rule == "fallback-target-undefined"),
            "{found:#?}"
        );
        let placeholder = found
            .iter()
            .find(|f| f.rule == "unexpanded-placeholder")
            .expect("placeholder in the included file");
        assert_eq!(placeholder.file.as_deref(), Some("models.yaml"));
        assert_eq!((placeholder.line, placeholder.column), (5, 16));

        triggers_with(
            "include-not-found",
            config,
            "model_list: []\n",
            &Files(vec![]),
        );
        let missing = LiteLlmProxy.validate_with(config, &Files(vec![]));
        let f = missing
            .iter()
            .find(|f| f.rule == "include-not-found")
            .unwrap();
        assert_eq!((f.line, f.column, f.file.as_deref()), (2, 5, None));
        assert!(
            f.message.contains("Included file not found: models.yaml"),
            "{}",
            f.message
        );

        triggers(
            "include-invalid",
            "include: models.yaml\n",
            "include: [models.yaml]\n",
        );
        triggers("include-not-followed", config, "model_list: []\n");
        // An included section replaces the config's own.
        let replaced = Files(vec![(
            "models.yaml",
            "router_settings:\n  num_retries: 1\n",
        )]);
        let found = LiteLlmProxy.validate_with(config, &replaced);
        let f = found.iter().find(|f| f.rule == "duplicate-key").unwrap();
        assert_eq!((f.line, f.file.as_deref()), (3, None));
        let not_a_map = Files(vec![("models.yaml", "- a\n- b\n")]);
        assert!(
            LiteLlmProxy
                .validate_with(config, &not_a_map)
                .iter()
                .any(|f| f.rule == "include-invalid")
        );
        assert!(rules_of(config).contains(&"include-not-followed"));
    }
}
