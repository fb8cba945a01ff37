#!/usr/bin/env bash
# vigia beside traffic (PyPI) on the same real trajectories and the same question: which
# flights entered Mexico's sovereign airspace, and when. Installs traffic in a virtual
# environment under target/ (once), builds vigia (release), runs scripts/traffic_compare.py.
# Exit status 0 when the two agree. Not part of the test suite (it downloads from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/traffic-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import traffic" 2>/dev/null; then
    python3 -m venv "$venv"
    # traffic 2.13 imports pandas internals that pandas 3 removed.
    "$venv/bin/pip" install -q "traffic==2.13" "pandas<3"
fi
cargo build --release -q -p vigia
VIGIA=target/release/vigia "$venv/bin/python" scripts/traffic_compare.py
