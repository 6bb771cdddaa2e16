//! `broken-example`: fenced examples marked `validate=<id> expect=<rule|ok>` must give that
//! result. This is the hook the config validators plug into; until one is registered, an
//! example naming a validator is reported, never silently passed.

use crate::check::Context;
use crate::content::Page;
use crate::diagnostic::Diagnostic;

/// Ids of the validators compiled into this binary.
pub const VALIDATORS: &[&str] = &[];

pub fn check_page(page: &Page, cx: &Context, out: &mut Vec<Diagnostic>) {
    for example in &page.body.examples {
        if !VALIDATORS.contains(&example.validator.as_str()) {
            out.push(
                cx.report(
                    "broken-example",
                    page,
                    example.span.clone(),
                    format!(
                        "no validator `{}` to verify this example",
                        example.validator
                    ),
                )
                .with_help("remove `validate=` or name a validator that errbook has"),
            );
        } else if example.expect.is_none() {
            out.push(cx.report(
                "broken-example",
                page,
                example.span.clone(),
                "a verified example needs `expect=<rule-id>` or `expect=ok`",
            ));
        }
    }
}
