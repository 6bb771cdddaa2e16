//! Deploying: `build --base-url` (only canonical URLs, the sitemap and the feed change),
//! `--output-dir` and its guard, drafts, and the caching files `init` writes, served by a real
//! nginx.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{EXAMPLE, new_site, run, text, tool};
use crate::{errbook, read, snapshot, stderr};

fn build(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    errbook(root, &all)
}

#[test]
fn base_url_changes_canonical_urls_sitemap_and_feed_and_nothing_else() {
    let site = new_site(&["--base-url", "https://errors.example.org/"]);
    let root = site.path();
    let out = build(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let production = snapshot(&root.join("public"));
    let preview_url = "https://deploy-preview-42--errors.example.net/";
    let out = build(root, &["--base-url", preview_url.trim_end_matches('/')]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let preview = snapshot(&root.join("public"));

    assert_eq!(
        production.keys().collect::<Vec<_>>(),
        preview.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let mut changed = Vec::new();
    for (path, bytes) in &production {
        let before = String::from_utf8_lossy(bytes);
        let after = String::from_utf8_lossy(&preview[path]);
        if before != after {
            changed.push(path.to_string_lossy().into_owned());
        }
        assert_eq!(
            before.replace("https://errors.example.org/", preview_url),
            after,
            "{}: more than the base URL changed",
            path.display()
        );
    }
    changed.sort();
    for expected in [
        "sitemap.xml",
        "atom.xml",
        "acme-api/port-already-in-use/index.html",
    ] {
        assert!(
            changed.contains(&expected.to_string()),
            "{expected} did not follow: {changed:?}"
        );
    }
    assert!(
        !changed.iter().any(|p| p.starts_with("search/")),
        "{changed:?}"
    );
    let page = read(root.join("public/acme-api/port-already-in-use/index.html"));
    assert!(page.contains(&format!(
        "<link rel=\"canonical\" href=\"{preview_url}acme-api/port-already-in-use/\">"
    )));
    // The base URL of errbook.toml is untouched, and the cached search index with it.
    let found = errbook(root, &["search", "--json", "EADDRINUSE"]);
    let json: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert!(
        json["results"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://errors.example.org/")
    );

    for bad in ["preview.example.net", "ftp://x.org/", "https://"] {
        let out = build(root, &["--base-url", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));
    }
    assert_eq!(
        snapshot(&root.join("public")),
        preview,
        "a refused build writes nothing"
    );
}

#[test]
fn output_dir_never_replaces_a_directory_errbook_did_not_write() {
    let site = new_site(&[]);
    let root = site.path();
    let web = tempfile::tempdir().unwrap();
    let www = web.path().join("www");
    fs::create_dir_all(www.join("assets")).unwrap();
    fs::write(www.join("index.html"), "<h1>the company site</h1>").unwrap();
    fs::write(www.join("assets/app.js"), "app()").unwrap();
    let before = snapshot(web.path());

    let out = build(root, &["--output-dir", www.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("refusing to replace") && said.contains("--force"),
        "{said}"
    );
    assert_eq!(snapshot(web.path()), before, "every file is left as it was");
    assert!(!root.join("public").exists());

    // A new directory outside the site is fine, and so is the next build into it.
    let out_dir = web.path().join("kb");
    for _ in 0..2 {
        let out = build(root, &["--output-dir", out_dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert!(out_dir.join(".errbook-output").is_file());
    assert!(
        out_dir
            .join("acme-api/port-already-in-use/index.html")
            .is_file()
    );

    // --force replaces the foreign directory, atomically as ever.
    let out = build(root, &["--output-dir", www.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!www.join("assets/app.js").exists());
    assert!(www.join("index.html").is_file() && www.join(".errbook-output").is_file());

    // Never the site itself, a directory above it, or its sources, whatever --force says.
    for target in [".", "..", "content", "static/out", ".git"] {
        let path = root.join(target);
        let out = build(root, &["--output-dir", path.to_str().unwrap(), "--force"]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
    }
    assert!(root.join(EXAMPLE).is_file());
}

#[test]
fn output_dir_of_errbook_toml_has_the_same_guard() {
    let site = new_site(&[]);
    let root = site.path();
    let config = read(root.join("errbook.toml"))
        .replace("# output_dir = \"public\"", "output_dir = \"site-out\"");
    fs::write(root.join("errbook.toml"), config).unwrap();
    fs::create_dir(root.join("site-out")).unwrap();
    fs::write(root.join("site-out/notes.txt"), "mine").unwrap();
    let out = build(root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(read(root.join("site-out/notes.txt")), "mine");
    let out = build(root, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!root.join("site-out/notes.txt").exists());
    let out = build(root, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "errbook's own output: {}",
        stderr(&out)
    );
}

/// A draft beside the example: a page about another error, marked `draft: true`.
fn add_draft(root: &Path, body_extra: &str) {
    let example = read(root.join(EXAMPLE));
    let (head, rest) = example.split_once("signatures:\n").unwrap();
    let rest = &rest[rest.find("summary:").unwrap()..];
    let draft = format!(
        "{}signatures:\n  - \"ZZDRAFTSIGNATURE happened\"\n{rest}{body_extra}",
        head.replace("title: \"Example:", "draft: true\ntitle: \"Draft:")
    );
    fs::write(root.join("content/acme-api/draft-page.md"), draft).unwrap();
}

#[test]
fn drafts_stay_out_of_build_check_sitemap_feed_and_search_unless_asked_for() {
    let site = new_site(&[]);
    let root = site.path();
    // The draft is unfinished: an empty section, which check reports as an error.
    add_draft(root, "\n## Version notes\n");
    let out = errbook(root, &["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = errbook(root, &["check", "--drafts"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "check --drafts sees it: {}",
        text(&out)
    );
    assert!(text(&out).contains("draft-page.md"));

    let out = build(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!root.join("public/acme-api/draft-page").exists());
    for file in [
        "sitemap.xml",
        "atom.xml",
        "index.html",
        "acme-api/index.html",
    ] {
        assert!(
            !read(root.join("public").join(file)).contains("draft-page"),
            "{file}"
        );
    }
    let search_files: Vec<String> = snapshot(&root.join("public/search"))
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(!search_files.iter().any(|t| t.contains("zzdraftsignature")));
    let out = errbook(root, &["search", "ZZDRAFTSIGNATURE happened"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // A finished draft is published by build --drafts, with its search entry; the cache of
    // the published pages is left as it was.
    add_draft(root, "");
    let out = build(root, &["--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(root.join("public/acme-api/draft-page/index.html").is_file());
    assert!(read(root.join("public/sitemap.xml")).contains("acme-api/draft-page/"));
    let search_files: Vec<String> = snapshot(&root.join("public/search"))
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(search_files.iter().any(|t| t.contains("zzdraftsignature")));
    let out = errbook(root, &["search", "ZZDRAFTSIGNATURE happened"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "errbook search reads the published pages"
    );
}

#[test]
fn the_headers_file_marks_exactly_the_hashed_search_files_immutable() {
    let site = new_site(&[]);
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = site.path().join("public");
    let headers = read(public.join("_headers"));
    // Rules: a path line, then indented headers (Cloudflare Pages and Netlify syntax).
    let rules: Vec<(&str, Vec<&str>)> = headers
        .split("\n\n")
        .flat_map(|block| {
            let lines: Vec<&str> = block.lines().filter(|l| !l.starts_with('#')).collect();
            lines.first().map(|path| (*path, lines[1..].to_vec()))
        })
        .collect();
    assert_eq!(rules.len(), 1, "{rules:?}");
    let (pattern, set) = &rules[0];
    assert_eq!(
        set,
        &vec!["  Cache-Control: public, max-age=31536000, immutable"]
    );
    // `:version` matches one path segment, `*` the rest (the hosts' documented semantics).
    let matcher = regex::Regex::new(&format!(
        "^{}$",
        pattern.replace(":version", "[^/]+").replace('*', ".*")
    ))
    .unwrap();
    let hashed_file = regex::Regex::new("^/search/[0-9a-f]{16}/").unwrap();
    for path in snapshot(&public).keys() {
        let url = format!("/{}", path.to_string_lossy());
        let hashed = hashed_file.is_match(&url);
        assert_eq!(matcher.is_match(&url), hashed, "{url}");
    }
    for page in ["/", "/search/", "/acme-api/port-already-in-use/"] {
        assert!(!matcher.is_match(page), "{page}");
    }
}

#[test]
fn nginx_serves_the_site_with_the_snippets_caching() {
    let nginx = tool("nginx");
    let site = new_site(&[]);
    // A captured run, as a page would cite it (`kind: capture`): published from static/.
    let capture = site.path().join("static/captures/demo/run.log");
    fs::create_dir_all(capture.parent().unwrap()).unwrap();
    fs::write(&capture, "ERROR: quota exceeded\n").unwrap();
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = site.path().join("public");
    let prefix = tempfile::tempdir().unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let conf = format!(
        "worker_processes 1;\nerror_log {p}/error.log;\npid {p}/nginx.pid;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  \
         fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  \
         types {{ text/html html; text/javascript js; text/css css; }}\n  \
         default_type application/octet-stream;\n  \
         server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    include {snippet};\n  }}\n}}\n",
        p = prefix.path().display(),
        root = public.display(),
        snippet = site.path().join("deploy/nginx-errbook.conf").display(),
    );
    let conf_file = prefix.path().join("nginx.conf");
    fs::write(&conf_file, conf).unwrap();
    // Workers read the site as the user nginx runs as: let them in (tempdirs are private).
    for dir in [site.path(), prefix.path()] {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let conf_arg = conf_file.to_str().unwrap();
    let test = run(
        &nginx,
        &["-t", "-c", conf_arg, "-g", "daemon off; user root;"],
        prefix.path(),
    );
    assert!(test.status.success(), "nginx -t: {}", text(&test));
    /// Stops nginx however the test ends: SIGTERM to the master, which stops its workers
    /// (SIGKILL would leave them running).
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let _ = self.0.wait();
        }
    }
    let _server = Running(
        Command::new(&nginx)
            .args(["-c", conf_arg, "-g", "daemon off; user root;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let error_log = prefix.path().join("error.log");
    let get = |path: &str| {
        let started = Instant::now();
        loop {
            match agent.get(&format!("http://127.0.0.1:{port}{path}")).call() {
                Ok(response) => return response,
                Err(e) if started.elapsed() > Duration::from_secs(20) => panic!(
                    "nginx: {e}\n{}",
                    fs::read_to_string(&error_log).unwrap_or_default()
                ),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    };
    let version = fs::read_dir(public.join("search"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let cache = |path: &str| {
        let response = get(path);
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let immutable = Some("public, max-age=31536000, immutable".to_string());
    let revalidate = Some("no-cache".to_string());
    assert_eq!(cache(&format!("/search/{version}/manifest.js")), immutable);
    for path in [
        "/",
        "/acme-api/port-already-in-use/",
        "/search/",
        "/search/entry.js",
        "/css/errbook.css",
    ] {
        assert_eq!(cache(path), revalidate, "{path}");
    }
    let log = get("/captures/demo/run.log");
    assert_eq!(log.status().as_u16(), 200);
    let header = |name: &str| {
        log.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/plain; charset=utf-8"),
        "a capture shows as text"
    );
    assert_eq!(header("cache-control"), revalidate);
    let missing = get("/no/such/page/");
    assert_eq!(missing.status().as_u16(), 404);
    let body = missing.into_body().read_to_string().unwrap();
    assert_eq!(
        body,
        read(public.join("404.html")),
        "the site's own 404 page"
    );
}
