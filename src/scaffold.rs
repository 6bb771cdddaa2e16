//! `errbook new`: a page skeleton with every section and commented front matter.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::content::load::{is_kebab, tool_name_problem};
use crate::error::{Error, Result};

/// Creates `content/<tool>/<slug>.md` under `root`; never overwrites a file.
pub fn new_page(root: &Path, name: &str, today: jiff::civil::Date) -> Result<PathBuf> {
    let (tool, slug) = name
        .trim_end_matches(".md")
        .split_once('/')
        .ok_or_else(|| Error::new(format!("expected <tool>/<slug>, got `{name}`")))?;
    if let Some(problem) = tool_name_problem(tool) {
        return Err(Error::new(problem));
    }
    if !is_kebab(slug) {
        return Err(Error::new(format!(
            "the slug `{slug}` must be lowercase kebab-case (a-z, 0-9, -)"
        )));
    }
    let dir = root.join("content").join(tool);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    let path = dir.join(format!("{slug}.md"));
    // create_new: refusing to overwrite is atomic, not a check-then-write race.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::new(format!(
                    "{} already exists; not overwriting it",
                    path.display()
                ))
            } else {
                Error::io("create", &path, e)
            }
        })?;
    file.write_all(skeleton(tool, today).as_bytes())
        .map_err(|e| Error::io("write", &path, e))?;
    Ok(path)
}

fn skeleton(tool: &str, today: jiff::civil::Date) -> String {
    format!(
        r#"---
# What goes wrong, in the words a reader would search for.
title: TODO
tool: {tool}
# A category id declared in errbook.toml.
category: TODO
# The text that identifies this error in a log: literal strings, or {{regex: '...'}}
# where numbers or names vary.
signatures:
  - "TODO: the exact error text"
# One or two sentences: what the error means.
summary: TODO
# The one thing to try first.
quick_fix: TODO
updated: {today}
# validator: litellm-proxy   # embeds that config checker in the page
# The evidence. Cite each source in the body as [@id].
sources:
  - id: TODO
    url: https://TODO
    title: The exact title of the issue or page
    date: {today}
    kind: issue   # issue | pull | docs | changelog | source | forum | blog
# Slugs of related pages.
related: []
# draft: true   # keeps the page out of build, check and search until it is ready
---

## What this error means

TODO: what the reader is seeing and what it tells them.

## Causes

- TODO: one cause per item, citing its evidence [@TODO].

## Fixes

### TODO: a short imperative title

TODO: what to change, why it works, and an example.

## Step-by-step troubleshooting

1. TODO: the first thing to check.

## How to prevent it

- TODO

## FAQ

### TODO: a question readers really ask?

TODO: the answer.
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_page;
    use crate::source::SourceFile;

    #[test]
    fn the_skeleton_parses_and_is_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let today = jiff::civil::date(2026, 11, 24);
        let path = new_page(tmp.path(), "litellm/new-error", today).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut diags = Vec::new();
        let file = SourceFile::new("content/litellm/new-error.md", text);
        let page = parse_page(file, "litellm".into(), "new-error".into(), &mut diags);
        assert!(page.is_some(), "{diags:?}");
        assert!(new_page(tmp.path(), "litellm/new-error", today).is_err());
        assert!(new_page(tmp.path(), "Bad/x", today).is_err());
    }
}
