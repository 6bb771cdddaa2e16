//! What the GitHub REST API says about an issue or pull request, and about its comments.

use serde::{Deserialize, Serialize};

/// The state a page's readers care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Open,
    Closed,
    Merged,
    ClosedUnmerged,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::Merged => "merged",
            State::ClosedUnmerged => "closed-unmerged",
        }
    }

    /// What readers see next to a source.
    pub fn label(self) -> &'static str {
        match self {
            State::Open => "Open",
            State::Closed => "Closed",
            State::Merged => "Merged",
            State::ClosedUnmerged => "Closed without merging",
        }
    }
}

/// The facts of an issue or pull request that a page's source is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub title: String,
    pub html_url: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub closed_at: Option<String>,
    pub merged_at: Option<String>,
    pub state: State,
    /// `completed`, `not_planned`, `duplicate`... for closed issues.
    pub state_reason: Option<String>,
    pub is_pull: bool,
    pub comments: u64,
    pub comments_url: Option<String>,
}

#[derive(Deserialize)]
struct ApiIssue {
    title: String,
    html_url: String,
    created_at: String,
    closed_at: Option<String>,
    state: String,
    #[serde(default)]
    state_reason: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    comments: Option<u64>,
    #[serde(default)]
    comments_url: Option<String>,
    /// Pull requests: whether and when they were merged.
    #[serde(default)]
    merged: Option<bool>,
    #[serde(default)]
    merged_at: Option<String>,
    /// The issues endpoint marks pull requests with this object.
    #[serde(default)]
    pull_request: Option<ApiPullMarker>,
}

#[derive(Deserialize)]
struct ApiPullMarker {
    #[serde(default)]
    merged_at: Option<String>,
}

#[derive(Deserialize)]
struct ApiComment {
    #[serde(default)]
    body: Option<String>,
}

/// Reads the JSON of `GET /repos/{owner}/{repo}/issues/{n}` or `/pulls/{n}`: its facts and
/// its body.
pub fn read_issue(json: &str) -> Result<(Facts, String), String> {
    let issue: ApiIssue =
        serde_json::from_str(json).map_err(|e| format!("the API answered unexpected JSON: {e}"))?;
    let is_pull = issue.merged.is_some() || issue.pull_request.is_some();
    let merged_at = issue
        .merged_at
        .or_else(|| issue.pull_request.and_then(|p| p.merged_at));
    let state = match (issue.state.as_str(), is_pull) {
        ("open", _) => State::Open,
        (_, true) if merged_at.is_some() || issue.merged == Some(true) => State::Merged,
        (_, true) => State::ClosedUnmerged,
        _ => State::Closed,
    };
    let facts = Facts {
        title: issue.title,
        html_url: issue.html_url,
        created_at: issue.created_at,
        closed_at: issue.closed_at,
        merged_at,
        state,
        state_reason: issue.state_reason,
        is_pull,
        comments: issue.comments.unwrap_or(0),
        comments_url: issue.comments_url,
    };
    Ok((facts, issue.body.unwrap_or_default()))
}

/// The bodies of a page of `GET .../comments`, one after the other.
pub fn read_comments(json: &str) -> Result<String, String> {
    let comments: Vec<ApiComment> =
        serde_json::from_str(json).map_err(|e| format!("the API answered unexpected JSON: {e}"))?;
    Ok(comments
        .into_iter()
        .filter_map(|c| c.body)
        .collect::<Vec<_>>()
        .join("\n\n"))
}

/// The `rel="next"` URL of a `Link` header, as GitHub paginates.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_of_issues_and_pull_requests() {
        let issue = r#"{"title":"t","html_url":"https://github.com/o/r/issues/1","created_at":"2025-01-02T03:04:05Z","closed_at":null,"state":"open","body":"b","comments":2,"comments_url":"https://api.github.com/repos/o/r/issues/1/comments"}"#;
        let (facts, body) = read_issue(issue).unwrap();
        assert_eq!(
            (facts.state, facts.is_pull, body.as_str()),
            (State::Open, false, "b")
        );
        let merged = r#"{"title":"t","html_url":"h","created_at":"c","closed_at":"d","state":"closed","merged":true,"merged_at":"d","body":null}"#;
        assert_eq!(read_issue(merged).unwrap().0.state, State::Merged);
        let unmerged = r#"{"title":"t","html_url":"h","created_at":"c","closed_at":"d","state":"closed","merged":false,"merged_at":null}"#;
        assert_eq!(read_issue(unmerged).unwrap().0.state, State::ClosedUnmerged);
        let pull_as_issue = r#"{"title":"t","html_url":"h","created_at":"c","closed_at":"d","state":"closed","pull_request":{"merged_at":"d"}}"#;
        assert_eq!(read_issue(pull_as_issue).unwrap().0.state, State::Merged);
        let closed = r#"{"title":"t","html_url":"h","created_at":"c","closed_at":"d","state":"closed","state_reason":"not_planned"}"#;
        assert_eq!(read_issue(closed).unwrap().0.state, State::Closed);
        assert!(read_issue("[]").is_err());
    }

    #[test]
    fn comments_and_pagination() {
        assert_eq!(
            read_comments(r#"[{"body":"a"},{"body":null},{"body":"b"}]"#).unwrap(),
            "a\n\nb"
        );
        let link = r#"<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/x?page=2")
        );
        assert_eq!(next_link(r#"<https://a/x?page=1>; rel="prev""#), None);
    }
}
