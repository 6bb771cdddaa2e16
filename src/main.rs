//! The `errbook` command line: parses arguments, calls the library, maps outcomes to exit codes
//! (0 clean, 1 problems found, 2 could not run).

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    /// Build the static site into the output directory (public/ by default).
    Build,
    /// Check every page: structure, evidence, fixes and text quality.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
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
    let cli = Cli::parse();
    let code = match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            COULD_NOT_RUN
        }
    };
    ExitCode::from(code)
}

fn run(cli: &Cli) -> Result<u8, errbook::Error> {
    match &cli.command {
        Command::Build => {
            let started = std::time::Instant::now();
            let outcome = errbook::build(&BuildOptions {
                root: cli.root.clone(),
            })?;
            let mut stderr = report::stderr();
            match outcome {
                BuildOutcome::Built(built) => {
                    let _ = report::human(&built.diagnostics, &cli.root, &mut stderr);
                    let stages: Vec<String> = built
                        .timings
                        .iter()
                        .map(|(stage, t)| format!("{stage} {} ms", t.as_millis()))
                        .collect();
                    eprintln!(
                        "built {} pages ({} files) into {} in {} ms ({})",
                        built.pages,
                        built.files,
                        built.output_dir.display(),
                        started.elapsed().as_millis(),
                        stages.join(", ")
                    );
                    Ok(OK)
                }
                BuildOutcome::Failed(diagnostics) => {
                    let _ = report::human(&diagnostics, &cli.root, &mut stderr);
                    eprintln!("build failed; the previous output was left as it was");
                    Ok(PROBLEMS)
                }
            }
        }
        Command::Check {
            format,
            deny_warnings,
        } => {
            let (site, diagnostics) = errbook::build::check_all(&cli.root)?;
            let checked = site.as_ref().map_or(0, |s| s.pages.len());
            match format {
                Format::Human => {
                    let mut stdout = report::stdout();
                    let _ = report::human(&diagnostics, &cli.root, &mut stdout);
                    if diagnostics.is_empty() {
                        println!("checked {checked} pages: no problems");
                    }
                }
                Format::Json => {
                    let mut out = BufWriter::new(std::io::stdout().lock());
                    let _ = errbook::check::format::write_json(&mut out, &diagnostics, checked)
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
        Command::Serve { port, bind } => {
            errbook::serve::serve(&errbook::serve::ServeOptions {
                root: cli.root.clone(),
                bind: *bind,
                port: *port,
            })?;
            Ok(OK)
        }
        Command::Search {
            json,
            limit,
            tool,
            category,
            text,
        } => {
            let text = if text.len() == 1 && text[0] == "-" {
                let mut input = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
                    .map_err(|e| errbook::Error::new(format!("could not read stdin: {e}")))?;
                input
            } else {
                text.join(" ")
            };
            let index = errbook::search::for_root(&cli.root)?;
            let filter = errbook::search::Filter {
                tool: tool.clone(),
                category: category.clone(),
            };
            index.check_filter(&filter)?;
            let hits = index.query(&text, *limit, &filter);
            if *json {
                println!("{}", errbook::search::results_json(&hits));
            } else {
                for (n, hit) in hits.iter().enumerate() {
                    println!("{}. {}\n   {}", n + 1, hit.title, hit.url);
                    if let Some(signature) = &hit.signature {
                        println!("   matched signature: {signature}");
                    }
                }
                if hits.is_empty() {
                    eprintln!("no page matches");
                }
            }
            Ok(if hits.is_empty() { PROBLEMS } else { OK })
        }
    }
}

/// `errbook validate`: runs one validator on a file or stdin; exit 1 on error-level findings.
fn validate(
    id: &str,
    path: &std::path::Path,
    format: ValidateFormat,
    level: errbook::validators::level::Level,
) -> Result<u8, errbook::Error> {
    use errbook::validators::{self, includes};
    use std::io::{Read, Write};

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
    let mut stdout = report::stdout();
    match format {
        ValidateFormat::Json => {
            let _ = writeln!(stdout, "{}", validators::output::json(&findings));
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
            let _ = report::human_in_memory_files(&diagnostics, &files, &mut stdout);
            if findings.is_empty() {
                let _ = writeln!(stdout, "{name}: no problems found by {}", validator.id());
            }
            if hidden > 0 {
                let _ = writeln!(
                    stdout,
                    "{hidden} finding{} below the `{level}` level not shown; `--level info` shows everything",
                    if hidden == 1 { "" } else { "s" }
                );
            }
        }
    }
    Ok(if failing { PROBLEMS } else { OK })
}
