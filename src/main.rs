//! The `errbook` command line: parses arguments, calls the library, maps outcomes to exit codes
//! (0 clean, 1 problems found, 2 could not run).

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use errbook::{BuildOptions, BuildOutcome, Severity, report};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "errbook",
    version,
    about = "A static site generator for error-troubleshooting knowledge bases"
)]
struct Cli {
    /// The site's directory (holds errbook.toml and content/).
    #[arg(long, global = false, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new site: errbook.toml, an example page, editor schemas, CI and publishing files.
    Init {
        /// The directory (default: --root, the current one). It must hold no errbook files;
        /// nothing is ever overwritten.
        dir: Option<PathBuf>,
        /// The site's title (default: "<tool> errors").
        #[arg(long)]
        title: Option<String>,
        /// The URL the site will be published at (default: https://example.org/).
        #[arg(long)]
        base_url: Option<String>,
        /// The tool the errors come from: the example page goes to content/<tool>/.
        #[arg(long, default_value = "my-service")]
        tool: String,
        /// Which CI workflow to write.
        #[arg(long, value_enum, default_value_t = CiChoice::Github)]
        ci: CiChoice,
        /// The git repository the CI workflow installs errbook from (default: errbook's own).
        #[arg(long, value_name = "URL")]
        errbook_git: Option<String>,
    },
    /// Build the static site into the output directory (public/ by default).
    Build {
        /// Render every file and count every page for the search index, taking nothing from
        /// the previous build.
        #[arg(long)]
        clean: bool,
        /// Print every diagnostic, not only the first few of each rule.
        #[arg(long, short)]
        verbose: bool,
        /// Publish for another URL (a deploy preview): canonical URLs, the sitemap and the feed
        /// use it instead of base_url of errbook.toml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Write the site here instead of output_dir of errbook.toml; it may lie outside the
        /// site (e.g. a web root). Relative to the current directory.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Replace the output directory even if errbook did not write it.
        #[arg(long)]
        force: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check every page: structure, evidence, fixes and text quality.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Check pages marked `draft: true` as well.
        #[arg(long)]
        drafts: bool,
        /// Also fetch every source: dead links, moved pages, and GitHub issues and pull
        /// requests whose title, date or state differ from what the page says.
        #[arg(long)]
        online: bool,
        /// Report what the last online check found, from .errbook/cache/online/, without
        /// the network.
        #[arg(long)]
        offline_cache_only: bool,
    },
    /// Create content/<tool>/<slug>.md with every section and commented front matter.
    New {
        /// The page to create, as <tool>/<slug>.
        page: String,
    },
    /// Check a config file with an embedded validator (e.g. litellm-proxy).
    Validate {
        /// The validator's id.
        validator: String,
        /// The config file, or - to read standard input.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
        format: ValidateFormat,
        /// The least severe findings shown: error, warning (the default) or info (also the
        /// advice and listings).
        #[arg(long, value_enum, default_value_t = ValidateLevel::Warning)]
        level: ValidateLevel,
    },
    /// Preview the site: build it in memory, serve it, rebuild and reload on every edit.
    Serve {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Let pages of this origin (e.g. https://errors.example.org) call the API from the
        /// browser (CORS). Repeat for several origins.
        #[arg(long, value_name = "ORIGIN")]
        allow_origin: Vec<String>,
        /// Serve only the validator API (and /healthz), without building or watching a site:
        /// the stateless service behind validator_endpoint.
        #[arg(long)]
        api_only: bool,
    },
    /// Find the pages that explain an error: pass its text, or `-` to read a log from stdin.
    Search {
        /// Print `{"results": [...]}` instead of a list.
        #[arg(long)]
        json: bool,
        /// How many results to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only pages of this tool (its directory under content/).
        #[arg(long)]
        tool: Option<String>,
        /// Only pages of this category (an id from errbook.toml).
        #[arg(long)]
        category: Option<String>,
        /// The error text, or `-` for standard input.
        #[arg(required = true)]
        text: Vec<String>,
    },
    /// Print the JSON Schema (2020-12) of the page front matter or of errbook.toml.
    Schema {
        #[arg(value_enum)]
        document: SchemaChoice,
    },
    /// Print shell completions: `errbook completions bash > /etc/bash_completion.d/errbook`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `errbook man > errbook.1`.
    Man,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CiChoice {
    Github,
    Gitlab,
    None,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaChoice {
    Page,
    Config,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ValidateFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ValidateLevel {
    Error,
    Warning,
    Info,
}

impl From<ValidateLevel> for errbook::validators::level::Level {
    fn from(level: ValidateLevel) -> Self {
        match level {
            ValidateLevel::Error => Self::Error,
            ValidateLevel::Warning => Self::Warning,
            ValidateLevel::Info => Self::Info,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

const OK: u8 = 0;
const PROBLEMS: u8 = 1;
const COULD_NOT_RUN: u8 = 2;

fn main() -> ExitCode {
    return_freed_memory_soon();
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        quit_quietly_on_closed_stdout();
    }
    let code = match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            COULD_NOT_RUN
        }
    };
    ExitCode::from(code)
}

/// A build frees much of what it allocates stage by stage (the search index's counts, a
/// chunk of rendered pages). mimalloc keeps freed memory for a second by default, which held
/// about 50 MiB more at the peak of a 10,000-page build; returning it at once (a delay of 0)
/// cost a TLB shootdown on every core for each page freed, a tenth of an incremental build's
/// samples in `perf`. Ten milliseconds keeps the peak within 6 MiB of an immediate return
/// and batches the shootdowns. `MIMALLOC_PURGE_DELAY` still wins.
fn return_freed_memory_soon() {
    /// `mi_option_purge_delay` of mimalloc.h (libmimalloc-sys names only older options).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    /// Milliseconds.
    const DELAY: std::os::raw::c_long = 10;
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, DELAY) };
}

/// `errbook search … | head -1`: when the reader of stdout goes away, end as `cat` and `grep`
/// do, without a word. Rust ignores SIGPIPE, so every `println!` after that would panic with
/// "Broken pipe"; the default action ends the process instead. Not for `serve`, which writes
/// to sockets and must outlive any one reader.
fn quit_quietly_on_closed_stdout() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(cli: &Cli) -> Result<u8, errbook::Error> {
    match &cli.command {
        Command::Init {
            dir,
            title,
            base_url,
            tool,
            ci,
            errbook_git,
        } => init(cli, dir.as_ref(), title, base_url, tool, *ci, errbook_git),
        Command::Build {
            clean,
            verbose,
            base_url,
            output_dir,
            force,
            drafts,
        } => {
            let started = std::time::Instant::now();
            let outcome = errbook::build(&BuildOptions {
                root: cli.root.clone(),
                clean: *clean,
                base_url: base_url.clone(),
                output_dir: output_dir.clone(),
                force: *force,
                drafts: *drafts,
            })?;
            let stderr = report::stderr();
            match outcome {
                BuildOutcome::Built(built) => {
                    report::build_summary(&built.diagnostics, &cli.root, &stderr, *verbose);
                    let stages: Vec<String> = built
                        .timings
                        .iter()
                        .map(|t| match t.cpu {
                            Some(cpu) => format!(
                                "{} {} ms, cpu {} ms",
                                t.stage,
                                t.wall.as_millis(),
                                cpu.as_millis()
                            ),
                            None => format!("{} {} ms", t.stage, t.wall.as_millis()),
                        })
                        .collect();
                    stderr.line(format_args!(
                        "built {} pages ({} files, {} rendered) into {} in {} ms ({})",
                        built.pages,
                        built.files,
                        built.rendered,
                        built.output_dir.display(),
                        started.elapsed().as_millis(),
                        stages.join("; ")
                    ));
                    // The process ends here: freeing the site page by page would only cost time.
                    std::mem::forget(built);
                    Ok(OK)
                }
                BuildOutcome::Failed(diagnostics) => {
                    report::build_summary(&diagnostics, &cli.root, &stderr, *verbose);
                    stderr.line("build failed; the previous output was left as it was");
                    Ok(PROBLEMS)
                }
            }
        }
        Command::Check {
            format,
            deny_warnings,
            drafts,
            online,
            offline_cache_only,
        } => {
            let load = errbook::build::LoadOptions {
                drafts: *drafts,
                base_url: None,
            };
            let (site, mut diagnostics) = errbook::build::check_all(&cli.root, &load)?;
            let checked = site.as_ref().map_or(0, |s| s.pages.len());
            let mode = match (*online, *offline_cache_only) {
                (_, true) => Some(errbook::online::Mode::CacheOnly),
                (true, false) => Some(errbook::online::Mode::Online),
                (false, false) => None,
            };
            let mut online_report = None;
            if let (Some(mode), Some(site)) = (mode, &site) {
                let progress = matches!(format, Format::Human) && std::io::stderr().is_terminal();
                let verified =
                    errbook::online::verify(site, &errbook::online::Options { mode, progress })?;
                diagnostics.extend(verified.diagnostics);
                errbook::Diagnostic::sort(&mut diagnostics);
                online_report = Some(verified.report);
            }
            match format {
                Format::Human => {
                    let stdout = report::stdout();
                    report::human(&diagnostics, &cli.root, &stdout);
                    if let Some(online) = &online_report {
                        stdout.line(online_summary(online));
                    }
                    if diagnostics.is_empty() {
                        stdout.line(format_args!("checked {checked} pages: no problems"));
                    }
                }
                Format::Json => {
                    let mut out = BufWriter::new(std::io::stdout().lock());
                    let _ = errbook::check::format::write_json_with(
                        &mut out,
                        &diagnostics,
                        checked,
                        online_report.as_ref(),
                    )
                    .and_then(|()| writeln!(out))
                    .and_then(|()| out.flush());
                }
                Format::Sarif => println!("{}", errbook::check::format::sarif(&diagnostics)),
                Format::Github => print!("{}", errbook::check::format::github(&diagnostics)),
            }
            let failing = diagnostics.iter().any(|d| {
                d.severity == Severity::Error || (*deny_warnings && d.severity == Severity::Warning)
            });
            // The process ends here: freeing every page one by one would only cost time.
            std::mem::forget(site);
            std::mem::forget(diagnostics);
            Ok(if failing { PROBLEMS } else { OK })
        }
        Command::Validate {
            validator,
            file,
            format,
            level,
        } => validate(validator, file, *format, (*level).into()),
        Command::New { page } => {
            let today = jiff::ZonedDateTime::now().date();
            let path = errbook::scaffold::new_page(&cli.root, page, today)?;
            eprintln!("created {}", path.display());
            Ok(OK)
        }
        Command::Serve {
            port,
            bind,
            allow_origin,
            api_only,
        } => {
            errbook::serve::serve(&errbook::serve::ServeOptions {
                root: cli.root.clone(),
                bind: *bind,
                port: *port,
                allow_origins: allow_origin.clone(),
                api_only: *api_only,
            })?;
            Ok(OK)
        }
        Command::Schema { document } => {
            let document = match document {
                SchemaChoice::Page => errbook::schema::Document::Page,
                SchemaChoice::Config => errbook::schema::Document::Config,
            };
            let mut stdout = report::stdout();
            let _ = stdout.write_all(errbook::schema::to_json(document).as_bytes());
            Ok(OK)
        }
        Command::Completions { shell } => {
            let mut stdout = report::stdout();
            clap_complete::generate(*shell, &mut Cli::command(), "errbook", &mut stdout);
            Ok(OK)
        }
        Command::Man => {
            let mut stdout = report::stdout();
            clap_mangen::Man::new(Cli::command())
                .render(&mut stdout)
                .map_err(|e| errbook::Error::new(format!("could not write the manual: {e}")))?;
            Ok(OK)
        }
        Command::Search {
            json,
            limit,
            tool,
            category,
            text,
        } => {
            let paste = if text.len() == 1 && text[0] == "-" {
                let mut input = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut input)
                    .map_err(|e| errbook::Error::new(format!("could not read stdin: {e}")))?;
                errbook::search::Paste::from_bytes(&input)
            } else {
                errbook::search::Paste::from_text(text.join(" "))
            };
            let index = errbook::search::for_root(&cli.root)?;
            let filter = errbook::search::Filter {
                tool: tool.clone(),
                category: category.clone(),
            };
            index.check_filter(&filter)?;
            let hits = index.query(&paste.text, *limit, &filter);
            let found = hits
                .first()
                .is_some_and(|h| h.matched != errbook::search::Match::Words);
            if *json {
                println!("{}", errbook::search::response_json(&hits, &paste));
            } else {
                print_search(&hits, &paste);
            }
            Ok(if found { OK } else { PROBLEMS })
        }
    }
}

/// The human answer of `errbook search`: the pages that match the error, or a plain line
/// saying none does, with the pages that only share words listed as possibly related.
fn print_search(hits: &[errbook::search::SearchHit], paste: &errbook::search::Paste) {
    use errbook::search::Match;
    if paste.replaced_bytes > 0 {
        eprintln!(
            "note: {} byte(s) of the input were not UTF-8 and were read as U+FFFD",
            paste.replaced_bytes
        );
    }
    if paste.cut_bytes > 0 {
        eprintln!(
            "note: the input is over 1 MiB; its first {} byte(s) were not searched",
            paste.cut_bytes
        );
    }
    let matching = hits.iter().filter(|h| h.matched != Match::Words).count();
    if hits.is_empty() {
        println!("No page matches this error, and no page shares its words.");
        return;
    }
    if matching == 0 {
        println!("No page matches this error. Pages that share words with it (possibly related):");
    }
    for (n, hit) in hits.iter().enumerate() {
        if n == matching && matching > 0 {
            println!("Possibly related (shared words):");
        }
        println!("{}. {}\n   {}", n + 1, hit.title, hit.url);
        if let Some(signature) = &hit.signature {
            match hit.matched {
                Match::Partial => {
                    println!("   partial match (the text looks cut off) of signature: {signature}")
                }
                _ => println!("   matched signature: {signature}"),
            }
        }
    }
}

/// `errbook init`: writes the new site and says what comes next.
fn init(
    cli: &Cli,
    dir: Option<&PathBuf>,
    title: &Option<String>,
    base_url: &Option<String>,
    tool: &str,
    ci: CiChoice,
    errbook_git: &Option<String>,
) -> Result<u8, errbook::Error> {
    use errbook::init::{Ci, InitOptions};
    let dir = dir.cloned().unwrap_or_else(|| cli.root.clone());
    let created = errbook::init::init(&InitOptions {
        dir: dir.clone(),
        title: title.clone(),
        base_url: base_url.clone(),
        tool: tool.to_string(),
        ci: match ci {
            CiChoice::Github => Ci::Github,
            CiChoice::Gitlab => Ci::Gitlab,
            CiChoice::None => Ci::None,
        },
        errbook_git: errbook_git.clone(),
        today: jiff::ZonedDateTime::now().date(),
    })?;
    let mut out = report::stdout();
    let _ = writeln!(out, "created a knowledge base in {}:", dir.display());
    for file in &created.files {
        let _ = writeln!(out, "  {file}");
    }
    if !created.gitignore_added.is_empty() {
        let _ = writeln!(
            out,
            "  .gitignore (added {})",
            created.gitignore_added.join(", ")
        );
    }
    let cd = if dir == cli.root && dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!("  cd {}\n", dir.display())
    };
    let _ = writeln!(
        out,
        "\nnext:\n{cd}  errbook serve      # preview at http://127.0.0.1:1111/, rebuilt on every edit\n  \
         edit {} or add a page: errbook new {tool}/<slug>\n  \
         errbook check      # what the checks ask for, with file:line:col\n  \
         errbook build      # the static site, into public/\n  \
         commit and push: the CI workflow checks, builds and publishes it",
        created.example
    );
    if created.ci_needs_repository {
        eprintln!(
            "warning: this errbook was built without a repository URL: set ERRBOOK_GIT in the CI \
             file (or pass --errbook-git URL) so CI can install errbook"
        );
    }
    Ok(OK)
}

/// `online check: 40 sources: 38 checked (30 from the cache), 2 skipped; 52 requests;
/// signatures: 12 found in a source, 1 not found`.
fn online_summary(online: &errbook::online::Report) -> String {
    let s = &online.summary;
    let mut parts = vec![format!(
        "{} checked ({} from the cache)",
        s.checked, s.cached
    )];
    if s.skipped > 0 {
        parts.push(format!("{} skipped", s.skipped));
    }
    if s.unchecked > 0 {
        parts.push(format!("{} unchecked", s.unchecked));
    }
    let count = |status: &str| {
        online
            .signatures
            .iter()
            .filter(|x| x.status == status)
            .count()
    };
    let source = if online.mode == "cache-only" {
        "online check, from the cache only"
    } else {
        "online check"
    };
    let mut line = format!(
        "{source}: {} sources: {}; {} requests",
        s.sources,
        parts.join(", "),
        s.requests
    );
    if !online.signatures.is_empty() {
        line.push_str(&format!(
            "; signatures: {} found in a source, {} not found",
            count("found"),
            count("not-found")
        ));
        let unknown = count("unknown");
        if unknown > 0 {
            line.push_str(&format!(", {unknown} unknown (a source could not be read)"));
        }
    }
    line
}

/// `errbook validate`: runs one validator on a file or stdin; exit 1 on error-level findings.
fn validate(
    id: &str,
    path: &std::path::Path,
    format: ValidateFormat,
    level: errbook::validators::level::Level,
) -> Result<u8, errbook::Error> {
    use errbook::validators::{self, includes};
    use std::io::Read;

    let Some(validator) = validators::find(id) else {
        let ids: Vec<&str> = validators::ids().collect();
        let hint = match errbook::diagnostic::did_you_mean(id, &ids) {
            Some(close) => format!("did you mean `{close}`? "),
            None => String::new(),
        };
        return Err(errbook::Error::new(format!(
            "no validator `{id}`; {hint}validators: {}",
            ids.join(", ")
        )));
    };
    let stdin = path.as_os_str() == "-";
    let mut bytes = Vec::new();
    // Read one byte past the limit: enough to know the input is too large without holding it.
    let limit = validators::MAX_INPUT_BYTES as u64 + 1;
    let read = if stdin {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| errbook::Error::io("read", path, e))?;
    // Input over the limit is refused by the validator on its length; cutting it may have
    // split a character, which must not turn into a "not UTF-8" error.
    let text = if bytes.len() > validators::MAX_INPUT_BYTES {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        String::from_utf8(bytes)
            .map_err(|_| errbook::Error::new(format!("{} is not UTF-8 text", path.display())))?
    };
    // Included files are read next to the config, as LiteLLM reads them; stdin has no place.
    let findings = if stdin {
        validator.validate_with(&text, &includes::NotFollowed(includes::NOT_FROM_STDIN))
    } else {
        validator.validate_with(&text, &includes::FromDisk::new(path))
    };
    let failing = findings.iter().any(|f| f.severity == Severity::Error);
    let hidden = findings.iter().filter(|f| !level.shows(f.severity)).count();
    let findings = level.filter(findings);
    // A closed pipe (e.g. `| head`) is not an error worth a panic: write and ignore failures.
    let stdout = report::stdout();
    match format {
        ValidateFormat::Json => {
            stdout.line(validators::output::json(&findings));
        }
        ValidateFormat::Human => {
            let name = if stdin {
                "<stdin>".into()
            } else {
                path.display().to_string()
            };
            let mut files = vec![errbook::source::SourceFile::new(name.clone(), text)];
            // Findings in included files are shown with their lines, read back next to the
            // config (they were read from there a moment ago), and named from where the
            // command runs, like the config.
            let dir = path.parent().unwrap_or(std::path::Path::new(""));
            let mut findings = findings;
            for f in &mut findings {
                if let Some(included) = &f.file {
                    f.file = Some(errbook::source::display_path(&dir.join(included)));
                }
            }
            for included in findings.iter().filter_map(|f| f.file.as_deref()) {
                if files.iter().any(|f| f.display_path() == included) {
                    continue;
                }
                let at = std::path::Path::new(included);
                let text = std::fs::metadata(at)
                    .ok()
                    .filter(|m| m.is_file() && m.len() <= validators::MAX_INPUT_BYTES as u64)
                    .and_then(|_| std::fs::read(at).ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                files.push(errbook::source::SourceFile::new(included, text));
            }
            let diagnostics = validators::output::diagnostics_in(&findings, &files);
            report::human_in_memory_files(&diagnostics, &files, &stdout);
            if findings.is_empty() {
                stdout.line(format_args!(
                    "{name}: no problems found by {}",
                    validator.id()
                ));
            }
            if hidden > 0 {
                stdout.line(format_args!(
                    "{hidden} finding{} below the `{level}` level not shown; `--level info` shows everything",
                    if hidden == 1 { "" } else { "s" }
                ));
            }
        }
    }
    Ok(if failing { PROBLEMS } else { OK })
}
