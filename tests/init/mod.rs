//! Starting a site: `errbook init` and what it writes (CI files, schemas, publishing files),
//! shell completions and the manual; `schema` agreement with the loaders ([`schema`]); the
//! deploy flags and drafts ([`deploy`]). The external checkers (check-jsonschema, actionlint,
//! taplo, nginx) are real programs that `.ci/run` installs; a missing one fails the test.

mod deploy;
mod schema;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{browser, errbook, read, snapshot, stderr};

/// An external program the tests run, found on PATH; a missing one fails the test with how
/// to install it (never skips it).
pub fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    // Daemons such as nginx live in sbin, which a user's PATH may leave out.
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` is not installed: `pip install -r tests/requirements.txt` brings \
                 check-jsonschema, actionlint and taplo; `apt-get install nginx` brings nginx \
                 (.ci/run installs them all)"
            )
        })
}

/// Runs a program and returns its output.
pub fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A fresh site made by `errbook init` with these extra arguments.
pub fn new_site(extra: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec!["init", "--tool", "acme-api"];
    args.extend_from_slice(extra);
    let out = errbook(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    tmp
}

const EXAMPLE: &str = "content/acme-api/port-already-in-use.md";

#[test]
fn init_makes_a_site_that_checks_clean_builds_and_finds_its_page() {
    let site = new_site(&[]);
    let root = site.path();
    for file in [
        "errbook.toml",
        EXAMPLE,
        "templates/README.md",
        "static/_headers",
        "deploy/nginx-errbook.conf",
        ".errbook/schema/page.json",
        ".errbook/schema/config.json",
        ".github/workflows/errbook.yml",
        ".gitignore",
    ] {
        assert!(root.join(file).is_file(), "init did not write {file}");
    }
    assert!(!root.join(".gitlab-ci.yml").exists());
    let page = read(root.join(EXAMPLE));
    assert!(
        page.starts_with("---\n# yaml-language-server: $schema=../../.errbook/schema/page.json\n")
    );
    assert!(
        read(root.join("errbook.toml")).starts_with("#:schema ./.errbook/schema/config.json\n")
    );
    assert!(read(root.join(".gitignore")).contains("/.errbook/cache/"));

    let checked = errbook(root, &["check", "--deny-warnings"]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
    assert!(text(&checked).contains("checked 1 pages: no problems"));
    let built = errbook(root, &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let html = read(root.join("public/acme-api/port-already-in-use/index.html"));
    assert!(html.contains("Example: acme-api does not start because its port is already in use"));
    assert!(
        root.join("public/_headers").is_file(),
        "static/_headers is published"
    );

    // A real Node.js message finds the page, through the same index the browser gets.
    let found = errbook(
        root,
        &[
            "search",
            "--json",
            "Error: listen EADDRINUSE: address already in use :::8080",
        ],
    );
    assert_eq!(found.status.code(), Some(0), "{}", text(&found));
    let json: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(json["results"][0]["slug"], "port-already-in-use");
    assert!(json["results"][0]["signature"].is_string(), "{json}");
}

#[test]
fn the_init_site_searches_in_headless_chromium() {
    let site = new_site(&[]);
    let built = errbook(site.path(), &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let scripts = browser::scripts();
    let out = Command::new("node")
        .arg(scripts.join("init_site.js"))
        .arg(site.path().join("public"))
        .arg("Error: listen EADDRINUSE: address already in use 0.0.0.0:3000")
        .arg("acme-api/port-already-in-use/")
        .output()
        .expect("node runs");
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn init_refuses_a_directory_with_errbook_files_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("errbook.toml"), "title = \"mine\"\n").unwrap();
    fs::create_dir_all(tmp.path().join("content/x")).unwrap();
    fs::write(tmp.path().join("content/x/page.md"), "my page").unwrap();
    fs::write(tmp.path().join("README.md"), "hello").unwrap();
    let before = snapshot(tmp.path());
    let out = errbook(tmp.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = stderr(&out);
    assert!(
        said.contains("already has errbook.toml, content") && said.contains("never overwrites"),
        "{said}"
    );
    assert_eq!(snapshot(tmp.path()), before, "init changed a file");
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 3);

    // A workflow of the same name is not replaced either.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join(".github/workflows")).unwrap();
    fs::write(other.path().join(".github/workflows/errbook.yml"), "mine").unwrap();
    let out = errbook(other.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".github/workflows/errbook.yml"));
    assert!(!other.path().join("errbook.toml").exists());

    // Other files are fine: a new repository with a README and a .gitignore.
    let repo = tempfile::tempdir().unwrap();
    fs::write(repo.path().join("README.md"), "hello").unwrap();
    fs::write(repo.path().join(".gitignore"), "/target\n").unwrap();
    let out = errbook(repo.path(), &["init", "--ci", "gitlab", "--title", "Acme"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(read(repo.path().join("README.md")), "hello");
    assert_eq!(
        read(repo.path().join(".gitignore")),
        "/target\n# errbook: the built site and the search index cache\n/public/\n/.public.errbook-spare/\n/.errbook/cache/\n"
    );
    assert!(repo.path().join(".gitlab-ci.yml").is_file());
    assert!(!repo.path().join(".github").exists());
}

#[test]
fn init_refuses_bad_options_and_writes_into_a_new_directory() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["init", "--tool", "Acme API"][..],
        &["init", "--tool", "search"],
        &["init", "--base-url", "errors.example.org"],
        &["init", "--title", " "],
    ] {
        let out = errbook(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    let file = tmp.path().join("a-file");
    fs::write(&file, "").unwrap();
    let out = errbook(tmp.path(), &["init", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));

    let nested = tmp.path().join("kb/errors");
    let out = errbook(
        tmp.path(),
        &[
            "init",
            nested.to_str().unwrap(),
            "--base-url",
            "https://errors.example.org",
            "--ci",
            "none",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        read(nested.join("errbook.toml")).contains("base_url = \"https://errors.example.org/\"")
    );
    assert!(!nested.join(".github").exists() && !nested.join(".gitlab-ci.yml").exists());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("cd {}", nested.display())));
}

#[test]
fn the_github_workflow_is_actionlint_clean_and_follows_the_workflow_schema() {
    let site = new_site(&["--errbook-git", "https://git.example.org/errbook.git"]);
    let workflow = ".github/workflows/errbook.yml";
    let text_of = read(site.path().join(workflow));
    assert!(text_of.contains(&format!(
        "ERRBOOK_VERSION: \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(
        text_of
            .contains("cargo install --locked --git \"$ERRBOOK_GIT\" --tag \"v$ERRBOOK_VERSION\"")
    );
    assert!(text_of.contains("errbook check --format sarif > errbook.sarif"));
    assert!(text_of.contains("github/codeql-action/upload-sarif@v4"));
    assert!(text_of.contains("actions/deploy-pages@v5"));
    // actionlint also runs shellcheck on the run: scripts when shellcheck is installed.
    let out = run(
        &tool("actionlint"),
        &["-color=false", workflow],
        site.path(),
    );
    assert!(out.status.success(), "actionlint:\n{}", text(&out));
    let out = run(
        &tool("check-jsonschema"),
        &["--builtin-schema", "vendor.github-workflows", workflow],
        site.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_gitlab_pipeline_follows_the_gitlab_ci_schema() {
    let site = new_site(&[
        "--ci",
        "gitlab",
        "--errbook-git",
        "https://git.example.org/e.git",
    ]);
    let pipeline = read(site.path().join(".gitlab-ci.yml"));
    assert!(pipeline.contains("errbook build --base-url \"$CI_PAGES_URL/\""));
    assert!(pipeline.contains("- public"));
    let out = run(
        &tool("check-jsonschema"),
        &[
            "--builtin-schema",
            "vendor.gitlab-ci",
            "--data-transform",
            "gitlab-ci",
            ".gitlab-ci.yml",
        ],
        site.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn completions_for_every_shell_and_a_manual_page() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = errbook(tmp.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["init", "schema", "completions", "base-url", "deny-warnings"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        if shell == "bash" {
            let file = tmp.path().join("errbook.bash");
            fs::write(&file, &script).unwrap();
            let out = run(
                Path::new("bash"),
                &["-n", file.to_str().unwrap()],
                tmp.path(),
            );
            assert!(out.status.success(), "bash -n: {}", text(&out));
        }
    }
    let out = errbook(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));

    let man = errbook(tmp.path(), &["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH errbook 1"),
        "{page}"
    );
    assert!(page.contains(".TH errbook 1"));
    for word in ["init", "build", "check", "serve", "schema", "completions"] {
        assert!(page.contains(word), "the manual lacks {word}");
    }
}
