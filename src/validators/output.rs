//! Validator findings for people and programs: the `validate --format json` document and the
//! conversion to located diagnostics for the rustc-style report.

use serde::Serialize;

use super::Finding;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// `{"diagnostics": [{"rule", "severity", "message", "line", "column", "help", "url"}]}`, the
/// shape shared by `errbook validate --format json` and `POST /api/validate/<id>`.
pub fn json(findings: &[Finding]) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        diagnostics: &'a [Finding],
    }
    serde_json::to_string_pretty(&Document {
        diagnostics: findings,
    })
    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The findings as diagnostics on `file`, each spanning the value it points at (to the end of
/// its token on that line), so the report can underline it. The page URL goes into the help.
pub fn diagnostics(findings: &[Finding], file: &SourceFile) -> Vec<Diagnostic> {
    diagnostics_in(findings, std::slice::from_ref(file))
}

/// [`diagnostics`] for findings in a config and the files it includes: `files[0]` is the
/// config, the others are found by the name a finding's `file` gives.
pub fn diagnostics_in(findings: &[Finding], files: &[SourceFile]) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|f| {
            let see = f.page.as_deref().unwrap_or(&f.url);
            let help = match &f.help {
                Some(help) => format!("{help}\nsee {see}"),
                None => format!("see {see}"),
            };
            let file = match &f.file {
                None => files.first(),
                Some(name) => files.iter().find(|s| s.display_path() == *name),
            };
            let Some(file) = file else {
                // A file that could not be read back: the position alone, never a lost finding.
                let name = f.file.clone().unwrap_or_default();
                let mut d =
                    Diagnostic::file_error(f.rule, &name, f.line, f.column, f.message.clone());
                d.severity = f.severity;
                return d.with_help(help);
            };
            let start = file.offset_of(f.line, f.column.saturating_sub(1));
            let line_end = file.line_range(f.line).end.max(start);
            let rest = file.text.get(start..line_end).unwrap_or_default();
            // The caret underlines one token: up to a separator, and at most 80 characters.
            let token = rest
                .char_indices()
                .take(80)
                .find(|&(_, c)| c.is_whitespace() || matches!(c, ',' | ']' | '}' | ':'))
                .map_or_else(
                    || rest.char_indices().nth(80).map_or(rest.len(), |(i, _)| i),
                    |(i, _)| i,
                );
            let end = start + token.max(rest.chars().next().map_or(0, char::len_utf8));
            Diagnostic::at(f.severity, f.rule, file, start..end, f.message.clone()).with_help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn sample() -> Finding {
        Finding {
            rule: "invalid-routing-strategy",
            severity: Severity::Error,
            message: "m".into(),
            line: 2,
            column: 21,
            help: Some("h".into()),
            url: "/validators/litellm-proxy/#invalid-routing-strategy".into(),
            page: Some("/litellm/invalid-routing-strategy/".into()),
            file: None,
            refused: false,
        }
    }

    #[test]
    fn json_has_the_documented_fields_in_order() {
        let text = json(&[sample()]);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let d = &value["diagnostics"][0];
        assert_eq!(d["rule"], "invalid-routing-strategy");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 2);
        assert_eq!(d["column"], 21);
        assert_eq!(
            d["url"],
            "/validators/litellm-proxy/#invalid-routing-strategy"
        );
        assert_eq!(d["page"], "/litellm/invalid-routing-strategy/");
        assert!(d.get("file").is_none());
        let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
        let keys = [
            "rule", "severity", "message", "line", "column", "help", "url",
        ];
        assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "{text}");
    }

    #[test]
    fn diagnostics_span_the_offending_token() {
        let file = SourceFile::new(
            "c.yaml",
            "router_settings:\n  routing_strategy: simple_shuffle\n",
        );
        let d = &diagnostics(&[sample()], &file)[0];
        assert_eq!(&file.text[d.span.clone().unwrap()], "simple_shuffle");
        assert_eq!((d.line, d.column), (2, 21));
    }
}
