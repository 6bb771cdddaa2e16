//! Machine-readable check reports: JSON (errbook's schema), SARIF 2.1.0 (code scanning) and
//! GitHub Actions workflow annotations.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::check::rules::{Level, RULES};
use crate::diagnostic::{Diagnostic, Severity, Summary};

/// `{"diagnostics": [...], "summary": {"errors", "warnings", "files", "checked"}}`; `files`
/// counts the files with diagnostics, `checked` the pages checked.
pub fn json(diagnostics: &[Diagnostic], checked: usize) -> String {
    let mut out = Vec::new();
    let _ = write_json(&mut out, diagnostics, checked);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes [`json`]'s report to `out` as it is serialized, without building it in memory
/// first: a large site has tens of thousands of diagnostics.
pub fn write_json(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    checked: usize,
) -> io::Result<()> {
    write_json_with(out, diagnostics, checked, None)
}

/// [`write_json`] with `online`: what `check --online` found of each source and signature.
pub fn write_json_with(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    checked: usize,
    online: Option<&crate::online::Report>,
) -> io::Result<()> {
    let Summary {
        errors,
        warnings,
        files,
    } = Summary::of(diagnostics);
    let report = JsonReport {
        diagnostics: JsonDiagnostics(diagnostics),
        online,
        summary: JsonSummary {
            checked,
            errors,
            files,
            warnings,
        },
    };
    serde_json::to_writer_pretty(out, &report).map_err(io::Error::other)
}

// The report's keys are in alphabetical order, as in the first versions of the format.
#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: JsonDiagnostics<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    online: Option<&'a crate::online::Report>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    checked: usize,
    errors: usize,
    files: usize,
    warnings: usize,
}

struct JsonDiagnostics<'a>(&'a [Diagnostic]);

impl Serialize for JsonDiagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| JsonDiagnostic {
            column: d.column,
            file: &d.file,
            help: d.help.as_deref(),
            line: d.line,
            message: &d.message,
            rule: d.rule,
            severity: d.severity,
        }))
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    column: usize,
    file: &'a str,
    help: Option<&'a str>,
    line: usize,
    message: &'a str,
    rule: &'a str,
    severity: Severity,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF 2.1.0 log with one run, every rule described, every result located.
pub fn sarif(diagnostics: &[Diagnostic]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let level = match r.default {
                Level::Allow => "none",
                Level::Report(s) => sarif_level(s),
            };
            json!({"id": r.id, "name": r.id, "shortDescription": {"text": r.summary}, "defaultConfiguration": {"level": level}})
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.rule,
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.file},
                    "region": {"startLine": d.line, "startColumn": d.column},
                }}],
            });
            if let Some(index) = RULES.iter().position(|r| r.id == d.rule) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "errbook",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// One `::error file=…,line=…,col=…,title=…::message` line per diagnostic.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            property(&d.file),
            d.line,
            d.column,
            property(d.rule),
            data(&message)
        ));
    }
    out
}

/// Escaping of workflow command data, as the Actions toolkit does it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag() -> Diagnostic {
        Diagnostic::file_error(
            "unused-source",
            "content/a/b.md",
            3,
            5,
            "source `x` is never cited, 100%",
        )
        .with_help("cite it")
    }

    #[test]
    fn github_lines_are_escaped() {
        assert_eq!(
            github(&[diag()]),
            "::error file=content/a/b.md,line=3,col=5,title=unused-source::source `x` is never cited, 100%25%0Ahelp: cite it\n"
        );
    }

    #[test]
    fn sarif_is_2_1_0_with_located_results() {
        let log: Value = serde_json::from_str(&sarif(&[diag()])).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "unused-source");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            "unused-source"
        );
    }

    #[test]
    fn json_has_the_documented_shape() {
        let value: Value = serde_json::from_str(&json(&[diag()], 7)).unwrap();
        let d = &value["diagnostics"][0];
        for key in [
            "file", "line", "column", "rule", "severity", "message", "help",
        ] {
            assert!(d.get(key).is_some(), "{key}");
        }
        assert_eq!(
            value["summary"],
            json!({"errors": 1, "warnings": 0, "files": 1, "checked": 7})
        );
    }

    #[test]
    fn json_is_pretty_with_sorted_keys_and_null_help() {
        let no_help = Diagnostic::file_error("invalid-utf8", "content/a/c.md", 1, 2, "bad");
        let expected = serde_json::to_string_pretty(&json!({
            "diagnostics": [diag(), no_help.clone()],
            "summary": {"errors": 2, "warnings": 0, "files": 2, "checked": 3},
        }))
        .unwrap();
        assert_eq!(json(&[diag(), no_help], 3), expected);
        assert!(expected.contains("\"help\": null"));
        assert_eq!(
            json(&[], 0),
            "{\n  \"diagnostics\": [],\n  \"summary\": {\n    \"checked\": 0,\n    \"errors\": 0,\n    \"files\": 0,\n    \"warnings\": 0\n  }\n}"
        );
    }
}
