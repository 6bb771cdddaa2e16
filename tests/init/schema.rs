//! `errbook schema page|config` against the loaders: every key the loaders know is in the
//! schemas and the reverse, and for each variant of a full front matter or errbook.toml
//! (each key left out, emptied, given the wrong type, out of range) the loader and an
//! independent validator (check-jsonschema) agree. Then the bundled pages, the init site and
//! the repository's errbook.toml validate, and Taplo (the TOML language server's engine)
//! reads the config schema as check-jsonschema does.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use super::{new_site, run, text, tool};
use crate::errbook;

fn schema_of(document: &str) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = errbook(tmp.path(), &["schema", document]);
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Validates every file of `dir` against `schema`; the names of the files that fail.
fn failing(schema: &Path, dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut args = vec!["-o", "json", "--schemafile", schema.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let out = run(&tool("check-jsonschema"), &args, dir);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("check-jsonschema: {}", text(&out)));
    let mut names: Vec<String> = ["errors", "parse_errors"]
        .iter()
        .flat_map(|k| report[k].as_array().cloned().unwrap_or_default())
        .map(|e| e["filename"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A front matter with every field set.
fn full_page() -> Value {
    json!({
        "title": "Example fails",
        "tool": "acme-api",
        "category": "startup",
        "signatures": ["EXAMPLE_FAILED", {"regex": "example \\d+"}, {"literal": "Example failed"}],
        "summary": "It fails.",
        "quick_fix": "Run `fix`.",
        "updated": "2026-11-30",
        "validator": "litellm-proxy",
        "sources": [{
            "id": "doc",
            "url": "https://example.org/doc",
            "title": "The doc",
            "date": "2026-01-02",
            "kind": "docs"
        }],
        "related": ["other-page"],
        "draft": false
    })
}

/// Variants of a front matter: (name, value). The name says what changed.
fn page_variants() -> Vec<(String, Value)> {
    let base = full_page();
    let mut out = vec![("base".to_string(), base.clone())];
    for key in base.as_object().unwrap().keys() {
        let mut removed = base.clone();
        removed.as_object_mut().unwrap().remove(key);
        out.push((format!("without-{key}"), removed));
        for (what, value) in [
            ("null", Value::Null),
            ("list", json!(["x"])),
            ("bool", json!(true)),
            ("number", json!(429)),
            ("blank", json!(" ")),
            ("map", json!({"a": "b"})),
        ] {
            let mut changed = base.clone();
            changed[key] = value;
            out.push((format!("{key}-{what}"), changed));
        }
    }
    let mut add = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut changed = base.clone();
        edit(&mut changed);
        out.push((name.to_string(), changed));
    };
    add("unknown-key", &|v| v["titel"] = json!("x"));
    add("bad-date", &|v| v["updated"] = json!("2026-13-01"));
    add("short-date", &|v| v["updated"] = json!("2026-1-2"));
    add("no-signatures", &|v| v["signatures"] = json!([]));
    add("regex-and-literal", &|v| {
        v["signatures"] = json!([{"regex": "a", "literal": "b"}])
    });
    add("signature-unknown-key", &|v| {
        v["signatures"] = json!([{"rgx": "a"}])
    });
    add("signature-empty-regex", &|v| {
        v["signatures"] = json!([{"regex": ""}])
    });
    add("signature-null", &|v| v["signatures"] = json!([null]));
    add("example-one", &|v| {
        v["signatures"] = json!([{"regex": "a \\d", "example": "a 1"}])
    });
    add("example-list", &|v| {
        v["signatures"] = json!([{"regex": "a \\d", "example": ["a 1", "a 2"]}])
    });
    add("example-null", &|v| {
        v["signatures"] = json!([{"regex": "a", "example": null}])
    });
    add("example-empty-list", &|v| {
        v["signatures"] = json!([{"regex": "a", "example": []}])
    });
    add("example-map", &|v| {
        v["signatures"] = json!([{"regex": "a", "example": {"a": 1}}])
    });
    add("example-blank-item", &|v| {
        v["signatures"] = json!([{"regex": "a", "example": ["a", " "]}])
    });
    add("example-on-literal", &|v| {
        v["signatures"] = json!([{"literal": "a", "example": "a"}])
    });
    add("related-item-number", &|v| v["related"] = json!(["a", 1]));
    add("draft-true", &|v| v["draft"] = json!(true));
    add("draft-word", &|v| v["draft"] = json!("yes"));
    add("no-sources", &|v| v["sources"] = json!([]));
    let source_keys: Vec<String> = base["sources"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for key in source_keys {
        let mut removed = base.clone();
        removed["sources"][0].as_object_mut().unwrap().remove(&key);
        out.push((format!("source-without-{key}"), removed));
        for (what, value) in [
            ("null", Value::Null),
            ("list", json!([1])),
            ("bool", json!(false)),
        ] {
            let mut changed = base.clone();
            changed["sources"][0][&key] = value;
            out.push((format!("source-{key}-{what}"), changed));
        }
    }
    let mut add = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut changed = base.clone();
        edit(&mut changed);
        out.push((name.to_string(), changed));
    };
    add("source-kind-unknown", &|v| {
        v["sources"][0]["kind"] = json!("tweet")
    });
    add("source-unknown-key", &|v| {
        v["sources"][0]["author"] = json!("x")
    });
    add("source-bad-date", &|v| {
        v["sources"][0]["date"] = json!("2026-02-30")
    });
    add("source-kind-capture", &|v| {
        v["sources"][0]["kind"] = json!("capture");
        v["sources"][0]["url"] = json!("/captures/acme-api/run.log");
    });
    out
}

/// Whether the loader reads a page with this front matter (written as JSON, which is YAML).
fn loader_reads_page(front: &Value) -> (bool, Vec<String>) {
    let text = format!("---\n{front}\n---\n\n## What this error means\n\nText.\n");
    let file = errbook::source::SourceFile::new("content/acme-api/example.md", text);
    let mut diags = Vec::new();
    let page = errbook::content::parse_page(file, "acme-api".into(), "example".into(), &mut diags);
    // `tool` must name the page's directory: a fact about where the file is, which no
    // schema of its contents can know.
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error() && d.rule != "tool-mismatch")
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect();
    let mismatch_only = diags.iter().any(|d| d.rule == "tool-mismatch");
    (
        (page.is_some() || mismatch_only) && errors.is_empty(),
        errors,
    )
}

#[test]
fn the_page_schema_and_the_loader_agree_on_every_variant() {
    let schema = schema_of("page");
    let tmp = tempfile::tempdir().unwrap();
    let schema_file = tmp.path().join("page.json");
    fs::write(&schema_file, schema.to_string()).unwrap();
    let dir = tmp.path().join("variants");
    fs::create_dir(&dir).unwrap();
    let variants = page_variants();
    for (name, value) in &variants {
        fs::write(dir.join(format!("{name}.yaml")), value.to_string()).unwrap();
    }
    let rejected = failing(&schema_file, &dir);
    let mut disagreements = Vec::new();
    for (name, value) in &variants {
        let (loads, errors) = loader_reads_page(value);
        let valid = !rejected.contains(&format!("{name}.yaml"));
        if loads != valid {
            disagreements.push(format!(
                "{name}: loader {} ({errors:?}), schema {}",
                if loads { "reads it" } else { "refuses it" },
                if valid { "accepts it" } else { "rejects it" }
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} variants disagree:\n{}",
        disagreements.len(),
        variants.len(),
        disagreements.join("\n")
    );
    assert!(rejected.len() > 30, "the variants test both verdicts");
    println!(
        "page schema: {} variants, {} rejected by both",
        variants.len(),
        rejected.len()
    );

    // The loader's own list of keys (its "known keys" help) is the schema's list.
    let file = errbook::source::SourceFile::new(
        "content/acme-api/example.md",
        "---\nzzzzzzzz: 1\n---\n".to_string(),
    );
    let mut diags = Vec::new();
    errbook::content::parse_page(file, "acme-api".into(), "example".into(), &mut diags);
    let help = diags
        .iter()
        .find(|d| d.rule == "unknown-field")
        .and_then(|d| d.help.clone())
        .expect("an unknown key is reported");
    let mut known: Vec<&str> = help
        .strip_prefix("known keys: ")
        .unwrap_or_else(|| panic!("{help}"))
        .split(", ")
        .collect();
    let mut properties: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    known.sort();
    properties.sort();
    assert_eq!(known, properties);

    // A capture is a source kind the schema offers editors, with its url explained.
    let source = &schema["properties"]["sources"]["items"]["properties"];
    let kinds = source["kind"]["enum"]
        .as_array()
        .expect("kinds are an enum");
    assert!(kinds.contains(&json!("capture")), "{kinds:?}");
    let url = source["url"]["description"].as_str().unwrap();
    assert!(
        url.contains("kind: capture") && url.contains("static/"),
        "{url}"
    );
    assert!(!rejected.contains(&"source-kind-capture.yaml".to_string()));
}

/// A config with every key set, as TOML.
fn full_config() -> toml::Table {
    toml::from_str(
        r#"
title = "KB"
base_url = "https://kb.example.org/"
description = "d"
language = "en"
output_dir = "public"
validator_endpoint = "https://validate.example.org/api/validate"

[lints]
stale-page = "error"
cause-without-fix = "allow"

[check]
stale_after_days = 30
boilerplate_pages = 4
near_duplicate_similarity = 0.5

[check.online]
max_age_hours = 24
skip_hosts = ["docs.example.org", "*.example.net"]
concurrency = 16
per_host_concurrency = 4
per_host_rate = 0.0
github_concurrency = 1
timeout_secs = 20
retries = 2
max_retry_wait_secs = 60
github_api_url = "https://api.github.com"
github_raw_url = "https://raw.githubusercontent.com"
ca_file = "certs/ca.pem"

[[categories]]
id = "rate-limit"
name = "Rate limits"
description = "d"
"#,
    )
    .unwrap()
}

fn config_variants() -> Vec<(String, toml::Table)> {
    use toml::Value as T;
    let base = full_config();
    let mut out = vec![("base".to_string(), base.clone())];
    let wrong = [
        ("string", T::String("x".into())),
        ("blank", T::String(String::new())),
        ("int", T::Integer(3)),
        ("bool", T::Boolean(true)),
        ("list", T::Array(vec![T::String("x".into())])),
    ];
    for key in base.keys() {
        let mut removed = base.clone();
        removed.remove(key);
        out.push((format!("without-{key}"), removed));
        for (what, value) in &wrong {
            // An empty output_dir is refused for where it points, which no schema can say.
            if key == "output_dir" && *what == "blank" {
                continue;
            }
            let mut changed = base.clone();
            changed.insert(key.clone(), value.clone());
            out.push((format!("{key}-{what}"), changed));
        }
    }
    for table in ["check"] {
        for key in base[table].as_table().unwrap().keys() {
            let mut removed = base.clone();
            removed[table].as_table_mut().unwrap().remove(key);
            out.push((format!("{table}-without-{key}"), removed));
        }
    }
    for key in base["check"]["online"].as_table().unwrap().keys() {
        let mut removed = base.clone();
        removed["check"]["online"]
            .as_table_mut()
            .unwrap()
            .remove(key);
        out.push((format!("online-without-{key}"), removed));
        for (what, value) in &wrong {
            let mut changed = base.clone();
            changed["check"]["online"][key.as_str()] = value.clone();
            out.push((format!("online-{key}-{what}"), changed));
        }
    }
    for (key, values) in [
        ("max_age_hours", vec![-1, 0, 8760, 8761]),
        ("concurrency", vec![0, 1, 256, 257]),
        ("per_host_concurrency", vec![0, 64, 65]),
        ("github_concurrency", vec![0, 64, 65]),
        ("timeout_secs", vec![0, 600, 601]),
        ("retries", vec![-1, 10, 11]),
        ("max_retry_wait_secs", vec![-1, 3600, 3601]),
    ] {
        for value in values {
            let mut changed = base.clone();
            changed["check"]["online"][key] = T::Integer(value);
            out.push((format!("online-{key}-{value}"), changed));
        }
    }
    for (name, key, value) in [
        ("rate-negative", "per_host_rate", T::Float(-1.0)),
        ("rate-max", "per_host_rate", T::Float(10_000.0)),
        ("rate-over", "per_host_rate", T::Float(10_000.5)),
        ("rate-int", "per_host_rate", T::Integer(5)),
        (
            "api-query",
            "github_api_url",
            T::String("https://api.example.org/?x=1".into()),
        ),
        (
            "api-no-host",
            "github_api_url",
            T::String("https://".into()),
        ),
        (
            "api-ghe",
            "github_api_url",
            T::String("https://ghe.example.org/api/v3".into()),
        ),
        (
            "raw-ftp",
            "github_raw_url",
            T::String("ftp://raw.example.org".into()),
        ),
        (
            "host-url",
            "skip_hosts",
            T::Array(vec![T::String("https://x.org/".into())]),
        ),
        (
            "host-star-only",
            "skip_hosts",
            T::Array(vec![T::String("*.".into())]),
        ),
        ("host-number", "skip_hosts", T::Array(vec![T::Integer(1)])),
    ] {
        let mut changed = base.clone();
        changed["check"]["online"][key] = value;
        out.push((format!("online-{name}"), changed));
    }
    for key in base["categories"][0].as_table().unwrap().keys() {
        let mut removed = base.clone();
        removed["categories"][0].as_table_mut().unwrap().remove(key);
        out.push((format!("category-without-{key}"), removed));
    }
    type Edit = (&'static str, Box<dyn Fn(&mut toml::Table)>);
    let edits: Vec<Edit> = vec![
        (
            "unknown-key",
            Box::new(|t| {
                t.insert("ouput_dir".into(), T::String("x".into()));
            }),
        ),
        (
            "check-unknown-key",
            Box::new(|t| {
                t["check"]
                    .as_table_mut()
                    .unwrap()
                    .insert("stale_days".into(), T::Integer(3));
            }),
        ),
        (
            "category-unknown-key",
            Box::new(|t| {
                t["categories"][0]
                    .as_table_mut()
                    .unwrap()
                    .insert("title".into(), T::String("x".into()));
            }),
        ),
        (
            "category-bad-id",
            Box::new(|t| {
                t["categories"][0]["id"] = T::String("Rate Limit".into());
            }),
        ),
        (
            "base-url-ftp",
            Box::new(|t| {
                t["base_url"] = T::String("ftp://kb.example.org/".into());
            }),
        ),
        (
            "endpoint-not-a-url",
            Box::new(|t| {
                t["validator_endpoint"] = T::String("validate.example.org".into());
            }),
        ),
        (
            "lint-unknown-rule",
            Box::new(|t| {
                t["lints"]
                    .as_table_mut()
                    .unwrap()
                    .insert("stale-pages".into(), T::String("error".into()));
            }),
        ),
        (
            "lint-fixed-rule",
            Box::new(|t| {
                t["lints"]
                    .as_table_mut()
                    .unwrap()
                    .insert("yaml-syntax".into(), T::String("allow".into()));
            }),
        ),
        (
            "lint-unknown-level",
            Box::new(|t| {
                t["lints"]["stale-page"] = T::String("loud".into());
            }),
        ),
        (
            "lint-alias-level",
            Box::new(|t| {
                t["lints"]["stale-page"] = T::String("deny".into());
            }),
        ),
    ];
    for (name, edit) in edits {
        let mut changed = base.clone();
        edit(&mut changed);
        out.push((name.to_string(), changed));
    }
    for (key, values) in [
        (
            "stale_after_days",
            vec![T::Integer(0), T::Integer(1), T::Float(2.5)],
        ),
        (
            "boilerplate_pages",
            vec![T::Integer(1), T::Integer(2), T::Integer(-3)],
        ),
        (
            "near_duplicate_similarity",
            vec![T::Float(0.0), T::Float(1.0), T::Float(1.5), T::Float(-0.1)],
        ),
    ] {
        for value in values {
            let mut changed = base.clone();
            changed["check"][key] = value.clone();
            out.push((format!("check-{key}-{value}"), changed));
        }
    }
    out
}

#[test]
fn the_config_schema_and_the_loader_agree_on_every_variant() {
    let tmp = tempfile::tempdir().unwrap();
    let schema_file = tmp.path().join("config.json");
    fs::write(&schema_file, schema_of("config").to_string()).unwrap();
    let dir = tmp.path().join("variants");
    fs::create_dir(&dir).unwrap();
    let variants = config_variants();
    for (name, table) in &variants {
        fs::write(
            dir.join(format!("{name}.toml")),
            toml::to_string(table).unwrap(),
        )
        .unwrap();
    }
    let rejected = failing(&schema_file, &dir);
    let mut disagreements = Vec::new();
    for (name, table) in &variants {
        let file =
            errbook::source::SourceFile::new("errbook.toml", toml::to_string(table).unwrap());
        let loaded = errbook::config::SiteConfig::parse(&file);
        let valid = !rejected.contains(&format!("{name}.toml"));
        if loaded.is_ok() != valid {
            let why = loaded.err().map(|d| d[0].message.clone());
            disagreements.push(format!("{name}: loader {why:?}, schema valid: {valid}"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} variants disagree:\n{}",
        disagreements.len(),
        variants.len(),
        disagreements.join("\n")
    );
    assert!(rejected.len() > 20, "the variants test both verdicts");
    println!(
        "config schema: {} variants, {} rejected by both",
        variants.len(),
        rejected.len()
    );
}

/// The keys serde's derive knows for errbook.toml, from its own "expected one of" message:
/// independent of the field table.
fn serde_keys(toml_text: &str) -> Vec<String> {
    let err = toml::from_str::<errbook::config::SiteConfig>(toml_text)
        .expect_err("an unknown key is refused");
    let message = err.message().to_string();
    let list = message
        .split_once("expected one of ")
        .unwrap_or_else(|| panic!("{message}"))
        .1;
    let mut keys: Vec<String> = list
        .split(", ")
        .map(|k| k.trim().trim_matches('`').to_string())
        .collect();
    keys.sort();
    keys
}

fn schema_keys(schema: &Value) -> Vec<String> {
    let mut keys: Vec<String> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[test]
fn the_config_schema_lists_exactly_the_keys_serde_accepts() {
    let schema = schema_of("config");
    let head = "title = \"t\"\nbase_url = \"https://x.org/\"\n";
    assert_eq!(
        serde_keys(&format!("{head}zzz = 1\n")),
        schema_keys(&schema)
    );
    assert_eq!(
        serde_keys(&format!("{head}[check]\nzzz = 1\n")),
        schema_keys(&schema["properties"]["check"])
    );
    assert_eq!(
        serde_keys(&format!("{head}[check.online]\nzzz = 1\n")),
        schema_keys(&schema["properties"]["check"]["properties"]["online"])
    );
    assert_eq!(
        serde_keys(&format!(
            "{head}[[categories]]\nid = \"a\"\nname = \"b\"\nzzz = 1\n"
        )),
        schema_keys(&schema["properties"]["categories"]["items"])
    );
}

/// The front matter of a page, as its own YAML document.
fn front_matter(page: &str) -> String {
    let rest = page.strip_prefix("---\n").expect("front matter");
    rest[..rest.find("\n---").expect("closing fence")].to_string()
}

#[test]
fn the_bundled_pages_and_the_init_site_validate() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = new_site(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let (pages, configs) = (tmp.path().join("pages"), tmp.path().join("configs"));
    fs::create_dir(&pages).unwrap();
    fs::create_dir(&configs).unwrap();
    let mut count = 0;
    for root in [repo.join("content"), site.path().join("content")] {
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(entry.path()).unwrap();
                let name = format!("{count}-{}.yaml", entry.file_name().to_string_lossy());
                fs::write(pages.join(name), front_matter(&text)).unwrap();
                count += 1;
            }
        }
    }
    assert!(count >= 27, "the bundled pages and the example: {count}");
    fs::copy(repo.join("errbook.toml"), configs.join("repo.toml")).unwrap();
    fs::copy(site.path().join("errbook.toml"), configs.join("init.toml")).unwrap();
    // The schemas init wrote are the ones `errbook schema` prints.
    let written = |name: &str| site.path().join(".errbook/schema").join(name);
    assert_eq!(
        serde_json::from_str::<Value>(&fs::read_to_string(written("page.json")).unwrap()).unwrap(),
        schema_of("page")
    );
    assert_eq!(failing(&written("page.json"), &pages), Vec::<String>::new());
    assert_eq!(
        failing(&written("config.json"), &configs),
        Vec::<String>::new()
    );
    let out = run(
        &tool("check-jsonschema"),
        &[
            "--check-metaschema",
            written("page.json").to_str().unwrap(),
            written("config.json").to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn taplo_reads_the_config_schema_from_the_schema_directive() {
    let site = new_site(&[]);
    let taplo = tool("taplo");
    let out = run(&taplo, &["lint", "errbook.toml"], site.path());
    assert!(
        out.status.success(),
        "taplo on the init site: {}",
        text(&out)
    );
    let config = fs::read_to_string(site.path().join("errbook.toml")).unwrap();
    let broken = config.replace(
        "language = \"en\"",
        "language = \"en\"\nouput_dir = \"out\"\n\n[check]\nnear_duplicate_similarity = 0\n\n[lints]\nstale-page = \"loud\"",
    );
    fs::write(site.path().join("errbook.toml"), broken).unwrap();
    let out = run(&taplo, &["lint", "errbook.toml"], site.path());
    assert!(!out.status.success());
    let said = text(&out);
    for expected in [
        "'ouput_dir' was unexpected",
        "less than or equal to the minimum of 0",
        "\"loud\" is not one of",
    ] {
        assert!(
            said.contains(expected),
            "taplo did not report {expected}:\n{said}"
        );
    }
}

#[test]
fn the_page_format_doc_lists_every_front_matter_key() {
    let doc = crate::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/page-format.md"));
    for key in schema_keys(&schema_of("page")) {
        assert!(
            doc.contains(&format!("| `{key}` |")),
            "docs/page-format.md lacks `{key}`"
        );
    }
}
