//! `vigia config`: check a configuration file, or print the default one.
//!
//! Wiring only: the schema and its checks are the service's (`vigia_server::config`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use vigia_server::config::Config;

/// Arguments of `vigia config`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia config check vigia.toml
  vigia config default > vigia.toml")]
pub struct Args {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(clap::Subcommand)]
enum ConfigCommand {
    /// Validate a configuration file: syntax (with line and column) and every value.
    Check {
        /// The file.
        path: PathBuf,
    },
    /// Print an annotated configuration: every default with comments, plus example
    /// receivers, alert rules and sinks.
    Default,
}

/// Run `vigia config`.
pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        ConfigCommand::Check { path } => match Config::read(&path)?.check() {
            Ok(checked) => {
                for w in checked.warnings() {
                    eprintln!("vigia: warning: {w}");
                }
                println!(
                    "{}: ok ({} sources, zones {}, API on {})",
                    path.display(),
                    checked.sources.len(),
                    checked.config.zones,
                    checked.listen
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(problems) => {
                for p in &problems {
                    eprintln!("{}: {p}", path.display());
                }
                Ok(ExitCode::FAILURE)
            }
        },
        ConfigCommand::Default => {
            print!("{}", vigia_server::config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
    }
}
