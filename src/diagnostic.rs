//! The one diagnostic type every stage reports, located at file:line:col.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::source::SourceFile;

/// How bad a diagnostic is. Error-level diagnostics fail `build` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Stable kebab-case rule id, e.g. `yaml-syntax`.
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Byte range in the file, for the caret under the source line.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

impl Diagnostic {
    /// An error at a byte range of a source file.
    pub fn error(
        rule: &'static str,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Error, rule, file, span, message)
    }

    pub fn at(
        severity: Severity,
        rule: &'static str,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = file.line_col(span.start);
        Diagnostic {
            file: file.display_path(),
            line,
            column,
            rule,
            severity,
            message: message.into(),
            help: None,
            span: Some(span),
        }
    }

    /// An error about a whole file that has no usable text (unreadable, not UTF-8, ...).
    pub fn file_error(
        rule: &'static str,
        path: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: path.to_string(),
            line,
            column,
            rule,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            span: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Orders diagnostics by file, then position, so output is stable.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
        });
    }
}

impl fmt::Display for Diagnostic {
    /// The one-line form: `path:line:col: severity[rule]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file, self.line, self.column, self.severity, self.rule, self.message
        )
    }
}

/// How many errors and warnings a run found, in how many files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Files with at least one diagnostic.
    pub files: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Summary {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        let files: std::collections::BTreeSet<&str> =
            diagnostics.iter().map(|d| d.file.as_str()).collect();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            files: files.len(),
        }
    }
}

/// "Did you mean" for a misspelt name, when one candidate is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["title", "summary", "quick_fix"];
        assert_eq!(did_you_mean("titel", &keys), Some("title"));
        assert_eq!(did_you_mean("quickfix", &keys), Some("quick_fix"));
        assert_eq!(did_you_mean("zzz", &keys), None);
    }
}
