//! Loads the tera templates once per build: embedded defaults, overridden by name from
//! the site's `templates/`.

use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use super::key::{Key, KeyHasher};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, display_path};
use crate::theme;

/// The parsed templates of a site.
pub struct Templates {
    pub tera: Tera,
    /// A hash of every template's name and text, defaults included.
    pub fingerprint: Key,
}

impl Templates {
    /// Defaults plus `root/templates/**`. Syntax errors and missing parents are diagnostics.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        // Each default is also registered as `errbook/<name>`, so a site's `page.html` can
        // `{% extends "errbook/page.html" %}` and replace a single block.
        let mut sources: Vec<(String, String)> = theme::TEMPLATES
            .iter()
            .flat_map(|(name, text)| {
                [
                    (name.to_string(), text.to_string()),
                    (format!("errbook/{name}"), text.to_string()),
                ]
            })
            .collect();
        let mut files: Vec<SourceFile> = Vec::new();
        let mut diags = Vec::new();
        let dir = root.join("templates");
        if dir.is_dir() {
            for entry in WalkDir::new(&dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let name = display_path(entry.path().strip_prefix(&dir).unwrap_or(entry.path()));
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                match std::fs::read(entry.path()).map(String::from_utf8) {
                    Ok(Ok(text)) => {
                        sources.retain(|(n, _)| *n != name);
                        sources.push((name, text.clone()));
                        files.push(SourceFile::new(relative, text));
                    }
                    Ok(Err(_)) => diags.push(Diagnostic::file_error(
                        "invalid-utf8",
                        &display_path(relative),
                        1,
                        1,
                        "the template is not valid UTF-8",
                    )),
                    Err(e) => diags.push(Diagnostic::file_error(
                        "unreadable-file",
                        &display_path(relative),
                        1,
                        1,
                        format!("could not read the template: {e}"),
                    )),
                }
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let mut hasher = KeyHasher::new();
        for (name, text) in &sources {
            hasher.str(name).str(text);
        }
        let fingerprint = hasher.finish();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape);
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(vec![template_diagnostic(&e, &files)]);
        }
        Ok(Templates { tera, fingerprint })
    }

    /// Renders a template, turning tera's error chain into a diagnostic on the template.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        site_root: &Path,
    ) -> Result<String, Diagnostic> {
        self.tera.render(name, context).map_err(|e| {
            let file = site_root.join("templates").join(name);
            let files = std::fs::read_to_string(&file)
                .map(|text| vec![SourceFile::new(Path::new("templates").join(name), text)])
                .unwrap_or_default();
            template_diagnostic(&e, &files)
        })
    }
}

/// HTML-escapes template values. Unlike tera's default it leaves `/` alone, so URLs stay
/// readable in the output.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// The full tera error chain, located at the template it names (and the line:col tera gives
/// for syntax errors).
fn template_diagnostic(err: &tera::Error, files: &[SourceFile]) -> Diagnostic {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let named = files.iter().find(|f| {
        let name = display_path(f.path.strip_prefix("templates").unwrap_or(&f.path));
        message.contains(&format!("'{name}'"))
    });
    let (path, line, column) = match named {
        Some(file) => {
            let (line, column) = tera_position(&message)
                .or_else(|| missing_template_position(&message, file))
                .unwrap_or((1, 1));
            (file.display_path(), line, column)
        }
        None => {
            let name = message.split('\'').nth(1).unwrap_or("templates");
            (format!("templates/{name}"), 1, 1)
        }
    };
    let first_line = message.lines().next().unwrap_or_default().to_string();
    let detail: Vec<&str> = message
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut diag = Diagnostic::file_error("template-error", &path, line, column, first_line);
    if !detail.is_empty() {
        diag = diag.with_help(
            detail
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    diag
}

/// tera names a missing include as `Template '[name]' not found`; point at where it is named.
fn missing_template_position(message: &str, file: &SourceFile) -> Option<(usize, usize)> {
    let rest = &message[message.find("Template '[")? + "Template '[".len()..];
    let name = &rest[..rest.find("]' not found")?];
    let at = file.text.find(&format!("\"{name}\""))?;
    Some(file.line_col(at))
}

/// tera's parse errors read `--> 3:14`.
fn tera_position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let mut parts = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}
