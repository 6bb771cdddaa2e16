//! What a source URL points at (a GitHub issue, pull request or file, or any other page) and
//! the request that verifies it.

use url::Url;

use super::settings::OnlineSettings;

/// A GitHub repository and an issue or pull request number in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRef {
    pub owner: String,
    pub repo: String,
    pub number: u64,
}

impl IssueRef {
    /// The same repository and number, ignoring case (GitHub names are case-insensitive).
    pub fn same_as(&self, other: &IssueRef) -> bool {
        self.owner.eq_ignore_ascii_case(&other.owner)
            && self.repo.eq_ignore_ascii_case(&other.repo)
            && self.number == other.number
    }
}

impl std::fmt::Display for IssueRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}#{}", self.owner, self.repo, self.number)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `github.com/<owner>/<repo>/issues/<n>`, read through the REST API.
    Issue(IssueRef),
    /// `github.com/<owner>/<repo>/pull/<n>`, read through the REST API.
    Pull(IssueRef),
    /// `github.com/<owner>/<repo>/blob/<ref>/<path>`: the file's raw content. `path` is
    /// `<owner>/<repo>/<ref>/<path>`, as the raw host spells it.
    Blob { path: String },
    /// Any other page, fetched as it is.
    Page,
}

/// What the URL of a source points at.
pub fn classify(url: &Url) -> Target {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if host != "github.com" && host != "www.github.com" {
        return Target::Page;
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match segments.as_slice() {
        [owner, repo, kind @ ("issues" | "pull"), number, ..] => {
            let Ok(number) = number.parse::<u64>() else {
                return Target::Page;
            };
            let issue = IssueRef {
                owner: (*owner).to_string(),
                repo: (*repo).to_string(),
                number,
            };
            if *kind == "issues" {
                Target::Issue(issue)
            } else {
                Target::Pull(issue)
            }
        }
        [owner, repo, "blob", rest @ ..] if rest.len() >= 2 => Target::Blob {
            path: format!("{owner}/{repo}/{}", rest.join("/")),
        },
        _ => Target::Page,
    }
}

/// Reads `owner/repo#number` from the `html_url` GitHub gives an issue or pull request.
pub fn issue_of_html_url(html_url: &str) -> Option<IssueRef> {
    match classify(&Url::parse(html_url).ok()?) {
        Target::Issue(issue) | Target::Pull(issue) => Some(issue),
        _ => None,
    }
}

/// The URL errbook requests to verify a source.
pub fn request_url(target: &Target, url: &Url, settings: &OnlineSettings) -> String {
    let api = settings.github_api_url.trim_end_matches('/');
    match target {
        Target::Issue(i) => format!("{api}/repos/{}/{}/issues/{}", i.owner, i.repo, i.number),
        Target::Pull(i) => format!("{api}/repos/{}/{}/pulls/{}", i.owner, i.repo, i.number),
        Target::Blob { path } => {
            format!("{}/{path}", settings.github_raw_url.trim_end_matches('/'))
        }
        Target::Page => {
            let mut url = url.clone();
            url.set_fragment(None);
            url.to_string()
        }
    }
}

/// `scheme://host:port` of a URL: the unit that per-host limits apply to.
pub fn origin(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        classify(&Url::parse(url).unwrap())
    }

    #[test]
    fn github_urls_are_recognised() {
        let issue = IssueRef {
            owner: "BerriAI".into(),
            repo: "litellm".into(),
            number: 10317,
        };
        assert_eq!(
            target("https://github.com/BerriAI/litellm/issues/10317#issuecomment-1"),
            Target::Issue(issue.clone())
        );
        assert_eq!(
            target("https://github.com/BerriAI/litellm/pull/10317/files"),
            Target::Pull(issue)
        );
        assert_eq!(
            target("https://github.com/BerriAI/litellm/blob/main/litellm/router.py#L10"),
            Target::Blob {
                path: "BerriAI/litellm/main/litellm/router.py".into()
            }
        );
        for page in [
            "https://github.com/BerriAI/litellm/issues",
            "https://github.com/BerriAI/litellm/issues/new",
            "https://github.com/BerriAI/litellm/releases/tag/v1",
            "https://gitlab.com/a/b/issues/1",
            "https://docs.litellm.ai/docs/routing",
        ] {
            assert_eq!(target(page), Target::Page, "{page}");
        }
    }

    #[test]
    fn requests_go_to_the_configured_api() {
        let settings = OnlineSettings {
            github_api_url: "https://127.0.0.1:9/".into(),
            ..OnlineSettings::default()
        };
        let url = Url::parse("https://github.com/o/r/pull/5").unwrap();
        assert_eq!(
            request_url(&classify(&url), &url, &settings),
            "https://127.0.0.1:9/repos/o/r/pulls/5"
        );
        let page = Url::parse("https://docs.example.org/a#part").unwrap();
        assert_eq!(
            request_url(&Target::Page, &page, &settings),
            "https://docs.example.org/a"
        );
    }
}
