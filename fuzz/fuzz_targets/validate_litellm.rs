//! Fuzz target: any text as a LiteLLM proxy config goes through the `litellm-proxy` validator
//! without a panic or a hang, and every finding is located inside the text it names. Input
//! split by NUL bytes becomes a config and the files `0.yaml`, `1.yaml`, ... that its
//! `include` entries can name, so that merging included files is fuzzed too.
#![no_main]

use errbook::validators::includes::{Included, Includes};
use errbook::validators::{self, Finding};
use libfuzzer_sys::fuzz_target;

/// Included files held in memory, by name.
struct InMemory<'a>(Vec<&'a str>);

impl Includes for InMemory<'_> {
    fn read(&self, entry: &str, _declared_in: Option<&str>) -> Included {
        let found = entry
            .strip_suffix(".yaml")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| self.0.get(n));
        match found {
            Some(text) => Included::Read {
                key: entry.to_string(),
                name: entry.to_string(),
                text: text.to_string(),
            },
            None => Included::Missing {
                path: entry.to_string(),
            },
        }
    }
}

fn assert_located(findings: &[Finding], text: &str, files: &[&str]) {
    let validator = validators::find("litellm-proxy").expect("registered");
    for f in findings {
        let in_text = match &f.file {
            None => text,
            Some(name) => {
                let n: usize = name.strip_suffix(".yaml").unwrap().parse().unwrap();
                files[n]
            }
        };
        let lines = in_text.split('\n').count().max(1);
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        assert!(f.line <= lines, "{f:?} past the last line {lines}");
        assert!(validator.rules().iter().any(|r| r.id == f.rule), "{f:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let validator = validators::find("litellm-proxy").expect("registered");
    let mut parts = input.split('\0');
    let text = parts.next().unwrap_or_default();
    let files: Vec<&str> = parts.collect();
    assert_located(&validator.validate(text), text, &[]);
    if !files.is_empty() {
        let findings = validator.validate_with(text, &InMemory(files.clone()));
        assert_located(&findings, text, &files);
    }
});
