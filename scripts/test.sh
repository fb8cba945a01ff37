#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's unit and integration tests, then the
# live map's browser tests (scripts/e2e.sh: Debian's Chromium and playwright-core).
# Installs what the tests need (Debian packages, npm packages) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# The interop test of `vigia run` talks to a real dump1090 (Debian's dump1090-mutability).
if ! command -v dump1090-mutability >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y dump1090-mutability
fi
# The PostgreSQL + PostGIS store backend is tested against a real server: each test process
# starts a throwaway cluster on loopback with Debian's binaries (vigia_store::testing) and
# stops it when it ends. Installing the packages must not leave a system cluster running:
# Debian's postgresql-common is told not to create one.
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
if [ ${#need[@]} -gt 0 ]; then
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -o Dpkg::Options::=--force-confold "${need[@]}"
fi
# The frame bus (`vigia gateway`, `vigia worker`) is tested against a real NATS server with
# JetStream (Debian's nats-server): each test starts its own on a loopback port with a store in
# its temporary directory, and kills it when it ends. The package's system service is not
# wanted: disabled and stopped if the package started it.
if ! command -v nats-server >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nats-server
    (systemctl disable --now nats-server >/dev/null 2>&1 || true)
fi
# The Parquet tests compare with Apache Arrow's reference implementation (pyarrow, PyPI).
if ! python3 -c 'import pyarrow' >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check 'pyarrow==26.0.1'
fi
# A clean clone builds once: incremental caches would only add gigabytes to target/.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# Floods, hostile documents and slow clients against the service on loopback, with bounds on
# memory and latency (scripts/abuse.py; the full-size figures are in SECURITY.md).
python3 scripts/abuse.py --quick --vigia target/debug/vigia
# The live map in a real browser; it installs chromium and playwright-core itself and fails
# (rather than skips) when it cannot. It runs the binary `cargo test` just built (the test
# profile: optimised, opt-level 1) rather than building a release one, which cost CI 3 minutes.
VIGIA=target/debug/vigia bash scripts/e2e.sh
# The Debian package installed for real with dpkg (its user, state directory, systemd unit
# checked by systemd-analyze), run as its user, purged; around the same test-profile binary.
VIGIA=target/debug/vigia bash scripts/deb_test.sh
