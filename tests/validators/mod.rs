//! Config validators end to end: the real-config corpus with its reviewed findings, levels,
//! included files, and every rule URL resolving in built sites.

use std::fs;
use std::path::{Path, PathBuf};

use super::{copy_dir, errbook, fixtures, read, site, stderr, validate, validate_all_json};

/// The real-config corpus (`tests/fixtures/litellm/real/`, see its README): each config from a
/// public repository has an expected-findings file reviewed by hand, one line per finding
/// (`<file> <line> <rule> <verdict> <why>`). Any finding not listed, or listed and not found,
/// fails; so does an error or warning a reviewer judged wrong. Prints the precision of the
/// error and warning findings (judged right / all).
#[test]
fn the_real_config_corpus_gives_exactly_its_reviewed_findings() {
    let dir = fixtures().join("litellm/real");
    let mut configs: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            configs.push(path);
        } else if path.is_dir() {
            // A config split with `include`: its entry point is `config.yml`.
            configs.push(path.join("config.yml"));
        }
    }
    configs.sort();
    assert!(
        configs.len() >= 30,
        "the corpus has {} configs",
        configs.len()
    );
    let (mut right, mut judged) = (0usize, 0usize);
    let mut failures = Vec::new();
    for config in &configs {
        let text = read(config);
        assert!(
            text.lines()
                .next()
                .is_some_and(|l| l.starts_with("# source: ")),
            "{}: no source",
            config.display()
        );
        let expected_path = config.with_extension("expected");
        let expected_text = read(&expected_path);
        let mut expected: Vec<(String, u64, String, String)> = expected_text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut parts = l.split_whitespace();
                let mut next = || parts.next().unwrap_or_default().to_string();
                let (file, line, rule, verdict) = (next(), next(), next(), next());
                (file, line.parse().unwrap(), rule, verdict)
            })
            .collect();
        let (_, json) = validate_all_json(config);
        let mut found: Vec<(String, u64, String, String)> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] != "env-reference")
            .map(|d| {
                (
                    d["file"].as_str().unwrap_or("-").to_string(),
                    d["line"].as_u64().unwrap(),
                    d["rule"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        expected.sort();
        found.sort();
        let key = |e: &(String, u64, String, String)| (e.0.clone(), e.1, e.2.clone());
        let mut missing: Vec<_> = expected.iter().map(key).collect();
        let mut unexpected = Vec::new();
        for f in &found {
            match missing.iter().position(|m| *m == key(f)) {
                Some(i) => {
                    missing.remove(i);
                }
                None => unexpected.push(key(f)),
            }
        }
        if !missing.is_empty() || !unexpected.is_empty() {
            failures.push(format!(
                "{}:\n  missing: {missing:?}\n  unexpected: {unexpected:?}",
                config.display()
            ));
            continue;
        }
        for f in found.iter().filter(|f| f.3 != "info") {
            let verdict = &expected.iter().find(|e| key(e) == key(f)).unwrap().3;
            judged += 1;
            match verdict.as_str() {
                "right" => right += 1,
                "debatable" => {}
                other => failures.push(format!(
                    "{}: the {} `{}` on line {} is judged `{other}`",
                    config.display(),
                    f.3,
                    f.2,
                    f.1
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "real-config corpus: {} configs; {right} of {judged} error and warning findings judged right ({:.1}%)",
        configs.len(),
        100.0 * right as f64 / judged.max(1) as f64
    );
}

/// Every rule URL of every registered validator resolves in a built site: on the bundled
/// knowledge base, where each rule's page also exists and the validator page links to it, and
/// on sites with none of those pages (a test site, and one fresh from `errbook init`), where
/// the validator page still has the rule's anchor.
#[test]
fn every_rule_url_resolves_in_built_sites() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = tempfile::tempdir().unwrap();
    for dir in ["content", "templates", "static"] {
        copy_dir(&repo.join(dir), &bundled.path().join(dir));
    }
    fs::copy(
        repo.join("errbook.toml"),
        bundled.path().join("errbook.toml"),
    )
    .unwrap();
    let other = site("build/valid");
    // A site as `errbook init` makes it: no LiteLLM pages at all.
    let fresh = super::init::new_site(&[]);
    for (root, explained_here) in [
        (bundled.path(), true),
        (other.path(), false),
        (fresh.path(), false),
    ] {
        let out = errbook(root, &["build"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let public = root.join("public");
        let index = read(public.join("validators/index.html"));
        for validator in errbook::validators::REGISTRY {
            assert!(
                index.contains(&format!("href=\"../validators/{}/\"", validator.id())),
                "the validators index does not link `{}`",
                validator.id()
            );
            for rule in validator.rules() {
                let url = rule.url();
                let (path, anchor) = url.split_once('#').unwrap();
                let file = public.join(path.trim_start_matches('/')).join("index.html");
                let html = read(&file);
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "{url}: no anchor in {}",
                    file.display()
                );
                let Some(page) = rule.page_url() else {
                    continue;
                };
                let page_file = public.join(page.trim_start_matches('/')).join("index.html");
                if explained_here {
                    assert!(
                        page_file.exists(),
                        "{page} explains `{}` but was not built",
                        rule.id
                    );
                    assert!(
                        html.contains(&format!("href=\"../../{}\"", page.trim_start_matches('/'))),
                        "{url} does not link on to {page}"
                    );
                } else {
                    assert!(!page_file.exists());
                    assert!(html.contains(&format!("<code>{page}</code>")), "{url}");
                }
            }
        }
        // The pages are in the sitemap.
        assert!(read(public.join("sitemap.xml")).contains("validators/litellm-proxy/"));
    }
}

/// `--level` chooses what is shown; an error is never hidden and always sets the exit code.
#[test]
fn validate_levels_choose_what_is_shown() {
    let config = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: os.environ/OPENAI_API_KEY\nrouter_settings:\n  enable_precall_checks: true\n  routing_strategy: simple_shuffle\n";
    let rules = |level: &str| -> Vec<String> {
        let out = validate(
            &["litellm-proxy", "-", "--format", "json", "--level", level],
            Some(config),
        );
        assert_eq!(out.status.code(), Some(1), "{level}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules("error"), ["invalid-routing-strategy"]);
    assert_eq!(
        rules("warning"),
        ["unknown-router-setting", "invalid-routing-strategy"]
    );
    let all = rules("info");
    assert!(all.contains(&"env-reference".to_string()), "{all:?}");
    assert!(
        all.contains(&"no-fallback-for-group".to_string()),
        "{all:?}"
    );
    // The default is `warning`, and the human output says what it left out.
    let out = validate(&["litellm-proxy", "-"], Some(config));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("findings below the `warning` level not shown"),
        "{text}"
    );
    assert!(!text.contains("env-reference"), "{text}");
    let out = validate(&["litellm-proxy", "config.yaml", "--level", "notes"], None);
    assert_eq!(out.status.code(), Some(2));
}

/// Included files are read next to the config, findings in them name the file, a missing
/// include is an error at the entry, and standard input follows no include.
#[test]
fn validate_follows_includes_next_to_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("models")).unwrap();
    fs::write(
        root.join("config.yaml"),
        "include:\n  - models/chat.yaml\n  - models/gone.yaml\nrouter_settings:\n  fallbacks: [{chat: [backup]}]\n",
    )
    .unwrap();
    fs::write(
        root.join("models/chat.yaml"),
        "model_list:\n  - model_name: chat\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: ${OPENAI_API_KEY}\n  - model_name: backup\n    litellm_params: {model: anthropic/claude-sonnet-4-6}\n",
    )
    .unwrap();
    let config = root.join("config.yaml");
    let out = validate(
        &[
            "litellm-proxy",
            config.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = json["diagnostics"].as_array().unwrap();
    let placeholder = found
        .iter()
        .find(|d| d["rule"] == "unexpanded-placeholder")
        .expect("the placeholder in the included file");
    assert_eq!(placeholder["file"], "models/chat.yaml");
    assert_eq!(
        (placeholder["line"].as_u64(), placeholder["column"].as_u64()),
        (Some(5), Some(16))
    );
    let missing = found
        .iter()
        .find(|d| d["rule"] == "include-not-found")
        .unwrap();
    assert!(missing.get("file").is_none());
    assert_eq!(missing["line"], 3);
    assert!(
        !found
            .iter()
            .any(|d| d["rule"] == "fallback-target-undefined")
    );

    // Human output shows the included file's line, named from where the command runs.
    let out = validate(&["litellm-proxy", config.to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&out.stdout);
    let shown = format!("{}:5:16", root.join("models/chat.yaml").display());
    assert!(text.contains(&shown), "{text}");
    assert!(text.contains("api_key: ${OPENAI_API_KEY}"), "{text}");

    // From standard input there is no directory: a note says the includes were not read.
    let out = validate(
        &["litellm-proxy", "-", "--format", "json", "--level", "info"],
        Some(&read(&config)),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let note = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "include-not-followed")
        .expect("a note for the includes");
    assert!(note["message"].as_str().unwrap().contains("standard input"));
}
