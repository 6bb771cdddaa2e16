//! Diagnostics for people: rustc-style, with the source line and a caret under the span.
//! Output is rendered in parallel into buffers and written in order, a few large writes in
//! all, so that half a million warnings cost well under a second.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{
    self, Config,
    termcolor::{Buffer, BufferWriter, ColorChoice, WriteColor},
};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::source::SourceFile;

/// How many diagnostics of each rule `build` shows without `--verbose`.
pub const SHOWN_PER_RULE: usize = 3;

/// Diagnostics rendered per buffer: enough to amortise reading their files, small enough to
/// spread over the cores.
const CHUNK: usize = 512;

/// Colour only on a terminal, and never when `NO_COLOR` is set.
fn color_choice(is_terminal: bool) -> ColorChoice {
    if is_terminal && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Where reports go: standard error (build), standard output (check, validate), or memory.
pub struct Out {
    writer: Option<BufferWriter>,
    captured: std::sync::Mutex<Vec<u8>>,
}

pub fn stderr() -> Out {
    Out::to(BufferWriter::stderr(color_choice(
        std::io::stderr().is_terminal(),
    )))
}

pub fn stdout() -> Out {
    Out::to(BufferWriter::stdout(color_choice(
        std::io::stdout().is_terminal(),
    )))
}

impl Out {
    fn to(writer: BufferWriter) -> Out {
        Out {
            writer: Some(writer),
            captured: Default::default(),
        }
    }

    /// Keeps what is printed, without colour, for [`Out::captured`].
    pub fn capture() -> Out {
        Out {
            writer: None,
            captured: Default::default(),
        }
    }

    /// What a capturing output received.
    pub fn captured(&self) -> String {
        let bytes = self.captured.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// An empty buffer with this output's colour setting.
    pub fn buffer(&self) -> Buffer {
        match &self.writer {
            Some(writer) => writer.buffer(),
            None => Buffer::no_color(),
        }
    }

    /// Writes a buffer at once; a closed pipe (`| head`) is not an error worth reporting.
    pub fn print(&self, buffer: &Buffer) {
        match &self.writer {
            Some(writer) => {
                let _ = writer.print(buffer);
            }
            None => self
                .captured
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(buffer.as_slice()),
        }
    }

    /// Writes one line of plain text.
    pub fn line(&self, text: impl std::fmt::Display) {
        let mut buffer = self.buffer();
        let _ = writeln!(buffer, "{text}");
        self.print(&buffer);
    }
}

/// Plain bytes written straight through (small outputs: `schema`, `man`, `init`'s list).
impl Write for Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self.buffer();
        buffer.write_all(bytes)?;
        match &self.writer {
            Some(writer) => writer.print(&buffer)?,
            None => self.print(&buffer),
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Prints every diagnostic, grouped by file and ordered by position, then a summary line.
/// Source lines are read back from `root`, so any stage's diagnostics can be shown.
pub fn human(diagnostics: &[Diagnostic], root: &Path, out: &Out) {
    let sorted = sorted(diagnostics);
    emit_all(&sorted, root, out);
    out.print(&summary_buffer(diagnostics, out));
}

/// What `build` prints: every error; of the other diagnostics the first few of each rule,
/// then how many each rule found. `verbose` prints every one instead.
pub fn build_summary(diagnostics: &[Diagnostic], root: &Path, out: &Out, verbose: bool) {
    if verbose {
        return human(diagnostics, root, out);
    }
    let sorted = sorted(diagnostics);
    let mut by_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> = BTreeMap::new();
    let mut shown = Vec::new();
    for d in sorted {
        let count = by_rule
            .entry((std::cmp::Reverse(d.severity), d.rule))
            .or_default();
        *count += 1;
        if d.severity == Severity::Error || *count <= SHOWN_PER_RULE {
            shown.push(d);
        }
    }
    emit_all(&shown, root, out);
    let hidden = diagnostics.len() - shown.len();
    let mut buffer = out.buffer();
    if hidden > 0 {
        let _ = writeln!(
            buffer,
            "by rule ({SHOWN_PER_RULE} of each shown; `errbook check` or `errbook build --verbose` lists all {}):",
            diagnostics.len()
        );
        for ((severity, rule), count) in &by_rule {
            let _ = writeln!(
                buffer,
                "  {:<8} {rule:<28} {count:>8}",
                severity.0.to_string()
            );
        }
    }
    out.print(&buffer);
    out.print(&summary_buffer(diagnostics, out));
}

/// Prints the diagnostics of one file held in memory (a config read from stdin, say), ordered
/// by position, then a summary line.
pub fn human_in_memory(diagnostics: &[Diagnostic], file: &SourceFile, out: &Out) {
    human_in_memory_files(diagnostics, std::slice::from_ref(file), out);
}

/// [`human_in_memory`] for diagnostics in several files held in memory (a config and the files
/// it includes); each diagnostic is shown with the file whose display path it names, the
/// first file when none does.
pub fn human_in_memory_files(diagnostics: &[Diagnostic], sources: &[SourceFile], out: &Out) {
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
    let mut buffer = out.buffer();
    for d in sorted(diagnostics) {
        let id = ids
            .iter()
            .find(|(path, _)| *path == d.file)
            .or(ids.first())
            .map_or(0, |(_, id)| *id);
        let _ = emit(d, &files, id, &config, &mut buffer);
    }
    out.print(&buffer);
    out.print(&summary_buffer(diagnostics, out));
}

fn sorted(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.par_sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });
    sorted
}

/// Renders `sorted` in parallel chunks, then writes the chunks in order.
fn emit_all(sorted: &[&Diagnostic], root: &Path, out: &Out) {
    let config = Config::default();
    let buffers: Vec<Buffer> = sorted
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut buffer = out.buffer();
            let mut files = SimpleFiles::new();
            let mut ids = std::collections::HashMap::new();
            for d in chunk {
                let id = *ids
                    .entry(d.file.as_str())
                    .or_insert_with(|| files.add(d.file.clone(), read_source(root, &d.file)));
                let _ = emit(d, &files, id, &config, &mut buffer);
            }
            buffer
        })
        .collect();
    for buffer in &buffers {
        out.print(buffer);
    }
}

/// A file's text as the diagnostics' spans see it. Only a regular file is read back: a pipe
/// named by a diagnostic would block.
fn read_source(root: &Path, file: &str) -> String {
    let path = root.join(file);
    std::fs::metadata(&path)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|_| std::fs::read(&path).ok())
        .map(|b| SourceFile::new(file, String::from_utf8_lossy(&b).into_owned()).text)
        .unwrap_or_default()
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

/// `error: 3 errors, 1 warning in 2 files`, or nothing when there are neither.
fn summary_buffer(diagnostics: &[Diagnostic], out: &Out) -> Buffer {
    let mut buffer = out.buffer();
    let Summary {
        errors,
        warnings,
        files,
    } = Summary::of(diagnostics);
    if errors + warnings > 0 {
        let _ = writeln!(
            buffer,
            "{}: {} in {} file{}",
            if errors > 0 { "error" } else { "warning" },
            counts(errors, warnings),
            files,
            if files == 1 { "" } else { "s" }
        );
    }
    buffer
}

fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(file: &str, rule: &'static str, line: usize) -> Diagnostic {
        let mut d = Diagnostic::file_error(rule, file, line, 1, format!("{rule} at line {line}"));
        d.severity = Severity::Warning;
        d
    }

    fn site() -> Vec<Diagnostic> {
        let mut diags: Vec<Diagnostic> = (1..=10)
            .rev()
            .map(|l| warning("a.md", "boilerplate", l))
            .collect();
        diags.push(warning("b.md", "stale-page", 1));
        diags.extend((1..=5).map(|l| Diagnostic::file_error("bad-url", "c.md", l, 1, "bad")));
        diags
    }

    #[test]
    fn the_build_summary_shows_every_error_a_few_of_each_rule_and_all_counts() {
        let out = Out::capture();
        build_summary(&site(), Path::new("/nonexistent"), &out, false);
        let text = out.captured();
        assert_eq!(text.matches("error[bad-url]").count(), 5, "{text}");
        for shown in 1..=3 {
            assert!(
                text.contains(&format!("boilerplate at line {shown}\n")),
                "{text}"
            );
        }
        assert!(!text.contains("boilerplate at line 4\n"), "{text}");
        assert!(text.contains("stale-page at line 1"), "{text}");
        assert!(
            text.contains("  warning  boilerplate                        10"),
            "{text}"
        );
        assert!(
            text.contains("  error    bad-url                             5"),
            "{text}"
        );
        assert!(
            text.ends_with("error: 5 errors, 11 warnings in 3 files\n"),
            "{text}"
        );
    }

    #[test]
    fn verbose_and_check_print_every_diagnostic_in_order() {
        let out = Out::capture();
        build_summary(&site(), Path::new("/nonexistent"), &out, true);
        let text = out.captured();
        let lines: Vec<usize> = (1..=10)
            .map(|l| text.find(&format!("boilerplate at line {l}\n")).unwrap())
            .collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(!text.contains("by rule"), "{text}");
    }
}
