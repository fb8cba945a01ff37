//! One module per subcommand: its clap `Args` and a `run` function returning the exit code.

pub mod analyze;
pub mod config;
pub mod decode;
pub mod demo;
pub mod report;
pub mod run;
pub mod sim;
pub mod tracks;
pub mod zones;
