//! `signature-without-evidence`: every literal signature, and every `example:` of a regex
//! signature, must occur in the text of a source the page cites, so that signatures quote what
//! the program prints rather than describe it.

use std::ops::Range;

use super::compare::evidence_text;
use crate::content::{Page, Signature};

/// A text the page says the program prints.
pub struct Claim {
    pub text: String,
    /// An `example:` of a regex signature, rather than a literal signature.
    pub example: bool,
    pub span: Range<usize>,
    normalized: String,
}

/// What a page's sources say, as far as they could be read.
pub struct SourceText<'a> {
    pub id: &'a str,
    /// Normalized texts (body, comments...).
    pub texts: Vec<&'a str>,
    /// Whether all of the source's text was read; if not, a claim not found may be in the rest.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Found in these sources (ids).
    Found(Vec<String>),
    /// Every source was read whole; it is in none.
    NotFound,
    /// Not found in what was read, but a source could not be read whole.
    Unknown,
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Found(_) => "found",
            Status::NotFound => "not-found",
            Status::Unknown => "unknown",
        }
    }
}

/// The page's claims: its literal signatures, and every `example:` of its regex signatures
/// (each located at its own text).
pub fn claims(page: &Page) -> Vec<Claim> {
    page.front
        .signatures
        .iter()
        .flat_map(|s| match &s.value {
            Signature::Literal(text) => vec![claim(text, s.span.clone(), false)],
            Signature::Regex { examples, .. } => examples
                .iter()
                .map(|e| claim(&e.value, e.span.clone(), true))
                .collect(),
        })
        .filter(|c| !c.normalized.is_empty())
        .collect()
}

fn claim(text: &str, span: Range<usize>, example: bool) -> Claim {
    Claim {
        text: text.to_string(),
        example,
        span,
        normalized: evidence_text(text),
    }
}

/// Whether the claim is found in what was read of the sources.
pub fn find(claim: &Claim, sources: &[SourceText]) -> Status {
    let found: Vec<String> = sources
        .iter()
        .filter(|s| s.texts.iter().any(|t| t.contains(&claim.normalized)))
        .map(|s| s.id.to_string())
        .collect();
    if !found.is_empty() {
        Status::Found(found)
    } else if sources.iter().all(|s| s.complete) {
        Status::NotFound
    } else {
        Status::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_not_found_and_unknown() {
        let claim = claim("RateLimitError: \"quota\"  exceeded", 0..1, false);
        let a = evidence_text("log:\nRateLimitError: 'quota' exceeded for key");
        let b = evidence_text("nothing here");
        let read = |complete_b| {
            vec![
                SourceText {
                    id: "a",
                    texts: vec![a.as_str()],
                    complete: true,
                },
                SourceText {
                    id: "b",
                    texts: vec![b.as_str()],
                    complete: complete_b,
                },
            ]
        };
        assert_eq!(find(&claim, &read(true)), Status::Found(vec!["a".into()]));
        let other = super::claim("something else", 0..1, true);
        assert_eq!(find(&other, &read(true)), Status::NotFound);
        assert_eq!(find(&other, &read(false)), Status::Unknown);
    }
}
