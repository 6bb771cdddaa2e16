//! `[check.online]` in errbook.toml: how `check --online` fetches sources, and its bounds.

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// How `errbook check --online` fetches sources. Every value has a default; out-of-range
/// values are `bad-config` errors located at their key.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OnlineSettings {
    /// A cached result younger than this is used without asking the server again; older ones
    /// are revalidated with `If-None-Match` / `If-Modified-Since`. 0 revalidates every time.
    pub max_age_hours: i64,
    /// Hosts never contacted: `example.org`, or `*.example.org` for it and its subdomains.
    pub skip_hosts: Vec<String>,
    /// Requests under way at once, over all hosts.
    pub concurrency: i64,
    /// Requests under way at once to one host (scheme, name and port).
    pub per_host_concurrency: i64,
    /// Requests a second started to one host; 0 sets no limit beyond `per_host_concurrency`.
    pub per_host_rate: f64,
    /// Requests under way at once to the GitHub API. GitHub asks integrations to make their
    /// requests serially to stay clear of its secondary rate limits.
    pub github_concurrency: i64,
    /// Time allowed for one request: connecting, TLS, and reading the whole answer.
    pub timeout_secs: i64,
    /// Further attempts after a timeout, a failed connection, a 5xx or a 429.
    pub retries: i64,
    /// The longest `Retry-After` errbook waits for; a longer one leaves the source unchecked.
    pub max_retry_wait_secs: i64,
    /// The GitHub REST API (GitHub Enterprise: `https://HOST/api/v3`; tests: a local server).
    pub github_api_url: String,
    /// Where the raw content of `github.com/<owner>/<repo>/blob/<ref>/<path>` is read.
    pub github_raw_url: String,
    /// A PEM file of certificate authorities trusted in addition to the built-in roots
    /// (Mozilla's), relative to the site's root.
    pub ca_file: Option<String>,
}

impl Default for OnlineSettings {
    fn default() -> Self {
        OnlineSettings {
            max_age_hours: 24,
            skip_hosts: Vec::new(),
            concurrency: 16,
            per_host_concurrency: 4,
            per_host_rate: 0.0,
            github_concurrency: 1,
            timeout_secs: 20,
            retries: 2,
            max_retry_wait_secs: 60,
            github_api_url: "https://api.github.com".into(),
            github_raw_url: "https://raw.githubusercontent.com".into(),
            ca_file: None,
        }
    }
}

impl OnlineSettings {
    /// Whether `host` is covered by `skip_hosts`.
    pub fn skips(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.skip_hosts.iter().any(|pattern| {
            let pattern = pattern.to_ascii_lowercase();
            match pattern.strip_prefix("*.") {
                Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
                None => host == pattern,
            }
        })
    }

    /// Reports every value out of its bounds.
    pub fn check(&self, file: &SourceFile, diags: &mut Vec<Diagnostic>) {
        let mut bad = |key: &str, message: String, help: &str| {
            diags.push(
                Diagnostic::error("bad-config", file, key_span(file, key), message).with_help(help),
            );
        };
        let ranges: [(&str, i64, i64, i64, &str); 7] = [
            (
                "max_age_hours",
                self.max_age_hours,
                0,
                24 * 365,
                "hours a cached result is used without asking again, e.g. 24 (0: always ask)",
            ),
            (
                "concurrency",
                self.concurrency,
                1,
                256,
                "requests under way at once, e.g. 16",
            ),
            (
                "per_host_concurrency",
                self.per_host_concurrency,
                1,
                64,
                "requests under way at once to one host, e.g. 4",
            ),
            (
                "github_concurrency",
                self.github_concurrency,
                1,
                64,
                "requests under way at once to the GitHub API, e.g. 1",
            ),
            (
                "timeout_secs",
                self.timeout_secs,
                1,
                600,
                "seconds allowed for one request, e.g. 20",
            ),
            (
                "retries",
                self.retries,
                0,
                10,
                "further attempts after a transient failure, e.g. 2",
            ),
            (
                "max_retry_wait_secs",
                self.max_retry_wait_secs,
                0,
                3600,
                "the longest Retry-After to wait for, in seconds, e.g. 60",
            ),
        ];
        for (key, value, min, max, help) in ranges {
            if !(min..=max).contains(&value) {
                bad(
                    key,
                    format!("`{key} = {value}` must be between {min} and {max}"),
                    help,
                );
            }
        }
        let rate = self.per_host_rate;
        if !(rate.is_finite() && (0.0..=10_000.0).contains(&rate)) {
            bad(
                "per_host_rate",
                format!("`per_host_rate = {rate}` must be between 0 and 10000"),
                "requests a second to one host, e.g. 5; 0 for no limit",
            );
        }
        for key in ["github_api_url", "github_raw_url"] {
            let value = if key == "github_api_url" {
                &self.github_api_url
            } else {
                &self.github_raw_url
            };
            let usable = url::Url::parse(value).is_ok_and(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host_str().is_some()
                    && u.query().is_none()
            });
            if !usable {
                bad(
                    key,
                    format!("`{key} = \"{value}\"` must be an absolute http(s) URL"),
                    "e.g. github_api_url = \"https://api.github.com\"",
                );
            }
        }
        for host in &self.skip_hosts {
            let name = host.strip_prefix("*.").unwrap_or(host);
            let plain = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !plain {
                bad(
                    "skip_hosts",
                    format!("`{host}` in `skip_hosts` is not a host name"),
                    "a host such as \"docs.example.org\", or \"*.example.org\" for its subdomains too; no scheme, port or path",
                );
            }
        }
        if self.ca_file.as_deref().is_some_and(|f| f.trim().is_empty()) {
            bad(
                "ca_file",
                "`ca_file` is empty".into(),
                "the path of a PEM file of extra certificate authorities, relative to the site",
            );
        }
    }
}

/// The span of `key` where it starts a line inside `[check.online]` (or anywhere, failing
/// that): keys such as `concurrency` are also the tail of longer keys.
fn key_span(file: &SourceFile, key: &str) -> std::ops::Range<usize> {
    let text = &file.text;
    let section = text.find("[check.online]").unwrap_or(0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_key = trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if start >= section && is_key {
            return start + indent..start + indent + key.len();
        }
    }
    match text.find(key) {
        Some(i) => i..i + key.len(),
        None => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_patterns_cover_subdomains_only_with_a_star() {
        let settings = OnlineSettings {
            skip_hosts: vec!["example.org".into(), "*.docs.test".into()],
            ..OnlineSettings::default()
        };
        assert!(settings.skips("EXAMPLE.org"));
        assert!(!settings.skips("www.example.org"));
        assert!(settings.skips("docs.test"));
        assert!(settings.skips("a.b.docs.test"));
        assert!(!settings.skips("notdocs.test"));
    }

    #[test]
    fn keys_are_located_at_the_start_of_their_line() {
        let file = SourceFile::new(
            "errbook.toml",
            "[check.online]\nper_host_concurrency = 1\nconcurrency = 0\n",
        );
        let mut diags = Vec::new();
        let settings = OnlineSettings {
            per_host_concurrency: 1,
            concurrency: 0,
            ..OnlineSettings::default()
        };
        settings.check(&file, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].column), (3, 1));
    }
}
