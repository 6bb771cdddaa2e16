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
    Build {
        /// Render every file instead of taking unchanged ones from the previous build.
        #[arg(long)]
        clean: bool,
        /// Print every diagnostic, not only the first few of each rule.
        #[arg(long, short)]
        verbose: bool,
    },
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
        Command::Build { clean, verbose } => {
            let started = std::time::Instant::now();
            let outcome = errbook::build(&BuildOptions {
                root: cli.root.clone(),
                clean: *clean,
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
        } => {
            let (site, diagnostics) = errbook::build::check_all(&cli.root)?;
            let checked = site.as_ref().map_or(0, |s| s.pages.len());
            match format {
                Format::Human => {
                    let stdout = report::stdout();
                    report::human(&diagnostics, &cli.root, &stdout);
                    if diagnostics.is_empty() {
                        stdout.line(format_args!("checked {checked} pages: no problems"));
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
        } => validate(validator, file, *format),
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
) -> Result<u8, errbook::Error> {
    use errbook::validators;
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
    let findings = validator.validate(&text);
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
            let file = errbook::source::SourceFile::new(name.clone(), text);
            let diagnostics = validators::output::diagnostics(&findings, &file);
            report::human_in_memory(&diagnostics, &file, &stdout);
            if findings.is_empty() {
                stdout.line(format_args!(
                    "{name}: no problems found by {}",
                    validator.id()
                ));
            }
        }
    }
    let failing = findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if failing { PROBLEMS } else { OK })
}
