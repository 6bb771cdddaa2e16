//! `broken-example`: fenced examples marked `validate=<id> expect=<rule|ok>` must give that
//! result when the named validator from the registry runs on them.

use crate::check::Context;
use crate::content::Page;
use crate::diagnostic::Diagnostic;
use crate::validators::{self, Finding};

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    for example in &page.body.examples {
        let report =
            |message: String| cx.report("broken-example", page, example.span.clone(), message);
        let Some(validator) = validators::find(&example.validator) else {
            let ids: Vec<&str> = validators::ids().collect();
            let help = match crate::diagnostic::did_you_mean(&example.validator, &ids) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "remove `validate=` or name a validator that errbook has".into(),
            };
            out.push(
                report(format!(
                    "no validator `{}` to verify this example",
                    example.validator
                ))
                .with_help(help),
            );
            continue;
        };
        let Some(expect) = example.expect.as_deref() else {
            out.push(report(
                "a verified example needs `expect=<rule-id>` or `expect=ok`".into(),
            ));
            continue;
        };
        if expect != "ok" && !validator.rules().iter().any(|r| r.id == expect) {
            let ids: Vec<&str> = validator.rules().iter().map(|r| r.id).collect();
            let mut d = report(format!(
                "`{expect}` is not a rule of the `{}` validator",
                validator.id()
            ));
            if let Some(close) = crate::diagnostic::did_you_mean(expect, &ids) {
                d = d.with_help(format!("did you mean `{close}`?"));
            }
            out.push(d);
            continue;
        }
        let findings = validator.validate(&example.code);
        if validators::meets_expectation(&findings, expect) {
            continue;
        }
        let message = if expect == "ok" {
            format!(
                "expected no error or warning from `{}`, but it found: {}",
                validator.id(),
                describe(
                    findings
                        .iter()
                        .filter(|f| f.severity != crate::Severity::Info)
                )
            )
        } else if findings.is_empty() {
            format!(
                "expected `{expect}` from `{}`, but it found nothing",
                validator.id()
            )
        } else {
            format!(
                "expected `{expect}` from `{}`, but it found: {}",
                validator.id(),
                describe(findings.iter())
            )
        };
        out.push(report(message).with_help(
            "fix the example, or its `expect=`, so that the validator's result matches",
        ));
    }
}

/// `rule (line L of the example): message; ...`, at most three, for the diagnostic.
fn describe<'a>(findings: impl Iterator<Item = &'a Finding>) -> String {
    let all: Vec<&Finding> = findings.collect();
    let mut parts: Vec<String> = all
        .iter()
        .take(3)
        .map(|f| {
            format!(
                "{} {} (line {} of the example): {}",
                f.severity, f.rule, f.line, f.message
            )
        })
        .collect();
    if all.len() > 3 {
        parts.push(format!("and {} more", all.len() - 3));
    }
    parts.join("; ")
}
