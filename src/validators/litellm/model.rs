//! The parts of a LiteLLM proxy config the rules look at: sections, deployments, model groups,
//! aliases and the fallback lists, read from the span-keeping YAML tree as the proxy reads them.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::group::{Mode, deployment_mode, is_self_hosted};
use crate::yaml::{Node, Resolved, Value};

/// FNV-1a: the maps here are keyed by short group names from the config, looked up thousands
/// of times a validation; a keyed SipHash protects nothing the size limits do not.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;

/// The value of `key` in a mapping. The proxy loads YAML with PyYAML, which keeps the last of
/// repeated keys, so the last one wins here too; keys merged in with `<<: *anchor` count when
/// the mapping does not set them itself, as PyYAML merges them.
pub fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    // The keys looked up are plain names (never `null`, `true`, ...), so the written text is
    // compared directly, without resolving each key's YAML type. One pass finds the key and
    // notes whether the mapping merges others in.
    let map = node.as_map()?;
    let mut merges = false;
    for (k, v) in map.iter().rev() {
        if let Value::Scalar(s) = &k.value {
            if s.text == key {
                return Some(v);
            }
            merges |= s.plain && s.text == "<<";
        }
    }
    if !merges {
        return None;
    }
    merged_sources(map).find_map(|source| {
        source
            .as_map()?
            .iter()
            .rev()
            .find(|(k, _)| matches!(&k.value, Value::Scalar(s) if s.text == key))
            .map(|(_, v)| v)
    })
}

/// The mappings a `<<` key merges in: one alias, or a list of them.
fn merged_sources(map: &[(Node, Node)]) -> impl Iterator<Item = &Node> {
    map.iter()
        .filter(|(k, _)| matches!(&k.value, Value::Scalar(s) if s.text == "<<" && s.plain))
        .flat_map(|(_, v)| match &v.value {
            Value::Seq(items) => items.iter().collect::<Vec<_>>(),
            _ => vec![v],
        })
}

/// The mapping entries whose key is text, in document order, then the keys merged in with
/// `<<` that the mapping does not set itself.
pub fn entries(node: &Node) -> impl Iterator<Item = (&str, &Node, &Node)> {
    let map = node.as_map().unwrap_or_default();
    let own = map
        .iter()
        .filter(|(k, _)| !matches!(&k.value, Value::Scalar(s) if s.text == "<<" && s.plain))
        .filter_map(|(k, v)| Some((k.as_text()?, k, v)));
    let merged = merged_sources(map)
        .filter_map(Node::as_map)
        .flatten()
        .filter(move |(k, _)| {
            k.as_text()
                .is_some_and(|name| !map.iter().any(|(own, _)| own.as_text() == Some(name)))
        })
        .filter_map(|(k, v)| Some((k.as_text()?, k, v)));
    own.chain(merged)
}

/// A plain YAML 1.1 boolean as PyYAML reads it (`yes`/`on` count), or a core-schema one.
pub fn as_bool(node: &Node) -> Option<bool> {
    match &node.value {
        Value::Scalar(s) => match s.resolve() {
            Resolved::Bool(b) => Some(b),
            Resolved::Str(t) if s.plain => match t {
                "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
                "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// A number as the proxy would see it (a YAML int or float).
pub fn as_number(node: &Node) -> Option<f64> {
    match &node.value {
        Value::Scalar(s) => match s.resolve() {
            Resolved::Int(i) => Some(i as f64),
            Resolved::Float(f) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// Whether Python would treat the loaded value as true (`x or default` picks the default for
/// None, empty strings, empty lists and mappings, zero and false).
pub fn is_truthy(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => !items.is_empty(),
        Value::Map(entries) => !entries.is_empty(),
        Value::Scalar(s) => match s.resolve() {
            Resolved::Null => false,
            Resolved::Bool(b) => b,
            Resolved::Int(i) => i != 0,
            Resolved::Float(f) => f != 0.0,
            Resolved::Str(t) => !t.is_empty(),
        },
    }
}

/// One `model_list` entry, with what the rules ask of it read once.
pub struct Deployment<'a> {
    /// The `model_name` value: the model group clients call.
    pub name: &'a Node,
    pub params: Option<&'a Node>,
    pub info: Option<&'a Node>,
    /// The deployment itself (for top-level `rpm`/`tpm`).
    pub node: &'a Node,
    group: &'a str,
    provider: &'a str,
    model: &'a str,
    key: Option<&'a str>,
    base: Option<&'a str>,
    /// The deployment's mode, when the config tells (see `group.rs`).
    pub mode: Option<Mode>,
    /// Whether it runs on the operator's own inference server.
    pub local: bool,
}

impl<'a> Deployment<'a> {
    fn new(node: &'a Node, name: &'a Node) -> Deployment<'a> {
        let params = field(node, "litellm_params").filter(|n| n.as_map().is_some());
        let text = |k| params.and_then(|p| field(p, k)).and_then(Node::as_text);
        let model = text("model").unwrap_or("");
        // The provider: `custom_llm_provider`, else the prefix of the model (`openai` when
        // there is none, as LiteLLM defaults bare model names to OpenAI).
        let (provider, model) = match text("custom_llm_provider") {
            Some(p) => (p, model),
            None => model.split_once('/').unwrap_or(("openai", model)),
        };
        let mut d = Deployment {
            name,
            group: name.as_text().unwrap_or_default(),
            params,
            info: field(node, "model_info").filter(|n| n.as_map().is_some()),
            node,
            provider,
            model,
            key: text("api_key").or_else(|| text("litellm_credential_name")),
            base: text("api_base"),
            mode: None,
            local: false,
        };
        d.mode = deployment_mode(&d);
        d.local = is_self_hosted(&d);
        d
    }

    pub fn group(&self) -> &'a str {
        self.group
    }

    pub fn param(&self, key: &str) -> Option<&'a Node> {
        self.params.and_then(|p| field(p, key))
    }

    pub fn provider(&self) -> &'a str {
        self.provider
    }

    /// The model name without the provider prefix.
    pub fn model_name(&self) -> &'a str {
        self.model
    }

    /// What decides which account and endpoint a call uses: the API key or the named
    /// credential, and the api_base.
    pub fn account(&self) -> (Option<&'a str>, Option<&'a str>) {
        (self.key, self.base)
    }

    /// `api_base`, when it is text.
    pub fn api_base(&self) -> Option<&'a str> {
        self.base
    }
}

/// Which settings section a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Router,
    Litellm,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Router => "router_settings",
            Section::Litellm => "litellm_settings",
        }
    }
}

/// The four fallback lists the Router takes, each also read from `litellm_settings`.
pub const FALLBACK_LISTS: [&str; 4] = [
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "default_fallbacks",
];

/// One `{group: [targets]}` item of a fallback list that has the shape LiteLLM accepts.
pub struct FallbackEntry<'a> {
    pub key: &'a str,
    pub key_node: &'a Node,
    /// The targets, when the value is a list (other shapes are reported by the shape rules).
    pub targets: Option<&'a [Node]>,
}

/// The config as the rules see it.
pub struct Config<'a> {
    pub router: Option<&'a Node>,
    pub litellm: Option<&'a Node>,
    pub general: Option<&'a Node>,
    pub deployments: Vec<Deployment<'a>>,
    /// Model groups in order of first appearance, with the indices of their deployments.
    pub groups: Vec<(&'a str, Vec<usize>)>,
    group_index: FastMap<&'a str, usize>,
    /// Per group (same order): its mode when the config tells, and whether every deployment
    /// of it is self-hosted.
    kinds: Vec<(Option<Mode>, bool)>,
    /// `model_group_alias` entries: (alias key node, the group it points to).
    pub aliases: Vec<(&'a Node, &'a str)>,
    alias_keys: FastSet<&'a str>,
    ids: FastSet<&'a str>,
    /// Model names with a `*`, matched like LiteLLM's pattern router.
    wildcards: Vec<&'a str>,
    /// Every callable name with its `provider/` prefix stripped (fallback keys match these).
    stripped: FastSet<&'a str>,
    /// Keys of the effective `fallbacks` entries that have at least one target.
    covered: FastSet<&'a str>,
    /// Whether a `*` entry or `default_fallbacks` catches every group.
    catch_all: bool,
}

impl<'a> Config<'a> {
    /// Reads the sections of a config whose top level is a mapping. Settings sections that are
    /// not mappings count as absent (the proxy ignores them; a rule reports them).
    pub fn read(root: &'a Node) -> Config<'a> {
        let section = |name| field(root, name).filter(|n| n.as_map().is_some());
        let router = section("router_settings");
        let litellm = section("litellm_settings");
        let general = section("general_settings");
        let deployments: Vec<Deployment> = field(root, "model_list")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|node| {
                let name = field(node, "model_name").filter(|n| n.as_text().is_some())?;
                Some(Deployment::new(node, name))
            })
            .collect();
        let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut group_index =
            FastMap::with_capacity_and_hasher(deployments.len(), Default::default());
        let mut ids = FastSet::default();
        let mut wildcards = Vec::new();
        for (i, d) in deployments.iter().enumerate() {
            let name = d.group();
            let g = *group_index.entry(name).or_insert_with(|| {
                groups.push((name, Vec::new()));
                if name.contains('*') {
                    wildcards.push(name);
                }
                groups.len() - 1
            });
            groups[g].1.push(i);
            if let Some(id) = d.info.and_then(|i| field(i, "id")).and_then(Node::as_text) {
                ids.insert(id);
            }
        }
        let aliases: Vec<(&Node, &str)> = router
            .and_then(|r| field(r, "model_group_alias"))
            .map(|a| {
                entries(a)
                    .filter_map(|(_, key, value)| {
                        // An alias is a group name or `{model: <group>, hidden: bool}`.
                        let target = value
                            .as_text()
                            .or_else(|| field(value, "model").and_then(Node::as_text))?;
                        Some((key, target))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let kinds = groups
            .iter()
            .map(|(_, members)| {
                let mode = members.iter().find_map(|&i| deployments[i].mode);
                let local = members.iter().all(|&i| deployments[i].local);
                (mode, local)
            })
            .collect();
        let alias_keys: FastSet<&str> = aliases.iter().filter_map(|(k, _)| k.as_text()).collect();
        let mut stripped = FastSet::with_capacity_and_hasher(group_index.len(), Default::default());
        stripped.extend(
            group_index
                .keys()
                .chain(alias_keys.iter())
                .filter_map(|name| name.split_once('/').map(|(_, rest)| rest)),
        );
        let mut config = Config {
            router,
            litellm,
            general,
            deployments,
            groups,
            group_index,
            kinds,
            aliases,
            alias_keys,
            ids,
            wildcards,
            stripped,
            covered: FastSet::default(),
            catch_all: false,
        };
        // One index of the fallback keys, so that "does this group fall back?" is a lookup.
        let entries = config.fallback_entries("fallbacks");
        let mut covered = FastSet::with_capacity_and_hasher(entries.len(), Default::default());
        covered.extend(
            entries
                .iter()
                .filter(|e| e.targets.is_some_and(|t| !t.is_empty()))
                .map(|e| e.key),
        );
        config.covered = covered;
        config.catch_all =
            config.covered.contains("*") || config.effective_list("default_fallbacks").is_some();
        config
    }

    pub fn router_setting(&self, key: &str) -> Option<&'a Node> {
        self.router.and_then(|r| field(r, key))
    }

    pub fn litellm_setting(&self, key: &str) -> Option<&'a Node> {
        self.litellm.and_then(|r| field(r, key))
    }

    pub fn group(&self, name: &str) -> Option<&[usize]> {
        self.group_index
            .get(name)
            .map(|&g| self.groups[g].1.as_slice())
    }

    /// Whether groups of more than one known mode are configured.
    pub fn has_several_modes(&self) -> bool {
        let mut modes = self.kinds.iter().filter_map(|(m, _)| *m);
        let first = modes.next();
        modes.any(|m| Some(m) != first)
    }

    /// The mode of the group a name routes to (through an alias too), when the config tells.
    pub fn mode(&self, name: &str) -> Option<Mode> {
        self.group_of(name).and_then(|g| self.kinds[g].0)
    }

    /// Whether the group a name routes to runs on the operator's own inference servers.
    pub fn self_hosted(&self, name: &str) -> bool {
        self.group_of(name).is_some_and(|g| self.kinds[g].1)
    }

    /// Whether rules about provider 429s apply: a hosted group serving chat.
    pub fn hosted_chat(&self, name: &str) -> bool {
        !self.self_hosted(name) && self.mode(name) == Some(Mode::Text)
    }

    fn group_of(&self, name: &str) -> Option<usize> {
        self.group_index.get(name).copied().or_else(|| {
            let (_, target) = self
                .aliases
                .iter()
                .find(|(k, _)| k.as_text() == Some(name))?;
            self.group_index.get(target).copied()
        })
    }

    pub fn is_alias(&self, name: &str) -> bool {
        self.alias_keys.contains(name)
    }

    /// Whether the Router can route a call for `name`: a model group, an alias, a deployment
    /// id, or a name a wildcard model group matches.
    pub fn resolves(&self, name: &str) -> bool {
        self.group_index.contains_key(name)
            || self.alias_keys.contains(name)
            || self.ids.contains(name)
            || self.wildcards.iter().any(|w| glob_match(w, name))
    }

    /// Whether a fallback key can match a request: LiteLLM looks up the requested name, then
    /// the name without its `provider/` prefix.
    pub fn key_is_callable(&self, key: &str) -> bool {
        self.resolves(key)
            || self.stripped.contains(key)
            || self.wildcards.iter().any(|w| {
                w.split_once('/')
                    .is_some_and(|(_, rest)| glob_match(rest, key))
            })
    }

    /// The list the Router uses for `name`: the router_settings value when it is non-empty,
    /// otherwise the litellm_settings one (`fallbacks or litellm.fallbacks`; never merged).
    pub fn effective_list(&self, name: &str) -> Option<(Section, &'a Node)> {
        match self.router_setting(name).filter(|n| is_truthy(n)) {
            Some(n) => Some((Section::Router, n)),
            None => self
                .litellm_setting(name)
                .filter(|n| is_truthy(n))
                .map(|n| (Section::Litellm, n)),
        }
    }

    /// The well-shaped entries of the effective list `name`.
    pub fn fallback_entries(&self, name: &str) -> Vec<FallbackEntry<'a>> {
        let Some((_, list)) = self.effective_list(name) else {
            return Vec::new();
        };
        list.as_seq()
            .unwrap_or_default()
            .iter()
            .filter_map(|item| {
                let map = item.as_map()?;
                let [(key_node, value)] = map else {
                    return None;
                };
                Some(FallbackEntry {
                    key: key_node.as_text()?,
                    key_node,
                    targets: value.as_seq(),
                })
            })
            .collect()
    }

    /// Whether a 429 on `group` has somewhere to go: an entry keyed by the group (or its name
    /// without the provider prefix), a `*` entry, or `default_fallbacks`.
    /// Whether a `*` entry or `default_fallbacks` catches every group.
    pub fn has_catch_all(&self) -> bool {
        self.catch_all
    }

    /// Whether a group has an entry of its own in `fallbacks` (by name or without its provider
    /// prefix), as opposed to the catch-all.
    pub fn has_own_fallback(&self, group: &str) -> bool {
        self.covered.contains(group)
            || group
                .split_once('/')
                .is_some_and(|(_, rest)| self.covered.contains(rest))
    }

    pub fn has_fallback(&self, group: &str) -> bool {
        self.catch_all
            || self.covered.contains(group)
            || group
                .split_once('/')
                .is_some_and(|(_, rest)| self.covered.contains(rest))
    }
}

/// `*` wildcard matching, linear in practice (greedy with one backtrack point).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether two values are the same once loaded (their positions aside).
pub fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar(x), Value::Scalar(y)) => x.resolve() == y.resolve(),
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_value(ka, kb) && same_value(va, vb))
        }
        _ => false,
    }
}

/// A value shown the way Python prints it, as LiteLLM's own error messages do (shortened).
pub fn py_repr(node: &Node) -> String {
    let mut out = String::new();
    repr_into(node, &mut out);
    if out.chars().count() > 80 {
        out = out.chars().take(77).collect::<String>() + "...";
    }
    out
}

fn repr_into(node: &Node, out: &mut String) {
    if out.len() > 100 {
        return;
    }
    match &node.value {
        Value::Scalar(s) => match s.resolve() {
            Resolved::Null => out.push_str("None"),
            Resolved::Bool(true) => out.push_str("True"),
            Resolved::Bool(false) => out.push_str("False"),
            Resolved::Int(_) | Resolved::Float(_) => out.push_str(&s.text),
            Resolved::Str(t) => {
                out.push('\'');
                out.push_str(t);
                out.push('\'');
            }
        },
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr_into(item, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr_into(k, out);
                out.push_str(": ");
                repr_into(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_the_pattern_router() {
        assert!(glob_match("azure/*", "azure/gpt-4o"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("azure/*", "openai/gpt-4o"));
        assert!(!glob_match("a*b", "ac"));
    }
}
