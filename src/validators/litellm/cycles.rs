//! `fallback-cycle`: groups that fall back to each other, reported once per strongly connected
//! component of the fallback graph (Tarjan's algorithm, iterative, linear in groups and
//! edges), so a mesh of four groups is one finding that names them all.
//!
//! The graph has an edge from each `fallbacks` key to each of its targets, and from every group
//! in the graph without an entry of its own to each `default_fallbacks` target, since the
//! catch-all applies to fallback targets too. Up to LiteLLM 1.96 a request walks such a cycle
//! until `max_fallbacks`; from 1.97.0 a request never re-enters a group it has tried (checked
//! by running both releases' Router on a four-group mesh: 25 calls against 4).

use super::Findings;
use super::model::{Config, FallbackEntry, FastMap};
use crate::yaml::Node;

pub fn check(config: &Config, fallbacks: &[FallbackEntry], out: &mut Findings) {
    let mut graph = Graph::default();
    graph.index.reserve(fallbacks.len() * 2);
    for entry in fallbacks.iter().filter(|e| e.key != "*") {
        let from = graph.node(entry.key, Some(entry.key_node));
        for target in entry.targets.unwrap_or_default() {
            if let Some(name) = target.as_text().filter(|t| *t != entry.key) {
                let to = graph.node(name, None);
                graph.edge(from, to);
            }
        }
    }
    let defaults: Vec<&str> = config
        .effective_list("default_fallbacks")
        .and_then(|(_, list)| list.as_seq())
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_text)
        .collect();
    let default_at = config
        .effective_list("default_fallbacks")
        .map(|(_, list)| list);
    if !defaults.is_empty() {
        let targets: Vec<usize> = defaults.iter().map(|d| graph.node(d, None)).collect();
        for from in 0..graph.names.len() {
            if config.has_own_fallback(graph.names[from]) {
                continue;
            }
            for &to in &targets {
                if to != from {
                    graph.edge(from, to);
                }
            }
        }
    }
    for component in graph.cycles() {
        // Located at the first entry of the cycle in the config, else at default_fallbacks.
        let at = component
            .iter()
            .filter_map(|&n| graph.first_key[n])
            .min_by_key(|k| k.span.start)
            .or(default_at);
        let Some(at) = at else {
            continue;
        };
        report(&component, &graph.names, at, out);
    }
}

#[derive(Default)]
struct Graph<'a> {
    index: FastMap<&'a str, usize>,
    names: Vec<&'a str>,
    /// The first fallbacks key naming each group, for the location.
    first_key: Vec<Option<&'a Node>>,
    edges: Vec<Vec<usize>>,
}

impl<'a> Graph<'a> {
    fn node(&mut self, name: &'a str, key: Option<&'a Node>) -> usize {
        let i = *self.index.entry(name).or_insert_with(|| {
            self.names.push(name);
            self.first_key.push(None);
            self.edges.push(Vec::new());
            self.names.len() - 1
        });
        if self.first_key[i].is_none() {
            self.first_key[i] = key;
        }
        i
    }

    fn edge(&mut self, from: usize, to: usize) {
        self.edges[from].push(to);
    }

    /// The strongly connected components of two or more groups, each in order of the groups'
    /// first appearance.
    fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.names.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut components = Vec::new();
        let mut next = 0usize;
        // Explicit call stack of (node, next edge to visit).
        let mut calls: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            calls.push((root, 0));
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(top) = calls.len().checked_sub(1) {
                let (v, e) = calls[top];
                if let Some(&w) = self.edges[v].get(e) {
                    calls[top].1 += 1;
                    if index[w] == usize::MAX {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if component.len() > 1 {
                        component.sort_unstable();
                        components.push(component);
                    }
                }
            }
        }
        components.sort();
        components
    }
}

fn report(component: &[usize], names: &[&str], at: &Node, out: &mut Findings) {
    // Name a few groups: a large mesh's message stays readable and cheap to build.
    const SHOWN: usize = 6;
    let mut shown: Vec<String> = component
        .iter()
        .take(SHOWN)
        .map(|&i| format!("`{}`", names[i]))
        .collect();
    if component.len() > SHOWN {
        shown.push(format!("and {} more", component.len() - SHOWN));
    }
    let groups = match shown.len() {
        2 => format!("{} and {}", shown[0], shown[1]),
        _ => shown.join(", "),
    };
    out.add(
        "fallback-cycle",
        at.span.start,
        format!(
            "{groups} fall back to each other ({} groups in one cycle). LiteLLM 1.96 and earlier walk the cycle: a request that fails on one of them goes on to the next and back again, with fresh retries at every hop, until max_fallbacks (5 by default) stops it, so one request becomes many provider calls. From 1.97.0 a request never re-enters a group it has tried, which bounds the walk; there the back edges only matter to requests that start at the other group",
            component.len()
        ),
        "on LiteLLM 1.96 or earlier, make fallbacks point one way and end in a group on a separate quota; otherwise keep the cycle only if each direction is meant",
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};

    const MODELS: &str = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: k1}\n  - model_name: b\n    litellm_params: {model: anthropic/claude, api_key: k2}\n  - model_name: c\n    litellm_params: {model: groq/llama, api_key: k3}\n  - model_name: d\n    litellm_params: {model: mistral/large, api_key: k4}\n";

    #[test]
    fn fallback_cycle_is_one_finding_per_component() {
        let bad = format!("{MODELS}router_settings:\n  fallbacks: [{{a: [b]}}, {{b: [a]}}]\n");
        triggers(
            "fallback-cycle",
            &bad,
            &format!("{MODELS}router_settings:\n  fallbacks: [{{a: [b]}}]\n"),
        );
        let f = finding(&bad, "fallback-cycle");
        assert!(
            f.message.starts_with("`a` and `b` fall back"),
            "{}",
            f.message
        );
        assert!(f.message.contains("1.97.0"), "{}", f.message);
        // A four-group mesh is one cycle, located at its first entry.
        let mesh = format!(
            "{MODELS}router_settings:\n  fallbacks:\n    - {{a: [b, c]}}\n    - {{b: [a, d]}}\n    - {{c: [d, a]}}\n    - {{d: [a, b]}}\n"
        );
        let found = rules_of(&mesh);
        assert_eq!(found.iter().filter(|r| **r == "fallback-cycle").count(), 1);
        let f = finding(&mesh, "fallback-cycle");
        assert_eq!(f.line, 12);
        assert!(
            f.message.contains("(4 groups in one cycle)"),
            "{}",
            f.message
        );
    }

    #[test]
    fn default_fallbacks_close_cycles() {
        // Each default target without an entry of its own falls back to the other.
        let two = format!("{MODELS}router_settings:\n  default_fallbacks: [c, d]\n");
        assert!(rules_of(&two).contains(&"fallback-cycle"));
        let one = format!("{MODELS}router_settings:\n  default_fallbacks: [c]\n");
        assert!(!rules_of(&one).contains(&"fallback-cycle"));
    }

    #[test]
    fn a_long_cycle_is_handled_without_recursion() {
        let n = 5_000;
        let mut text = String::from("router_settings:\n  fallbacks:\n");
        for i in 0..n {
            text.push_str(&format!("    - {{g{i}: [g{}]}}\n", (i + 1) % n));
        }
        let found = rules_of(&text);
        assert_eq!(found.iter().filter(|r| **r == "fallback-cycle").count(), 1);
    }
}
