//! The `errbook` command line: parses arguments, calls the library, maps outcomes to exit codes
//! (0 clean, 1 problems found, 2 could not run).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use errbook::{BuildOptions, BuildOutcome, report};

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
    /// Create content/<tool>/<slug>.md with every section and commented front matter.
    New {
        /// The page to create, as <tool>/<slug>.
        page: String,
    },
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
        Command::New { page } => {
            let today = jiff::ZonedDateTime::now().date();
            let path = errbook::scaffold::new_page(&cli.root, page, today)?;
            eprintln!("created {}", path.display());
            Ok(OK)
        }
    }
}
