//! Sites for the online tests and benchmark: pages that pass every offline rule, citing the
//! sources they are given, in a temporary directory with `[check.online]` settings.

#![allow(dead_code)]

use std::fs;

/// One source of a generated page.
pub struct Src {
    pub id: String,
    pub url: String,
    pub title: String,
    pub date: Option<String>,
    pub kind: String,
}

pub fn src(id: &str, url: String, title: &str, kind: &str) -> Src {
    Src {
        id: id.into(),
        url,
        title: title.into(),
        date: None,
        kind: kind.into(),
    }
}

pub fn dated(mut source: Src, date: &str) -> Src {
    source.date = Some(date.into());
    source
}

pub fn yaml(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A page that passes every offline rule, citing all its sources. `signatures` are YAML
/// list items as written (a quoted literal, or `{regex: ...}`).
pub fn page(slug: &str, signatures: &[String], sources: &[Src]) -> String {
    let mut text = format!(
        "---\ntitle: The {slug} case of the online check\ntool: online\ncategory: online\nsignatures:\n"
    );
    for signature in signatures {
        text.push_str(&format!("  - {signature}\n"));
    }
    text.push_str(&format!(
        "summary: What the online check reports for {slug}.\nquick_fix: Correct the {slug} source.\nupdated: 2026-10-01\nsources:\n"
    ));
    for s in sources {
        text.push_str(&format!(
            "  - id: {}\n    url: {}\n    title: {}\n",
            s.id,
            s.url,
            yaml(&s.title)
        ));
        if let Some(date) = &s.date {
            text.push_str(&format!("    date: {date}\n"));
        }
        text.push_str(&format!("    kind: {}\n", s.kind));
    }
    let cite = sources
        .iter()
        .map(|s| format!("@{}", s.id))
        .collect::<Vec<_>>()
        .join("; ");
    text.push_str(&format!(
        "---\n\n## What this error means\n\nThe {slug} case shows one finding of the online check [{cite}].\n\n\
         ## Causes\n\n- The {slug} source was cited as it was on the day it was read [{cite}].\n\n\
         ## Fixes\n\n### Correct the {slug} citation\n\nCite the {slug} source as it is today [{cite}].\n\n\
         ```yaml\n{slug}: corrected\n```\n\n\
         ## Step-by-step troubleshooting\n\n1. Open the {slug} source in a browser.\n\n\
         ## How to prevent it\n\n- Run the online check on {slug} before each release.\n\n\
         ## FAQ\n\n### Is the {slug} case real?\n\nOnly in the {slug} test of errbook.\n"
    ));
    text
}

/// A page with one source and a regex signature without examples: only the source's own
/// rules can fire on it.
pub fn one_source_page(slug: &str, source: Src) -> String {
    page(slug, &[regex(slug)], &[source])
}

pub fn regex(slug: &str) -> String {
    format!("{{regex: 'OnlineCase {slug} \\d+ failed'}}")
}

pub fn literal(text: &str) -> String {
    yaml(text)
}

/// A site in a temporary directory with these pages and `[check.online]` settings.
pub fn site(
    online_settings: &str,
    pages: &[(&str, String)],
    ca_pem: Option<&str>,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("errbook.toml"),
        format!(
            "title = \"Online fixture\"\nbase_url = \"https://kb.example.test/\"\n\n\
             [[categories]]\nid = \"online\"\nname = \"Online\"\ndescription = \"Cases of the online check.\"\n\n\
             [check]\nstale_after_days = 3650\n\n[check.online]\n{online_settings}"
        ),
    )
    .unwrap();
    if let Some(pem) = ca_pem {
        fs::write(dir.path().join("ca.pem"), pem).unwrap();
    }
    let content = dir.path().join("content/online");
    fs::create_dir_all(&content).unwrap();
    for (slug, text) in pages {
        fs::write(content.join(format!("{slug}.md")), text).unwrap();
    }
    dir
}
