//! The `errbook` command line: parses arguments, calls the library, maps outcomes to exit codes
//! (0 clean, 1 problems found, 2 could not run).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use errbook::{BuildOptions, BuildOutcome, Severity, report};

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
    /// Preview the site: build it in memory, serve it, rebuild and reload on every edit.
    Serve {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
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
            let checked = site.map_or(0, |s| s.pages.len());
            match format {
                Format::Human => {
                    let mut stdout = report::stdout();
                    let _ = report::human(&diagnostics, &cli.root, &mut stdout);
                    if diagnostics.is_empty() {
                        println!("checked {checked} pages: no problems");
                    }
                }
                Format::Json => println!("{}", errbook::check::format::json(&diagnostics, checked)),
                Format::Sarif => println!("{}", errbook::check::format::sarif(&diagnostics)),
                Format::Github => print!("{}", errbook::check::format::github(&diagnostics)),
            }
            let failing = diagnostics.iter().any(|d| {
                d.severity == Severity::Error || (*deny_warnings && d.severity == Severity::Warning)
            });
            Ok(if failing { PROBLEMS } else { OK })
        }
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
    }
}
