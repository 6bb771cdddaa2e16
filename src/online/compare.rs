//! How a page's claims are compared with what a source says: evidence text with whitespace
//! and quoting normalized, titles compared loosely, dates across time zones.

use jiff::Timestamp;
use jiff::civil::Date;

/// Text as signatures are looked for in it: quotes of every kind made one, backslashes before
/// quotes dropped (a message quoted in source code or JSON), whitespace runs made one space,
/// lowercased.
pub fn evidence_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' if chars.peek().copied().is_some_and(is_quote) => continue,
            c if is_quote(c) => '\'',
            c if c.is_whitespace() => {
                if !space {
                    out.push(' ');
                    space = true;
                }
                continue;
            }
            c => c,
        };
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201A}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{00B4}'
    )
}

/// A title reduced to its words: lowercase letters and digits, one space between words.
/// Case, punctuation, quotes and markdown backticks do not count.
pub fn title_words(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Separators between a page's own title and the site's name in a `<title>`.
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " · ", " :: ", " » ", " • "];

/// Whether a source's `title` names a web page whose `<title>` or first `<h1>` is given:
/// equal as words, or equal to a run of the `<title>`'s parts between separators (the site
/// name before or after it dropped).
pub fn page_title_matches(claimed: &str, title: Option<&str>, heading: Option<&str>) -> bool {
    let claimed = title_words(claimed);
    if claimed.is_empty() {
        return true;
    }
    if heading.is_some_and(|h| title_words(h) == claimed) {
        return true;
    }
    let Some(title) = title else {
        return heading.is_none();
    };
    let mut parts = vec![title];
    for separator in TITLE_SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(separator)).collect();
    }
    // Every contiguous run of parts, joined back as words: "A | B | Site" offers "A",
    // "A B", "B", "B Site"... one of them must be the claimed title.
    let words: Vec<String> = parts.iter().map(|p| title_words(p)).collect();
    (0..words.len()).any(|start| {
        (start + 1..=words.len()).any(|end| {
            words[start..end]
                .iter()
                .filter(|w| !w.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
                == claimed
        })
    })
}

/// Whether an issue's title as GitHub has it equals the page's, as words.
pub fn issue_title_matches(claimed: &str, actual: &str) -> bool {
    title_words(claimed) == title_words(actual)
}

/// The calendar days an instant falls on somewhere on Earth (UTC−12 to UTC+14): the date an
/// author read next to an issue depends on their time zone.
pub fn possible_days(instant: Timestamp) -> (Date, Date) {
    let day = |offset_hours: i64| {
        instant
            .checked_add(jiff::SignedDuration::from_hours(offset_hours))
            .unwrap_or(instant)
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    };
    (day(-12), day(14))
}

/// Whether `date` is a day `instant` falls on in some time zone.
pub fn same_day(date: Date, instant: Timestamp) -> bool {
    let (first, last) = possible_days(instant);
    (first..=last).contains(&date)
}

/// `instant`'s date in UTC, as GitHub's API gives it.
pub fn utc_day(instant: Timestamp) -> Date {
    instant.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_text_normalizes_whitespace_quotes_and_case() {
        assert_eq!(
            evidence_text("  Error:\n\t“model”  \\\"x\\\"  `y` 'z' "),
            "error: 'model' 'x' 'y' 'z'"
        );
        assert_eq!(evidence_text("a\\nb"), "a\\nb");
    }

    #[test]
    fn page_titles_compare_without_site_names_case_or_punctuation() {
        let docs = Some("Fallbacks (Provider Failover) | liteLLM");
        assert!(page_title_matches(
            "Fallbacks (Provider Failover)",
            docs,
            None
        ));
        assert!(page_title_matches(
            "fallbacks: provider failover",
            docs,
            None
        ));
        assert!(page_title_matches(
            "Fallbacks (Provider Failover) - liteLLM",
            docs,
            None
        ));
        assert!(!page_title_matches("Provider budgets", docs, None));
        assert!(page_title_matches(
            "Releases",
            Some("Releases · BerriAI/litellm · GitHub"),
            None
        ));
        assert!(page_title_matches("Router", Some("Home"), Some("Router")));
        assert!(!page_title_matches("Router", None, Some("Home")));
    }

    #[test]
    fn issue_titles_ignore_markdown_and_spacing_only() {
        assert!(issue_title_matches(
            "[Bug]: `model_group_alias`ed model does not respect fallbacks",
            "[Bug]:  model_group_alias'ed model does not respect fallbacks"
        ));
        assert!(!issue_title_matches(
            "model does not respect fallbacks",
            "[Bug]: model does not respect fallbacks"
        ));
    }

    #[test]
    fn a_date_matches_the_days_of_every_time_zone() {
        let opened: Timestamp = "2025-04-25T03:00:00Z".parse().unwrap();
        assert!(same_day("2025-04-24".parse().unwrap(), opened));
        assert!(same_day("2025-04-25".parse().unwrap(), opened));
        assert!(!same_day("2025-04-26".parse().unwrap(), opened));
        assert!(!same_day("2025-04-23".parse().unwrap(), opened));
        let late: Timestamp = "2025-04-25T13:00:00Z".parse().unwrap();
        assert!(same_day("2025-04-26".parse().unwrap(), late));
    }
}
