//! Integration tests of `errbook serve`: the real binary on an ephemeral port, a real HTTP
//! client, real file edits.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// Long enough for a rebuild on a loaded 2-core CI machine; a test only waits this long when
/// something is broken.
const WAIT: Duration = Duration::from_secs(30);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve")
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A running `errbook serve` on a copy of the serve fixture; killed when dropped.
struct Server {
    child: Child,
    url: String,
    address: String,
    site: tempfile::TempDir,
    agent: ureq::Agent,
}

impl Server {
    fn start() -> Server {
        Server::start_with(|_| {})
    }

    /// Starts on the fixture after `prepare` has changed it.
    fn start_with(prepare: impl FnOnce(&Path)) -> Server {
        Server::start_on(|site| {
            copy_dir(&fixture(), site);
            prepare(site);
        })
    }

    /// Starts on a copy of the bundled knowledge base.
    fn start_bundled() -> Server {
        Server::start_on(|site| {
            let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
            copy_dir(&repo.join("content"), &site.join("content"));
            // The captured runs the pages cite as sources are part of the site.
            copy_dir(&repo.join("static/captures"), &site.join("static/captures"));
            fs::copy(repo.join("errbook.toml"), site.join("errbook.toml")).unwrap();
        })
    }

    /// Starts on a fresh directory that `fill` puts a site into.
    fn start_on(fill: impl FnOnce(&Path)) -> Server {
        Server::start_on_with(fill, &[])
    }

    /// [`Server::start_on`], with more arguments for `serve`.
    fn start_on_with(fill: impl FnOnce(&Path), args: &[&str]) -> Server {
        let site = tempfile::tempdir().unwrap();
        fill(site.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_errbook"))
            .arg("--root")
            .arg(site.path())
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(WAIT).expect("the server prints its URL");
        let url = line
            .trim()
            .strip_prefix("serving at ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        let address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(WAIT))
            .build()
            .into();
        Server {
            child,
            url,
            address,
            site,
            agent,
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.site.path().join(relative)
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = self
            .agent
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }

    fn header(&self, path: &str, name: &str) -> String {
        let response = self
            .agent
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .unwrap();
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    fn post(&self, path: &str, body: &[u8]) -> (u16, serde_json::Value) {
        let mut response = self
            .agent
            .post(format!("{}{}", self.url, path.trim_start_matches('/')))
            .send(body)
            .unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        let json =
            serde_json::from_str(&text).unwrap_or_else(|_| serde_json::Value::String(text.clone()));
        (status, json)
    }

    /// Sends raw bytes (clients normalise `..` and refuse odd paths; attackers do not) and
    /// returns the status code of the answer.
    fn raw(&self, request: &[u8]) -> u16 {
        let answer = self.raw_answer(request);
        let status = answer.split(' ').nth(1).unwrap_or_default();
        status
            .parse()
            .unwrap_or_else(|_| panic!("no status in {answer:?}"))
    }

    /// Sends raw bytes and returns the whole answer, headers and body.
    fn raw_answer(&self, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// Subscribes to the reload events; returns once subscribed.
    fn events(&self) -> Receiver<(String, String)> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .into();
        let response = agent
            .get(format!("{}__errbook/events", self.url))
            .call()
            .unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(response.into_body().into_reader());
            let mut event = String::new();
            for line in reader.lines() {
                let Ok(line) = line else { return };
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && tx.send((event.clone(), data.to_string())).is_err()
                {
                    return;
                }
            }
        });
        let (name, _) = rx.recv_timeout(WAIT).expect("a ready event");
        assert_eq!(name, "ready");
        rx
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_reload(events: &Receiver<(String, String)>) {
    loop {
        let (name, _) = events.recv_timeout(WAIT).expect("a reload event");
        if name == "reload" {
            return;
        }
    }
}

/// Edits a file and waits for the reload that follows.
fn edit(server: &Server, events: &Receiver<(String, String)>, path: &str, from: &str, to: &str) {
    let file = server.path(path);
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    fs::write(&file, text.replacen(from, to, 1)).unwrap();
    wait_reload(events);
}

const SYNTAX_PAGE: &str = "content/errbook/config-syntax.md";

#[test]
fn an_edit_is_served_after_the_reload_event_with_the_pages_that_show_it() {
    let server = Server::start();
    let events = server.events();
    let (status, page) = server.get("/errbook/config-syntax/");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>errbook cannot parse errbook.toml</h1>"));
    assert!(page.contains("<script src=\"/__errbook/live.js\" defer></script></body>"));
    assert!(!page.contains("errbook-overlay"));

    edit(
        &server,
        &events,
        SYNTAX_PAGE,
        "title: errbook cannot parse errbook.toml",
        "title: errbook cannot read errbook.toml at all",
    );
    let (_, page) = server.get("/errbook/config-syntax/");
    assert!(page.contains("<h1>errbook cannot read errbook.toml at all</h1>"));
    // The page that lists it as related, and its tool's listing, show the new title too.
    let (_, related) = server.get("/errbook/config-unknown-key/");
    assert!(related.contains("errbook cannot read errbook.toml at all"));
    let (_, listing) = server.get("/errbook/");
    assert!(listing.contains("errbook cannot read errbook.toml at all"));
}

#[test]
fn a_broken_page_shows_the_overlay_over_the_last_good_build_until_fixed() {
    let server = Server::start();
    let events = server.events();
    edit(
        &server,
        &events,
        SYNTAX_PAGE,
        "title: errbook cannot parse errbook.toml",
        "title: [unclosed <script>",
    );
    let (status, page) = server.get("/errbook/config-syntax/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<h1>errbook cannot parse errbook.toml</h1>"),
        "the last good page is still served"
    );
    assert!(page.contains("id=\"errbook-overlay\""), "{page}");
    assert!(
        page.contains("content/errbook/config-syntax.md:3:5"),
        "{page}"
    );
    assert!(page.contains("yaml-syntax"));
    // Every page shows it, not only the broken one.
    let (_, home) = server.get("/");
    assert!(home.contains("content/errbook/config-syntax.md:3:5"));

    edit(
        &server,
        &events,
        SYNTAX_PAGE,
        "title: [unclosed <script>",
        "title: errbook cannot parse its config",
    );
    let (_, page) = server.get("/errbook/config-syntax/");
    assert!(page.contains("<h1>errbook cannot parse its config</h1>"));
    assert!(
        !page.contains("errbook-overlay"),
        "fixed: the overlay is gone"
    );
}

#[test]
fn site_wide_rules_reach_the_overlay_once_the_tree_is_quiet() {
    let server = Server::start();
    let events = server.events();
    // The same signature as the other page: only the site-wide check sees the collision.
    edit(
        &server,
        &events,
        SYNTAX_PAGE,
        "\"invalid errbook.toml\"",
        "\"unknown key `titel` in errbook.toml\"",
    );
    let mut page = server.get("/errbook/config-syntax/").1;
    for _ in 0..3 {
        if page.contains("signature-collision") {
            break;
        }
        wait_reload(&events);
        page = server.get("/errbook/config-syntax/").1;
    }
    assert!(page.contains("signature-collision"), "{page}");
}

#[test]
fn pages_can_be_added_and_removed() {
    let server = Server::start();
    let events = server.events();
    let text = fs::read_to_string(server.path(SYNTAX_PAGE)).unwrap();
    fs::write(
        server.path("content/errbook/config-copy.md"),
        text.replace(
            "title: errbook cannot parse errbook.toml",
            "title: A second page about parsing",
        )
        .replace("invalid errbook.toml", "errbook.toml: expected a value"),
    )
    .unwrap();
    wait_reload(&events);
    let (status, page) = server.get("/errbook/config-copy/");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>A second page about parsing</h1>"));
    assert!(
        server
            .get("/errbook/")
            .1
            .contains("A second page about parsing")
    );
    // Without the trailing slash, a redirect to the page.
    assert_eq!(
        server
            .raw(b"GET /errbook/config-copy HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n"),
        308
    );

    // Removing a page that another one relates to: gone, and the other page's link is an error.
    fs::remove_file(server.path(SYNTAX_PAGE)).unwrap();
    wait_reload(&events);
    assert_eq!(server.get("/errbook/config-syntax/").0, 404);
    let (_, other) = server.get("/errbook/config-unknown-key/");
    assert!(other.contains("broken-related"), "{other}");
    assert!(
        !server
            .get("/errbook/")
            .1
            .contains("errbook cannot parse errbook.toml")
    );

    // A tool directory moved in, then removed with its page.
    let moved = tempfile::tempdir().unwrap();
    let tool = moved.path().join("demo");
    fs::create_dir(&tool).unwrap();
    fs::write(
        tool.join("moved-in.md"),
        text.replace("tool: errbook", "tool: demo")
            .replace(
                "title: errbook cannot parse errbook.toml",
                "title: A page that moved in",
            )
            .replace("invalid errbook.toml", "DemoError: moved in"),
    )
    .unwrap();
    fs::rename(&tool, server.path("content/demo")).unwrap();
    wait_reload(&events);
    let (status, page) = server.get("/demo/moved-in/");
    assert_eq!(status, 200, "{page}");
    fs::remove_dir_all(server.path("content/demo")).unwrap();
    wait_reload(&events);
    assert_eq!(server.get("/demo/moved-in/").0, 404);
}

#[test]
fn template_static_and_config_changes_are_rebuilt() {
    let server = Server::start();
    let events = server.events();

    fs::create_dir_all(server.path("static/css")).unwrap();
    fs::write(server.path("static/css/site.css"), "body { color: red }").unwrap();
    wait_reload(&events);
    assert_eq!(
        server.get("/css/site.css"),
        (200, "body { color: red }".to_string())
    );
    assert!(
        server
            .header("/css/site.css", "content-type")
            .starts_with("text/css")
    );

    fs::create_dir_all(server.path("templates")).unwrap();
    fs::write(
        server.path("templates/page.html"),
        "{% extends \"errbook/page.html\" %}{% block sources %}<p>sources replaced</p>{% endblock sources %}",
    )
    .unwrap();
    wait_reload(&events);
    let (_, page) = server.get("/errbook/config-syntax/");
    assert!(page.contains("<p>sources replaced</p>"), "{page}");

    // A broken template keeps the last good ones in use, also across page edits, until fixed.
    fs::write(
        server.path("templates/page.html"),
        "{% extends \"errbook/page.html\" %}{% block sources %}{{ oops( {% endblock sources %}",
    )
    .unwrap();
    wait_reload(&events);
    let (_, page) = server.get("/errbook/config-syntax/");
    assert!(page.contains("<p>sources replaced</p>"));
    assert!(page.contains("templates/page.html:"), "{page}");
    edit(
        &server,
        &events,
        SYNTAX_PAGE,
        "TOML has strict",
        "TOML has very strict",
    );
    let (_, page) = server.get("/errbook/config-syntax/");
    assert!(page.contains("TOML has very strict"));
    assert!(page.contains("templates/page.html:"), "{page}");
    fs::remove_file(server.path("templates/page.html")).unwrap();
    wait_reload(&events);
    let (_, page) = server.get("/errbook/config-syntax/");
    assert!(!page.contains("errbook-overlay"), "{page}");
    assert!(!page.contains("<p>sources replaced</p>"));

    edit(
        &server,
        &events,
        "errbook.toml",
        "title = \"Fixture KB\"",
        "title = \"Renamed KB\"",
    );
    let (_, home) = server.get("/");
    assert!(home.contains("Renamed KB"));

    // A broken config keeps the last good site and says why.
    edit(
        &server,
        &events,
        "errbook.toml",
        "title = \"Renamed KB\"",
        "titel = \"Renamed KB\"",
    );
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("Renamed KB"));
    assert!(home.contains("errbook.toml:"), "{home}");
    assert!(home.contains("unknown-field"));
}

#[test]
fn a_site_that_cannot_build_yet_shows_why_until_it_builds() {
    let server = Server::start_with(|root| {
        let config = root.join("errbook.toml");
        let text = fs::read_to_string(&config).unwrap();
        fs::write(&config, text.replace("base_url", "base_ulr")).unwrap();
    });
    let events = server.events();
    let (status, page) = server.get("/errbook/config-syntax/");
    assert_eq!(status, 503);
    assert!(page.contains("errbook.toml:"), "{page}");
    assert!(page.contains("did you mean `base_url`?"), "{page}");
    edit(&server, &events, "errbook.toml", "base_ulr", "base_url");
    let (status, page) = server.get("/errbook/config-syntax/");
    assert_eq!(status, 200);
    assert!(!page.contains("errbook-overlay"));
}

#[test]
fn the_validator_api_round_trips() {
    let server = Server::start();
    let (status, list) = server.get("/api/validators");
    assert_eq!(status, 200);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let validator = list["validators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "errbook-toml")
        .expect("errbook-toml is listed");
    let rule = &validator["rules"][1];
    assert_eq!(rule["id"], "unknown-field");
    assert_eq!(rule["severity"], "error");
    assert_eq!(rule["url"], "/validators/errbook-toml/#unknown-field");

    let good = fs::read(fixture().join("errbook.toml")).unwrap();
    let (status, answer) = server.post("/api/validate/errbook-toml", &good);
    assert_eq!(status, 200);
    assert_eq!(answer, serde_json::json!({"diagnostics": []}));

    let bad = b"title = \"KB\"\nbase_url = \"https://x.org/\"\nouput_dir = \"out\"\n";
    let (status, answer) = server.post("/api/validate/errbook-toml", bad);
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        serde_json::json!({"diagnostics": [{
            "rule": "unknown-field",
            "severity": "error",
            "message": "unknown key `ouput_dir` in errbook.toml",
            "line": 3,
            "column": 1,
            "help": "did you mean `output_dir`?",
            "url": "/validators/errbook-toml/#unknown-field",
        }]})
    );
    // `?level=` chooses what is answered; an unknown level is refused.
    let (status, answer) = server.post("/api/validate/errbook-toml?level=error", bad);
    assert_eq!(status, 200);
    assert_eq!(answer["diagnostics"].as_array().unwrap().len(), 1);
    let (status, _) = server.post("/api/validate/errbook-toml?level=loud", bad);
    assert_eq!(status, 400);
    // Includes in pasted text are never read on the server: not even looked up.
    let (status, answer) = server.post(
        "/api/validate/litellm-proxy?level=info",
        b"include:\n  - /etc/hostname\n  - ../../errbook.toml\n",
    );
    assert_eq!(status, 200);
    let rules: Vec<&str> = answer["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["include-not-followed"]);
    // The rule URL resolves on the preview too.
    let (status, page) = server.get("/validators/errbook-toml/");
    assert_eq!(status, 200);
    assert!(page.contains("id=\"unknown-field\""));

    let (status, answer) = server.post("/api/validate/no-such-validator", b"x");
    assert_eq!(status, 404);
    assert!(answer["error"].as_str().unwrap().contains("errbook-toml"));
}

#[test]
fn a_page_that_names_a_validator_gets_the_widget() {
    let server = Server::start();
    let (_, page) = server.get("/errbook/config-unknown-key/");
    assert!(page.contains("data-validator=\"errbook-toml\""));
    assert!(page.contains("<textarea id=\"validator-input\""));
    assert!(page.contains("errbook validate errbook-toml config.yaml"));
    assert!(page.contains("<script src=\"../../js/validator.js\" defer></script>"));
    let (status, script) = server.get("/js/validator.js");
    assert_eq!(status, 200);
    assert!(script.contains("/api/validate/"));
    assert!(
        !script.contains("innerHTML"),
        "findings are inserted as text"
    );
    let (_, other) = server.get("/errbook/config-syntax/");
    assert!(!other.contains("data-validator"));
}

#[test]
fn responses_carry_the_security_headers() {
    let server = Server::start();
    for path in ["/", "/api/validators", "/css/errbook.css", "/nowhere"] {
        assert_eq!(server.header(path, "x-content-type-options"), "nosniff");
        let csp = server.header(path, "content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert_eq!(server.header(path, "referrer-policy"), "no-referrer");
    }
}

#[test]
fn each_hostile_request_gets_its_status_and_the_server_keeps_answering() {
    let server = Server::start();
    let get =
        |path: &str| format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let cases: Vec<(String, Vec<u8>, u16)> = vec![
        ("dot-dot".into(), get("/../../etc/passwd").into_bytes(), 400),
        (
            "encoded dot-dot".into(),
            get("/%2e%2e/%2e%2e/etc/passwd").into_bytes(),
            400,
        ),
        (
            "encoded slash".into(),
            get("/errbook/..%2f..%2fetc%2fpasswd").into_bytes(),
            400,
        ),
        (
            "double-encoded".into(),
            get("/%252e%252e/etc/passwd").into_bytes(),
            400,
        ),
        ("absolute".into(), get("//etc/passwd").into_bytes(), 400),
        ("drive".into(), get("/C:/Windows/win.ini").into_bytes(), 400),
        (
            "backslash".into(),
            get("/..\\..\\etc\\passwd").into_bytes(),
            400,
        ),
        (
            "encoded backslash".into(),
            get("/%5c..%5c..%5cetc%5cpasswd").into_bytes(),
            400,
        ),
        ("NUL".into(), get("/index.html%00.css").into_bytes(), 400),
        (
            "header splitting".into(),
            get("/a%0d%0aSet-Cookie:%20x").into_bytes(),
            400,
        ),
        ("not UTF-8".into(), get("/%ff%fe").into_bytes(), 400),
        ("missing".into(), get("/etc/passwd").into_bytes(), 404),
        (
            "bad method".into(),
            b"DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
            405,
        ),
        ("garbage".into(), b"\x00\x01GARBAGE\r\n\r\n".to_vec(), 400),
        (
            "DNS rebinding".into(),
            b"GET / HTTP/1.1\r\nHost: evil.example:1111\r\nConnection: close\r\n\r\n".to_vec(),
            403,
        ),
    ];
    for (what, request, expected) in cases {
        assert_eq!(server.raw(&request), expected, "{what}");
        assert_eq!(server.get("/").0, 200, "the server answers after {what}");
    }

    let api = "/api/validate/errbook-toml";
    let too_large = vec![b'#'; 1024 * 1024 + 1];
    assert_eq!(server.post(api, &too_large).0, 413);
    let chunked_header = "POST /api/validate/errbook-toml HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut chunked = chunked_header.as_bytes().to_vec();
    for _ in 0..17 {
        chunked.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        chunked.extend(std::iter::repeat_n(b'#', 64 * 1024));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(server.raw(&chunked), 413, "a chunked body over the limit");

    let deep = format!("x = {}{}", "[".repeat(50_000), "]".repeat(50_000));
    let (status, answer) = server.post(api, deep.as_bytes());
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("nest deeper than 64"),
        "{answer}"
    );
    assert_eq!(answer["rule"], "input-too-deep");

    let (status, answer) = server.post(api, b"title = \"\xff\"");
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("UTF-8"));

    // An id echoed back is JSON-encoded and served as JSON, never as markup.
    let (status, _) = server.post("/api/validate/%3Cscript%3E", b"x");
    assert_eq!(status, 404);
    assert_eq!(
        server.header("/api/validators", "content-type"),
        "application/json"
    );
    assert_eq!(server.get("/").0, 200);
    assert_eq!(server.get("/api/validators").0, 200);
}

#[test]
fn build_output_has_nothing_of_serve_mode() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), site.path());
    let status = Command::new(env!("CARGO_BIN_EXE_errbook"))
        .arg("--root")
        .arg(site.path())
        .arg("build")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for entry in walkdir::WalkDir::new(site.path().join("public")) {
        let entry = entry.unwrap();
        // Pages only: the widget's script knows the preview's path, to detect it.
        if entry.path().extension().is_some_and(|e| e == "html") {
            let text = fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(!text.contains("__errbook"), "{}", entry.path().display());
        }
    }
}

#[test]
fn the_search_api_ranks_the_page_whose_signature_matches() {
    let server = Server::start();
    // The index is built beside the server; it answers 503 until then.
    let deadline = std::time::Instant::now() + WAIT;
    let query =
        "/api/search?q=error%3A%20unknown%20key%20%60titel%60%20in%20errbook.toml%20at%20line%203";
    let body = loop {
        let (status, body) = server.get(query);
        if status == 200 {
            break body;
        }
        assert_eq!(status, 503, "{body}");
        assert!(std::time::Instant::now() < deadline, "no search index");
        std::thread::sleep(Duration::from_millis(50));
    };
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let first = &json["results"][0];
    assert_eq!(first["slug"], "config-unknown-key", "{body}");
    assert_eq!(first["signature"], "unknown key `titel` in errbook.toml");
    // An empty or hostile query is an empty list, and the server keeps answering.
    let (status, body) = server.get("/api/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
    assert_eq!(status, 200);
    assert!(!body.contains("<img"), "{body}");
    assert_eq!(server.get("/api/search").0, 200);
    assert_eq!(server.get("/api/validators").0, 200);

    // What a result list shows comes along; filters narrow (as the browser's do: a value no
    // page has gives no results), and empty filters are none.
    assert_eq!(first["tool"], "errbook");
    assert_eq!(first["category_name"], "Configuration");
    assert!(
        first["summary"].as_str().unwrap().contains("errbook"),
        "{first}"
    );
    let results = |query: &str| {
        let (status, body) = server.get(query);
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        json["results"].as_array().unwrap().len()
    };
    assert!(results(&format!("{query}&category=config")) > 0);
    assert_eq!(results(&format!("{query}&category=rate-limit")), 0);
    assert_eq!(results(&format!("{query}&tool=errbok")), 0);
    assert!(results(&format!("{query}&tool=&category=")) > 0);

    // How a page matched comes with it, and a query that is not UTF-8 once percent-decoded
    // (a log with Latin-1 bytes) is read lossily and answered, with the replaced bytes counted.
    assert_eq!(first["match"], "signature");
    let (status, body) = server.get(&format!("{query}%20caf%E9%FF"));
    assert_eq!(status, 200, "{body}");
    let lossy: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(lossy["replaced_bytes"], 2, "{body}");
    assert_eq!(lossy["results"][0]["slug"], "config-unknown-key");

    // A long log is posted as the body: any bytes, up to 1 MiB; more is refused with 413.
    let mut log = b"INFO junk \xff\xfe\n".repeat(2000);
    log.extend_from_slice(b"error: unknown key `titel` in errbook.toml at line 3\n");
    let (status, json) = server.post("/api/search?limit=2", &log);
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["results"][0]["slug"], "config-unknown-key", "{json}");
    assert_eq!(json["results"][0]["match"], "signature");
    assert_eq!(json["replaced_bytes"], 4000);
    let (status, _) = server.post("/api/search", &vec![b'a'; (1 << 20) + 1]);
    assert_eq!(status, 413);

    // The browser's filters are filled from the tools and categories that have pages.
    let (status, body) = server.get("/api/search/facets");
    assert_eq!(status, 200, "{body}");
    let facets: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        facets["tools"]
            .as_array()
            .unwrap()
            .contains(&"errbook".into()),
        "{body}"
    );
    assert!(
        facets["categories"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["config", "Configuration"])),
        "{body}"
    );
}

#[path = "browser/playwright.rs"]
mod browser;

/// The preview in a real browser: the validator widget on a bundled LiteLLM page, search over
/// `/api/search`, live reload after an edit and the overlay while a page is broken.
#[test]
fn the_preview_works_in_headless_chromium() {
    let scripts = browser::scripts();
    let server = Server::start_bundled();
    let page = fs::read_to_string(server.path("content/litellm/fallbacks-not-a-list.md")).unwrap();
    // The page's own verified examples: the broken config and its fix.
    let example = |expect: &str| {
        let fence = format!("```yaml validate=litellm-proxy expect={expect}\n");
        let start = page.find(&fence).unwrap_or_else(|| panic!("no {fence:?}")) + fence.len();
        page[start..][..page[start..].find("```").unwrap()].to_string()
    };
    let expectations = serde_json::json!({
        "widget": {
            "page": "litellm/fallbacks-not-a-list/",
            "rule": "fallbacks-not-a-list",
            "at": "gpt-4o: [\"claude-backup\"]",
            "broken": example("fallbacks-not-a-list"),
            "good": example("ok"),
            "bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
        },
        "search": {
            "text": "ValueError: Item 'gpt-4o' is not a dictionary.",
            "slug": "fallbacks-not-a-list",
            "category": "fallbacks",
            "categoryName": "Fallbacks",
        },
        "reload": {
            "page": "litellm/streaming-requests-do-not-fall-back/",
            "file": "content/litellm/streaming-requests-do-not-fall-back.md",
        },
    });
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-browser-expect.json");
    fs::write(&file, expectations.to_string()).unwrap();
    let out = Command::new("node")
        .arg(scripts.join("serve_ui.js"))
        .arg(&server.url)
        .arg(server.site.path())
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A request to the API as a browser on `origin` sends it (`Connection: close` so the answer
/// ends), and the answer's headers, lowercased, and body.
fn cross_origin(
    server: &Server,
    method: &str,
    path: &str,
    origin: &str,
    body: &str,
) -> (String, String) {
    let extra = if method == "OPTIONS" {
        "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n"
    } else {
        "Content-Type: text/plain; charset=utf-8\r\n"
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: validate.example.org\r\nOrigin: {origin}\r\n{extra}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = server.raw_answer(request.as_bytes());
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (head.to_lowercase(), body.to_string())
}

const SITE_ORIGIN: &str = "https://errors.example.org";
const CONFIG: &str = "router_settings:\n  fallbacks: [{\"gpt-4o\": [\"missing\"]}]\n";

#[test]
fn the_preview_sends_no_cors_headers_unless_an_origin_is_allowed() {
    let server = Server::start();
    let (head, _) = cross_origin(
        &server,
        "POST",
        "/api/validate/litellm-proxy",
        SITE_ORIGIN,
        CONFIG,
    );
    // Listening on loopback, the preview refuses another Host; either way no CORS header.
    assert!(!head.contains("access-control-allow-origin"), "{head}");
}

#[test]
fn api_only_replicas_validate_for_the_allowed_origin_and_nobody_else() {
    let args = ["--api-only", "--allow-origin", &format!("{SITE_ORIGIN}/")];
    // No site at all: an empty directory.
    let replicas = [
        Server::start_on_with(|_| {}, &args),
        Server::start_on_with(|_| {}, &args),
    ];
    let mut answers = Vec::new();
    for server in &replicas {
        assert_eq!(server.get("/healthz"), (200, "ok\n".to_string()));
        let (status, body) = server.get("/");
        assert_eq!(status, 404, "no site behind the API: {body}");

        let (head, _) = cross_origin(
            server,
            "OPTIONS",
            "/api/validate/litellm-proxy",
            SITE_ORIGIN,
            "",
        );
        assert!(head.starts_with("http/1.1 200"), "preflight: {head}");
        assert!(
            head.contains(&format!("access-control-allow-origin: {SITE_ORIGIN}")),
            "{head}"
        );
        assert!(
            head.contains("access-control-allow-methods: get,post"),
            "{head}"
        );
        assert!(
            head.contains("access-control-allow-headers: content-type"),
            "{head}"
        );

        let (head, body) = cross_origin(
            server,
            "POST",
            "/api/validate/litellm-proxy",
            SITE_ORIGIN,
            CONFIG,
        );
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(
            head.contains(&format!("access-control-allow-origin: {SITE_ORIGIN}")),
            "{head}"
        );
        assert!(head.contains("vary: origin"), "{head}");
        assert!(body.contains("fallback-target-undefined"), "{body}");
        answers.push(body);

        let (head, _) = cross_origin(
            server,
            "POST",
            "/api/validate/litellm-proxy",
            "https://evil.example",
            CONFIG,
        );
        assert!(
            !head.contains("access-control-allow-origin"),
            "another origin: {head}"
        );
        let (head, _) = cross_origin(
            server,
            "OPTIONS",
            "/api/validate/litellm-proxy",
            "https://evil.example",
            "",
        );
        assert!(
            !head.contains("access-control-allow-origin"),
            "another origin's preflight: {head}"
        );
    }
    assert_eq!(answers[0], answers[1], "stateless replicas answer alike");
}

#[test]
fn allow_origin_must_be_an_origin() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in [
        "errors.example.org",
        "https://errors.example.org/kb/",
        "ftp://x.org",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_errbook"))
            .arg("--root")
            .arg(tmp.path())
            .args(["serve", "--api-only", "--port", "0", "--allow-origin", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("must be an origin"),
            "{bad}"
        );
    }
}

#[test]
fn the_preview_shows_drafts() {
    let server = Server::start_on(|site| {
        let out = Command::new(env!("CARGO_BIN_EXE_errbook"))
            .arg("init")
            .arg(site)
            .args(["--tool", "acme-api", "--ci", "none"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let example = site.join("content/acme-api/port-already-in-use.md");
        let draft = fs::read_to_string(&example)
            .unwrap()
            .replace("title: \"Example:", "draft: true\ntitle: \"Draft:");
        fs::write(&example, draft).unwrap();
    });
    let (status, body) = server.get("/acme-api/port-already-in-use/");
    assert_eq!(status, 200);
    assert!(body.contains("Draft: acme-api does not start"));
    assert!(
        body.contains("<span class=\"tag tag-draft\""),
        "marked as a draft"
    );
}
