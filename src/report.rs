//! Diagnostics for people: rustc-style, with the source line and a caret under the span.

use std::io::IsTerminal;
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{
    self, Config,
    termcolor::{ColorChoice, StandardStream, WriteColor},
};

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::source::SourceFile;

/// Colour only on a terminal, and never when `NO_COLOR` is set.
fn color_choice(is_terminal: bool) -> ColorChoice {
    if is_terminal && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

pub fn stderr() -> StandardStream {
    StandardStream::stderr(color_choice(std::io::stderr().is_terminal()))
}

pub fn stdout() -> StandardStream {
    StandardStream::stdout(color_choice(std::io::stdout().is_terminal()))
}

/// Prints every diagnostic, grouped by file and ordered by position, then a summary line.
/// Source lines are read back from `root`, so any stage's diagnostics can be shown.
pub fn human(
    diagnostics: &[Diagnostic],
    root: &Path,
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let mut sorted = diagnostics.to_vec();
    Diagnostic::sort(&mut sorted);
    let mut files = SimpleFiles::new();
    let mut ids = std::collections::HashMap::new();
    let config = Config::default();
    for d in &sorted {
        let id = *ids.entry(d.file.clone()).or_insert_with(|| {
            // Only a regular file is read back: a pipe named by a diagnostic would block.
            let path = root.join(&d.file);
            let text = std::fs::metadata(&path)
                .ok()
                .filter(|m| m.is_file())
                .and_then(|_| std::fs::read(&path).ok())
                .map(|b| SourceFile::new(&d.file, String::from_utf8_lossy(&b).into_owned()).text)
                .unwrap_or_default();
            files.add(d.file.clone(), text)
        });
        emit(d, &files, id, &config, out)?;
    }
    summary(&sorted, out)
}

/// Prints the diagnostics of one file held in memory (a config read from stdin, say), ordered
/// by position, then a summary line.
pub fn human_in_memory(
    diagnostics: &[Diagnostic],
    file: &SourceFile,
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    human_in_memory_files(diagnostics, std::slice::from_ref(file), out)
}

/// [`human_in_memory`] for diagnostics in several files held in memory (a config and the files
/// it includes); each diagnostic is shown with the file whose display path it names, the
/// first file when none does.
pub fn human_in_memory_files(
    diagnostics: &[Diagnostic],
    sources: &[SourceFile],
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let mut sorted = diagnostics.to_vec();
    Diagnostic::sort(&mut sorted);
    let mut files = SimpleFiles::new();
    // The name as the user gave it (an absolute path stays absolute).
    let ids: Vec<(String, usize)> = sources
        .iter()
        .map(|f| {
            let name = f.path.to_string_lossy().into_owned();
            (f.display_path(), files.add(name, f.text.clone()))
        })
        .collect();
    let config = Config::default();
    for d in &sorted {
        let id = ids
            .iter()
            .find(|(path, _)| *path == d.file)
            .or(ids.first())
            .map_or(0, |(_, id)| *id);
        emit(d, &files, id, &config, out)?;
    }
    summary(&sorted, out)
}

/// One diagnostic with its source line and a caret under its span.
fn emit(
    d: &Diagnostic,
    files: &SimpleFiles<String, String>,
    id: usize,
    config: &Config,
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
    };
    let mut rendered = Rendered::new(level)
        .with_code(d.rule)
        .with_message(&d.message);
    let source = files
        .get(id)
        .map(|f| f.source().as_str())
        .unwrap_or_default();
    match &d.span {
        Some(span) if span.end <= source.len() => {
            // The caret goes under the first line: a whole list item or section would
            // bury the point in context.
            let line_end = source[span.start..]
                .find(['\r', '\n'])
                .map_or(source.len(), |i| span.start + i);
            let end = span.end.min(line_end).max(span.start);
            rendered = rendered.with_labels(vec![Label::primary(id, span.start..end)]);
        }
        _ => {
            // No usable span (e.g. an invalid UTF-8 file): point at the line:col alone.
            rendered = rendered.with_notes(vec![format!("at {}:{}:{}", d.file, d.line, d.column)]);
        }
    }
    if let Some(help) = &d.help {
        rendered = rendered.with_notes(vec![format!("help: {help}")]);
    }
    if term::emit_to_write_style(out, config, files, &rendered).is_err() {
        writeln!(out, "{d}")?;
    }
    Ok(())
}

/// `error: 3 errors, 1 warning in 2 files`.
pub fn summary(diagnostics: &[Diagnostic], out: &mut dyn WriteColor) -> std::io::Result<()> {
    let Summary {
        errors,
        warnings,
        files,
    } = Summary::of(diagnostics);
    if errors + warnings == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "{}: {} in {} file{}",
        if errors > 0 { "error" } else { "warning" },
        counts(errors, warnings),
        files,
        if files == 1 { "" } else { "s" }
    )
}

fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
