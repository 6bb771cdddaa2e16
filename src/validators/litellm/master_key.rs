//! A `general_settings.master_key` that current releases refuse to start with: an empty value
//! or the publicly known `sk-1234` of old examples (the boot check of PR #42019,
//! litellm/proxy/auth/master_key_boot_check.py, in 1.104.0 and later).

use super::Findings;
use super::model::{Config, as_bool, field};
use crate::yaml::{Node, Resolved, Value};

/// The keys the boot check refuses as publicly known (1.104.0 lists them in clear, 1.110.2 as
/// SHA-256 digests of the same single key), compared after `strip()`.
const PUBLICLY_KNOWN: &[&str] = &["sk-1234"];

pub fn check(config: &Config, out: &mut Findings) {
    let Some(general) = config.general else {
        return;
    };
    let Some(key) = field(general, "master_key") else {
        return;
    };
    // The documented escape hatch; the boot check tests it with `is True`.
    if field(general, "dangerously_permit_weak_or_unset_master_key")
        .and_then(as_bool)
        .is_some_and(|on| on)
    {
        return;
    }
    let Some(value) = literal_text(key) else {
        return;
    };
    let stripped = value.trim();
    let (headline, why) = if stripped.is_empty() {
        ("the master key is empty.", "an empty master key")
    } else if PUBLICLY_KNOWN.contains(&stripped) {
        (
            "the master key is a publicly known default.",
            "`sk-1234`, the master key of LiteLLM's old examples, which anyone can send",
        )
    } else {
        return;
    };
    out.add(
        "master-key-publicly-known",
        key.span.start,
        format!(
            "general_settings.master_key is {why}: LiteLLM 1.104.0 and later refuse to start (\"LiteLLM proxy refused to start: {headline}\"), and earlier releases accept it as the admin credential"
        ),
        "generate a random key (`sk-$(openssl rand -hex 32)`), pass it as LITELLM_MASTER_KEY and write `master_key: os.environ/LITELLM_MASTER_KEY`",
    );
}

/// The master key as written, when it is a string in the file (not `os.environ/...`, which is
/// read where the proxy runs, and not null, which leaves the key to LITELLM_MASTER_KEY).
fn literal_text(node: &Node) -> Option<&str> {
    let Value::Scalar(s) = &node.value else {
        return None;
    };
    match s.resolve() {
        Resolved::Str(t) if !t.starts_with("os.environ/") => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};

    #[test]
    fn master_key_publicly_known() {
        let bad = "general_settings:\n  master_key: sk-1234\n";
        triggers(
            "master-key-publicly-known",
            bad,
            "general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n",
        );
        let f = finding(bad, "master-key-publicly-known");
        assert_eq!((f.line, f.column), (2, 15));
        assert!(f.message.contains("1.104.0"), "{}", f.message);
        triggers(
            "master-key-publicly-known",
            "general_settings:\n  master_key: \" \"\n",
            "general_settings:\n  master_key: sk-a8f3c2e1d0b94f6e\n",
        );
        // A null key leaves it to LITELLM_MASTER_KEY; the override lets the proxy start.
        assert!(
            !rules_of("general_settings:\n  master_key:\n").contains(&"master-key-publicly-known")
        );
        let allowed = format!("{bad}  dangerously_permit_weak_or_unset_master_key: true\n");
        assert!(!rules_of(&allowed).contains(&"master-key-publicly-known"));
    }
}
