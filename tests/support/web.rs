//! A real HTTP/1.1 server on loopback, plain or TLS (with a test certificate authority), that
//! answers like the web and like the GitHub API: canned replies per path, in order, with
//! delays, ETags and rate-limit headers, and a log of every request it received. Used by the
//! online tests and the online benchmark; nothing in errbook knows about it.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Waited before answering.
    pub delay: Duration,
    /// With an ETag, a request whose `If-None-Match` names it gets `304 Not Modified`.
    pub etag: Option<String>,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
            etag: None,
        }
    }

    pub fn text(body: impl Into<String>) -> Reply {
        Reply {
            body: body.into(),
            ..Reply::status(200)
        }
        .header("Content-Type", "text/plain; charset=utf-8")
    }

    /// A web page with a `<title>`, an `<h1>` and a paragraph of text.
    pub fn html(title: &str, heading: &str, text: &str) -> Reply {
        Reply {
            body: format!(
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><nav>Home</nav><main><h1>{heading}</h1><p>{text}</p></main></body></html>"
            ),
            ..Reply::status(200)
        }
        .header("Content-Type", "text/html; charset=utf-8")
    }

    pub fn json(value: serde_json::Value) -> Reply {
        Reply {
            body: value.to_string(),
            ..Reply::status(200)
        }
        .header("Content-Type", "application/json; charset=utf-8")
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn with_etag(mut self, etag: &str) -> Reply {
        self.etag = Some(etag.to_string());
        self
    }

    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Logged {
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    /// Replies per path and query; each request takes the next, the last one repeats.
    routes: Mutex<HashMap<String, (Vec<Reply>, usize)>>,
    log: Mutex<Vec<Logged>>,
}

pub struct Server {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub base: String,
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// A plain HTTP server.
    pub fn start() -> Server {
        Server::start_with(None)
    }

    /// A server speaking TLS with this configuration (see [`TestCa::server_config`]).
    pub fn start_tls(config: Arc<rustls::ServerConfig>) -> Server {
        Server::start_with(Some(config))
    }

    fn start_with(tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = Arc::new(State::default());
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                let tls = tls.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_nodelay(true);
                    match tls {
                        None => serve(stream, &state),
                        Some(config) => {
                            let Ok(connection) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            serve(rustls::StreamOwned::new(connection, stream), &state);
                        }
                    }
                });
            }
        });
        Server {
            base: format!("{scheme}://{addr}"),
            addr,
            state,
        }
    }

    /// Sets the replies of a path (with its query, if any).
    pub fn route(&self, target: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty());
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(target.to_string(), (replies, 0));
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }

    /// Requests received for one path and query.
    pub fn count(&self, target: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.target == target)
            .count()
    }

    pub fn clear_log(&self) {
        self.state.log.lock().unwrap().clear();
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Serves one connection: requests one after the other, kept alive until the client closes.
fn serve(stream: impl Read + Write, state: &State) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let logged = Logged { target, headers };
        state.log.lock().unwrap().push(logged.clone());
        let reply = {
            let mut routes = state.routes.lock().unwrap();
            match routes.get_mut(&logged.target) {
                Some((replies, next)) => {
                    let reply = replies[(*next).min(replies.len() - 1)].clone();
                    *next += 1;
                    reply
                }
                None => Reply::text("no such page").with_status(404),
            }
        };
        std::thread::sleep(reply.delay);
        let not_modified =
            reply.etag.is_some() && logged.header("If-None-Match") == reply.etag.as_deref();
        let (status, body) = if not_modified {
            (304, "")
        } else {
            (reply.status, reply.body.as_str())
        };
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in &reply.headers {
            if !(not_modified && name.eq_ignore_ascii_case("content-type")) {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        if let Some(etag) = &reply.etag {
            head.push_str(&format!("ETag: {etag}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let stream = reader.get_mut();
        if stream.write_all(head.as_bytes()).is_err()
            || stream.write_all(body.as_bytes()).is_err()
            || stream.flush().is_err()
        {
            return;
        }
        if logged
            .header("Connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A port on loopback that nothing listens on: connecting is refused.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    // Nothing else binds it before the test connects: ports are handed out in turn.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    port
}

/// A certificate authority made for one test run, and server certificates it signs for
/// 127.0.0.1 and localhost.
pub struct TestCa {
    issuer: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let key = rcgen::KeyPair::generate().unwrap();
        TestCa {
            issuer: rcgen::CertifiedIssuer::self_signed(params, key).unwrap(),
        }
    }

    /// The CA's certificate, PEM: what a client must trust.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A TLS server configuration with a certificate for 127.0.0.1 signed by this CA.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone(), self.issuer.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        Arc::new(config)
    }
}

/// The JSON GitHub's REST API gives for an issue (or, with `pull`, a pull request).
pub struct Issue<'a> {
    pub owner: &'a str,
    pub repo: &'a str,
    pub number: u64,
    pub title: &'a str,
    pub created_at: &'a str,
    /// `open`, `closed`, `merged` or `closed-unmerged`.
    pub state: &'a str,
    pub body: &'a str,
    pub comments: u64,
    pub pull: bool,
}

impl Issue<'_> {
    /// Its JSON as served by `api` (the API's base URL), for comments URLs.
    pub fn json(&self, api: &str) -> serde_json::Value {
        let (owner, repo, number) = (self.owner, self.repo, self.number);
        let kind = if self.pull { "pull" } else { "issues" };
        let closed = self.state != "open";
        let closed_at = closed.then_some("2025-06-01T10:00:00Z");
        let mut value = serde_json::json!({
            "url": format!("{api}/repos/{owner}/{repo}/issues/{number}"),
            "html_url": format!("https://github.com/{owner}/{repo}/{kind}/{number}"),
            "number": number,
            "title": self.title,
            "state": if closed { "closed" } else { "open" },
            "state_reason": if self.state == "closed" { Some("completed") } else { None },
            "created_at": self.created_at,
            "closed_at": closed_at,
            "body": self.body,
            "comments": self.comments,
            "comments_url": format!("{api}/repos/{owner}/{repo}/issues/{number}/comments"),
        });
        if self.pull {
            let merged = self.state == "merged";
            value["merged"] = serde_json::json!(merged);
            value["merged_at"] = serde_json::json!(if merged { closed_at } else { None });
        }
        value
    }
}
