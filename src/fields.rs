//! The field tables of a page's front matter and of `errbook.toml`: each key's name, type,
//! whether it is required, and what it means. The loaders take their known keys from here and
//! `errbook schema` generates its JSON Schemas from here, so the two cannot drift apart.

/// One key of a front-matter mapping or a TOML table.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub description: &'static str,
}

/// What a key's value must be, as the loader reads it.
#[derive(Debug)]
pub enum Kind {
    /// Front-matter text that is not blank; a bare number is read as its text.
    Text,
    /// A TOML string.
    String,
    /// Lowercase kebab-case: a-z, 0-9 and single inner hyphens.
    Slug,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    Bool,
    /// An absolute http(s) URL.
    HttpUrl,
    /// An http(s) URL with a host and no query, such as an API's base URL.
    ServiceUrl,
    /// A TOML string that is not blank.
    NonBlank,
    /// A host name, or `*.` and a domain.
    HostPattern,
    /// A whole number from `min` to `max` (`i64::MAX`: no upper bound).
    Integer {
        min: i64,
        max: i64,
    },
    /// A number from `min` to `max`.
    Number {
        min: f64,
        max: f64,
    },
    /// A number above 0 and at most 1.
    Fraction,
    /// One of a fixed set of words (taken from the code that accepts them).
    Choice(fn() -> Vec<&'static str>),
    /// A list of at least `min` items.
    List {
        item: &'static Kind,
        min: usize,
    },
    /// A mapping with exactly these keys.
    Table(&'static [Field]),
    /// Any of these shapes.
    Either(&'static [Kind]),
    /// A mapping whose keys are the `keys` words, each with a value of `value`.
    Map {
        keys: fn() -> Vec<(&'static str, &'static str)>,
        value: &'static Kind,
    },
}

const fn field(name: &'static str, kind: Kind, required: bool, description: &'static str) -> Field {
    Field {
        name,
        kind,
        required,
        description,
    }
}

/// The names of a table's fields, for "known keys" and "did you mean" help.
pub fn names(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

pub fn find<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.name == name)
}

// ---- Page front matter ----

pub const TITLE: Field = field(
    "title",
    Kind::Text,
    true,
    "What goes wrong, in the words a reader would search for.",
);
pub const TOOL: Field = field(
    "tool",
    Kind::Text,
    true,
    "The tool the error comes from; equal to the page's directory under content/.",
);
pub const CATEGORY: Field = field(
    "category",
    Kind::Text,
    true,
    "A category id declared under [[categories]] in errbook.toml.",
);
pub const SIGNATURES: Field = field(
    "signatures",
    Kind::List {
        item: &Kind::Either(&[
            Kind::Text,
            Kind::Table(REGEX_SIGNATURE),
            Kind::Table(LITERAL_SIGNATURE),
        ]),
        min: 1,
    },
    true,
    "What identifies the error in a log: strings matched literally, {regex: '...'} where \
     numbers or names vary (with `example:`, real messages it must match), or \
     {literal: '...'}.",
);
pub const SUMMARY: Field = field(
    "summary",
    Kind::Text,
    true,
    "One or two sentences: what the error means.",
);
pub const QUICK_FIX: Field = field("quick_fix", Kind::Text, true, "The one thing to try first.");
pub const UPDATED: Field = field(
    "updated",
    Kind::Date,
    true,
    "When the page was last reviewed, YYYY-MM-DD.",
);
pub const VALIDATOR: Field = field(
    "validator",
    Kind::Text,
    false,
    "A config validator id (see `errbook validate`); embeds that checker in the page.",
);
pub const SOURCES: Field = field(
    "sources",
    Kind::List {
        item: &Kind::Table(SOURCE),
        min: 0,
    },
    true,
    "The evidence; the body cites each source as [@id].",
);
pub const RELATED: Field = field(
    "related",
    Kind::List {
        item: &Kind::Text,
        min: 0,
    },
    false,
    "Slugs (or tool/slug) of related pages; links are shown both ways.",
);
pub const DRAFT: Field = field(
    "draft",
    Kind::Bool,
    false,
    "true keeps the page out of `errbook build`, `check` and search (shown by `errbook serve`; \
     `build --drafts` includes it).",
);

pub const PAGE: &[Field] = &[
    TITLE, TOOL, CATEGORY, SIGNATURES, SUMMARY, QUICK_FIX, UPDATED, VALIDATOR, SOURCES, RELATED,
    DRAFT,
];

pub const REGEX: Field = field(
    "regex",
    Kind::Text,
    true,
    "A Rust regular expression that matches the error text.",
);
pub const LITERAL: Field = field(
    "literal",
    Kind::Text,
    true,
    "Error text matched as written.",
);

pub const EXAMPLE: Field = field(
    "example",
    Kind::Either(&[
        Kind::Text,
        Kind::List {
            item: &Kind::Text,
            min: 1,
        },
    ]),
    false,
    "A real message the regex must match (signature-example-mismatch checks it), or a list \
     of them.",
);

pub const REGEX_SIGNATURE: &[Field] = &[REGEX, EXAMPLE];
pub const LITERAL_SIGNATURE: &[Field] = &[LITERAL];

pub const SOURCE_ID: Field = field(
    "id",
    Kind::Text,
    true,
    "A short id, unique on the page, cited in the body as [@id].",
);
pub const SOURCE_URL: Field = field(
    "url",
    Kind::Text,
    false,
    "Where the source can be read: an absolute http(s) URL (the source-without-url and \
     bad-url rules report a missing or malformed one); for `kind: capture`, the site-relative \
     path of the captured file under static/, e.g. /captures/litellm/run.log (missing-capture \
     reports one that does not exist).",
);
pub const SOURCE_TITLE: Field = field(
    "title",
    Kind::Text,
    true,
    "The real title of the issue, pull request or page; for a capture, what was run.",
);
pub const SOURCE_DATE: Field = field(
    "date",
    Kind::Date,
    false,
    "When it was published or opened (a capture: when it was captured), YYYY-MM-DD.",
);
pub const SOURCE_KIND: Field = field(
    "kind",
    Kind::Choice(source_kinds),
    true,
    "What sort of source it is; `capture` is the program's output from a reproducible run, \
     published with the site.",
);

pub const SOURCE: &[Field] = &[
    SOURCE_ID,
    SOURCE_URL,
    SOURCE_TITLE,
    SOURCE_DATE,
    SOURCE_KIND,
];

fn source_kinds() -> Vec<&'static str> {
    crate::content::page::SourceKind::NAMES.to_vec()
}

// ---- errbook.toml ----

pub const CONFIG: &[Field] = &[
    field("title", Kind::String, true, "The site's name."),
    field(
        "base_url",
        Kind::HttpUrl,
        true,
        "The absolute http(s) URL the site is published at; canonical URLs, the sitemap and \
         the feed use it (`build --base-url` overrides it).",
    ),
    field(
        "description",
        Kind::String,
        false,
        "What the site covers; the home page and feed show it.",
    ),
    field(
        "language",
        Kind::String,
        false,
        "The language of the pages, e.g. \"en\" (the default).",
    ),
    field(
        "categories",
        Kind::List {
            item: &Kind::Table(CATEGORY_FIELDS),
            min: 0,
        },
        false,
        "The categories pages are filed under.",
    ),
    field(
        "output_dir",
        Kind::String,
        false,
        "Where `build` writes the site, a subdirectory of the site (default \"public\"); \
         `build --output-dir` overrides it.",
    ),
    field(
        "validator_endpoint",
        Kind::HttpUrl,
        false,
        "Where the published site's validator widget posts configs, e.g. \
         https://validate.example.org/api/validate.",
    ),
    field(
        "lints",
        Kind::Map {
            keys: configurable_rules,
            value: &Kind::Choice(levels),
        },
        false,
        "Rule levels: rule-id = \"error\" | \"warning\" | \"info\" | \"allow\".",
    ),
    field(
        "check",
        Kind::Table(CHECK_FIELDS),
        false,
        "Thresholds of the quality and evidence rules.",
    ),
];

pub const CATEGORY_FIELDS: &[Field] = &[
    field(
        "id",
        Kind::Slug,
        true,
        "Lowercase kebab-case, unique; pages name it in `category:`.",
    ),
    field("name", Kind::String, true, "What readers see."),
    field(
        "description",
        Kind::String,
        false,
        "One sentence on what the category holds.",
    ),
];

pub const CHECK_FIELDS: &[Field] = &[
    field(
        "stale_after_days",
        Kind::Integer {
            min: 1,
            max: i64::MAX,
        },
        false,
        "stale-page reports pages not updated for longer than this many days (default 365).",
    ),
    field(
        "boilerplate_pages",
        Kind::Integer {
            min: 2,
            max: i64::MAX,
        },
        false,
        "boilerplate reports a paragraph found on at least this many pages (default 3).",
    ),
    field(
        "near_duplicate_similarity",
        Kind::Fraction,
        false,
        "near-duplicate-text reports two paragraphs of a page whose word pairs overlap at \
         least this much (default 0.7).",
    ),
    field(
        "online",
        Kind::Table(ONLINE_FIELDS),
        false,
        "How `check --online` fetches sources.",
    ),
];

const fn count(min: i64, max: i64) -> Kind {
    Kind::Integer { min, max }
}

/// `[check.online]` (see `crate::online::settings`, which checks the same bounds).
pub const ONLINE_FIELDS: &[Field] = &[
    field(
        "max_age_hours",
        count(0, 24 * 365),
        false,
        "A cached result younger than this is used without asking again (default 24; 0 asks \
         every time).",
    ),
    field(
        "skip_hosts",
        Kind::List {
            item: &Kind::HostPattern,
            min: 0,
        },
        false,
        "Hosts never contacted: \"docs.example.org\", or \"*.example.org\" for it and its \
         subdomains.",
    ),
    field(
        "concurrency",
        count(1, 256),
        false,
        "Requests under way at once, over all hosts (default 16).",
    ),
    field(
        "per_host_concurrency",
        count(1, 64),
        false,
        "Requests under way at once to one host (default 4).",
    ),
    field(
        "per_host_rate",
        Kind::Number {
            min: 0.0,
            max: 10_000.0,
        },
        false,
        "Requests a second started to one host; 0 (the default) sets no limit.",
    ),
    field(
        "github_concurrency",
        count(1, 64),
        false,
        "Requests under way at once to the GitHub API (default 1).",
    ),
    field(
        "timeout_secs",
        count(1, 600),
        false,
        "Seconds allowed for one request (default 20).",
    ),
    field(
        "retries",
        count(0, 10),
        false,
        "Further attempts after a timeout, a failed connection, a 5xx or a 429 (default 2).",
    ),
    field(
        "max_retry_wait_secs",
        count(0, 3600),
        false,
        "The longest Retry-After waited for, in seconds (default 60).",
    ),
    field(
        "github_api_url",
        Kind::ServiceUrl,
        false,
        "The GitHub REST API (default https://api.github.com; GitHub Enterprise: \
         https://HOST/api/v3).",
    ),
    field(
        "github_raw_url",
        Kind::ServiceUrl,
        false,
        "Where raw file contents of github.com are read (default \
         https://raw.githubusercontent.com).",
    ),
    field(
        "ca_file",
        Kind::NonBlank,
        false,
        "A PEM file of extra certificate authorities, relative to the site.",
    ),
];

fn configurable_rules() -> Vec<(&'static str, &'static str)> {
    crate::check::rules::RULES
        .iter()
        .filter(|r| r.configurable)
        .map(|r| (r.id, r.summary))
        .collect()
}

fn levels() -> Vec<&'static str> {
    crate::check::rules::Level::NAMES.to_vec()
}
