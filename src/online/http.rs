//! The HTTP client of `check --online`: one GET with redirects followed hop by hop (so a
//! permanent move is seen), retries with backoff on timeouts, failed connections, 429 and 5xx
//! (honouring `Retry-After`), GitHub's rate-limit headers, and conditional requests.

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use url::Url;

use super::settings::OnlineSettings;
use super::target::origin;
use crate::error::{Error, Result};

/// Bytes of an answer read at most: enough for any docs page or source file.
const MAX_BODY: u64 = 8 * 1024 * 1024;
/// Redirects followed before giving up.
const MAX_HOPS: usize = 10;
/// The first backoff; each further attempt waits twice as long.
const BACKOFF: Duration = Duration::from_millis(250);

/// What one GET came to.
#[derive(Debug)]
pub enum Fetched {
    /// The server answered (after redirects and retries) with anything but a redirect.
    Answer(Box<Answer>),
    /// No answer: DNS, connection, TLS, timeout, redirect loop. The reason, for the reader.
    Failed(String),
    /// Not sent, or refused for its rate: GitHub's API budget is spent until `reset`.
    RateLimited { reset: Option<i64> },
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Where the answer came from, after redirects.
    pub url: String,
    /// Where the leading permanent redirects (301, 308) ended, if the first hop was one.
    pub moved_to: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    pub link: Option<String>,
    pub location: Option<String>,
    pub retry_after: Option<u64>,
    /// GitHub's `x-ratelimit-remaining` and `x-ratelimit-reset` (Unix seconds).
    pub ratelimit_remaining: Option<u64>,
    pub ratelimit_reset: Option<i64>,
    pub body: String,
}

/// Validators of a cached answer, sent so that an unchanged resource costs a `304`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Conditional<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}

pub struct Client {
    agent: ureq::Agent,
    token: Option<String>,
    api_origin: String,
    timeout: Duration,
    retries: u32,
    max_retry_wait: Duration,
    /// Set when GitHub said the API budget is spent: the reset time (Unix seconds).
    api_exhausted: Mutex<Option<Option<i64>>>,
    requests: AtomicUsize,
}

impl Client {
    /// A client for these settings. `root` resolves `ca_file`; `token` is sent to the GitHub
    /// API only, never anywhere else.
    pub fn new(
        settings: &OnlineSettings,
        root: &std::path::Path,
        token: Option<String>,
    ) -> Result<Client> {
        let timeout = Duration::from_secs(settings.timeout_secs.max(1) as u64);
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(file) = &settings.ca_file {
            tls = tls.root_certs(root_certs_with(&root.join(file))?);
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent())
            .timeout_global(Some(timeout))
            .max_idle_connections_per_host(settings.per_host_concurrency.max(1) as usize)
            .tls_config(tls.build())
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            InvalidTldResolver::default(),
        );
        Ok(Client {
            agent,
            token: token.filter(|t| !t.trim().is_empty()),
            api_origin: origin(&settings.github_api_url),
            timeout,
            retries: settings.retries.max(0) as u32,
            max_retry_wait: Duration::from_secs(settings.max_retry_wait_secs.max(0) as u64),
            api_exhausted: Mutex::new(None),
            requests: AtomicUsize::new(0),
        })
    }

    /// Requests sent so far (every attempt and every redirect hop).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn is_api(&self, url: &str) -> bool {
        origin(url) == self.api_origin
    }

    /// GETs `url`, following redirects and retrying transient failures.
    pub fn get(&self, url: &str, accept: &str, conditional: Conditional) -> Fetched {
        let mut visited: Vec<String> = vec![url.to_string()];
        let mut current = url.to_string();
        let mut moved_to: Option<String> = None;
        let mut permanent_so_far = true;
        loop {
            let answer = match self.get_once(&current, accept, conditional) {
                Fetched::Answer(answer) => answer,
                other => return other,
            };
            let location = redirect_location(&answer, &current);
            let Some(next) = location else {
                return Fetched::Answer(Box::new(Answer {
                    url: current,
                    moved_to,
                    ..*answer
                }));
            };
            if permanent_so_far && matches!(answer.status, 301 | 308) {
                moved_to = Some(next.clone());
            } else {
                permanent_so_far = false;
            }
            if visited.contains(&next) {
                visited.push(next);
                return Fetched::Failed(format!("redirect loop: {}", visited.join(" → ")));
            }
            visited.push(next.clone());
            if visited.len() > MAX_HOPS {
                return Fetched::Failed(format!("more than {MAX_HOPS} redirects"));
            }
            current = next;
        }
    }

    /// One hop: attempts until an answer that is not worth retrying.
    fn get_once(&self, url: &str, accept: &str, conditional: Conditional) -> Fetched {
        let api = self.is_api(url);
        let mut attempt = 0;
        loop {
            if api && let Some(reset) = self.api_spent() {
                return Fetched::RateLimited { reset };
            }
            let last = attempt >= self.retries;
            let wait = match self.send(url, accept, conditional, api) {
                Ok(answer) => {
                    if api && let Some(limited) = self.note_api_budget(&answer) {
                        return limited;
                    }
                    // GitHub's secondary limits answer 403 with Retry-After.
                    let api_wait = api && answer.status == 403 && answer.retry_after.is_some();
                    let transient = answer.status == 429 || answer.status >= 500 || api_wait;
                    if !transient || last {
                        if api && (answer.status == 429 || api_wait) {
                            let reset = answer.retry_after.map(|s| now_secs() + s as i64);
                            return Fetched::RateLimited { reset };
                        }
                        return Fetched::Answer(Box::new(answer));
                    }
                    match answer.retry_after.map(Duration::from_secs) {
                        Some(wait) if wait > self.max_retry_wait => {
                            if api {
                                let reset = Some(now_secs() + wait.as_secs() as i64);
                                return Fetched::RateLimited { reset };
                            }
                            return Fetched::Answer(Box::new(answer));
                        }
                        Some(wait) => wait,
                        None => backoff(attempt),
                    }
                }
                Err(Failure::Final(reason)) => return Fetched::Failed(reason),
                Err(Failure::Transient(reason)) => {
                    if last {
                        let tries = attempt + 1;
                        let tries = if tries == 1 {
                            String::new()
                        } else {
                            format!(" ({tries} attempts)")
                        };
                        return Fetched::Failed(format!("{reason}{tries}"));
                    }
                    backoff(attempt)
                }
            };
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn send(
        &self,
        url: &str,
        accept: &str,
        conditional: Conditional,
        api: bool,
    ) -> std::result::Result<Answer, Failure> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.agent.get(url).header("Accept", accept);
        if api {
            request = request.header("X-GitHub-Api-Version", "2022-11-28");
            if let Some(token) = &self.token {
                request = request.header("Authorization", format!("Bearer {token}"));
            }
        }
        if let Some(etag) = conditional.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(date) = conditional.last_modified {
            request = request.header("If-Modified-Since", date);
        }
        let mut response = request.call().map_err(|e| failure(e, self.timeout))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let mut answer = Answer {
            status: response.status().as_u16(),
            url: url.to_string(),
            moved_to: None,
            etag: header("etag"),
            last_modified: header("last-modified"),
            content_type: header("content-type"),
            link: header("link"),
            location: header("location"),
            retry_after: header("retry-after").and_then(|v| retry_after_secs(&v)),
            ratelimit_remaining: header("x-ratelimit-remaining")
                .and_then(|v| v.trim().parse().ok()),
            ratelimit_reset: header("x-ratelimit-reset").and_then(|v| v.trim().parse().ok()),
            body: String::new(),
        };
        let mut bytes = Vec::new();
        if !matches!(answer.status, 204 | 304) && !(300..400).contains(&answer.status) {
            response
                .body_mut()
                .as_reader()
                .take(MAX_BODY)
                .read_to_end(&mut bytes)
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::TimedOut {
                        Failure::Transient(timeout_reason(self.timeout))
                    } else {
                        Failure::Transient(format!("the answer broke off: {e}"))
                    }
                })?;
        }
        answer.body = String::from_utf8_lossy(&bytes).into_owned();
        Ok(answer)
    }

    /// Reads GitHub's rate-limit headers off an API answer. When the budget is spent, later
    /// API requests are not sent; when this answer is the refusal, it is returned as one.
    fn note_api_budget(&self, answer: &Answer) -> Option<Fetched> {
        let reset = answer.ratelimit_reset;
        let spent = answer.ratelimit_remaining == Some(0);
        let refused = matches!(answer.status, 403 | 429);
        // A secondary limit: 403/429 with Retry-After, or a "rate limit" message without it.
        let secondary =
            refused && !spent && answer.body.to_ascii_lowercase().contains("rate limit");
        if spent || (secondary && answer.retry_after.is_none()) {
            let mut exhausted = self.api_exhausted.lock().unwrap_or_else(|e| e.into_inner());
            *exhausted = Some(reset);
        }
        if refused && (spent || (secondary && answer.retry_after.is_none())) {
            return Some(Fetched::RateLimited { reset });
        }
        None
    }

    /// Whether the API budget is known to be spent; forgets it once the reset time passed.
    fn api_spent(&self) -> Option<Option<i64>> {
        let mut exhausted = self.api_exhausted.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Some(reset)) = *exhausted
            && reset <= now_secs()
        {
            *exhausted = None;
        }
        *exhausted
    }
}

enum Failure {
    /// Worth another attempt: timeouts, refused or broken connections.
    Transient(String),
    /// Not: no such host, a certificate that is not trusted.
    Final(String),
}

fn failure(error: ureq::Error, timeout: Duration) -> Failure {
    use ureq::Error as E;
    match error {
        E::HostNotFound => Failure::Final("DNS lookup failed: no such host".into()),
        E::Timeout(_) => Failure::Transient(timeout_reason(timeout)),
        E::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Failure::Transient("connection refused".into())
        }
        E::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            Failure::Transient(timeout_reason(timeout))
        }
        // rustls reports a certificate it does not trust as invalid data on the socket.
        E::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            Failure::Final(format!("TLS handshake failed: {e}"))
        }
        E::Io(e) => Failure::Transient(format!("connection failed: {e}")),
        E::ConnectionFailed => Failure::Transient("connection failed".into()),
        E::Rustls(e) => Failure::Final(format!("TLS handshake failed: {e}")),
        E::Tls(e) => Failure::Final(format!("TLS handshake failed: {e}")),
        E::BadUri(e) => Failure::Final(format!("not a URL errbook can request: {e}")),
        other => Failure::Final(other.to_string()),
    }
}

fn timeout_reason(timeout: Duration) -> String {
    format!("no complete answer within {} s", timeout.as_secs())
}

/// The next URL of a redirect, resolved against the current one.
fn redirect_location(answer: &Answer, current: &str) -> Option<String> {
    if !matches!(answer.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = answer.location.as_deref()?;
    let base = Url::parse(current).ok()?;
    let mut next = base.join(location).ok()?;
    next.set_fragment(None);
    Some(next.to_string())
}

/// `Retry-After`: delta-seconds or an HTTP date.
fn retry_after_secs(value: &str) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let date = jiff::fmt::rfc2822::parse(value).ok()?;
    let secs = date.timestamp().as_second() - now_secs();
    Some(secs.max(0) as u64)
}

fn backoff(attempt: u32) -> Duration {
    // A little jitter keeps workers that failed together from retrying together.
    let jitter = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() % 100);
    BACKOFF * 2u32.saturating_pow(attempt.min(6)) + Duration::from_millis(u64::from(jitter))
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `errbook/<version> (+check --online)`: who is asking, for the servers' logs.
pub fn user_agent() -> String {
    format!(
        "errbook/{} (source verification by `errbook check --online`)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Mozilla's roots (as in webpki-roots) plus every certificate of a PEM file.
fn root_certs_with(path: &std::path::Path) -> Result<ureq::tls::RootCerts> {
    let pem = std::fs::read(path).map_err(|e| Error::io("read the ca_file", path, e))?;
    let mut certs: Vec<ureq::tls::Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    let builtin = certs.len();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::new(format!(
                    "{}: not a PEM certificate file: {e}",
                    path.display()
                )));
            }
        }
    }
    if certs.len() == builtin {
        return Err(Error::new(format!(
            "{}: the ca_file holds no certificate",
            path.display()
        )));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// The system's resolver, except for names under `.invalid`, which RFC 6761 reserves as
/// never resolving: they fail at once, without asking a DNS server.
#[derive(Debug, Default)]
struct InvalidTldResolver(DefaultResolver);

impl Resolver for InvalidTldResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default().trim_end_matches('.');
        if host.eq_ignore_ascii_case("invalid") || host.to_ascii_lowercase().ends_with(".invalid") {
            return Err(ureq::Error::HostNotFound);
        }
        self.0.resolve(uri, config, timeout)
    }
}
