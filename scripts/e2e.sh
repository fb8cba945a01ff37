#!/usr/bin/env bash
# Browser tests of the live map (tests/e2e): Debian's Chromium driven by playwright-core
# against a vigia service fed by the simulator, all on loopback. Installs what it needs:
# chromium (apt-get, as root), node (apt-get, if missing) and playwright-core (npm ci from the
# committed lock file; never `playwright install`: the browser is Debian's). Screenshots go to
# target/e2e-artifacts/. Exits non-zero on any failure, including a missing prerequisite.
#
#   bash scripts/e2e.sh            # build vigia (release), start the service, run the tests
#   VIGIA=path/to/vigia bash scripts/e2e.sh   # use that binary instead of building one
set -euo pipefail
cd "$(dirname "$0")/.."

ARTIFACTS=target/e2e-artifacts
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

as_root_apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "e2e: $* missing; install it (apt-get install -y $*) or run as root" >&2
        exit 1
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

[ -x "$CHROMIUM" ] || as_root_apt_install chromium
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || as_root_apt_install nodejs npm
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

if [ -z "${VIGIA:-}" ]; then
    cargo build --release --locked -p vigia
    VIGIA=target/release/vigia
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

# `vigia demo`: the bundled scenarios and a real capture replayed through `vigia run` on a
# fresh store. At 20 times real time the P-8 clips Mexico's territorial sea within seconds and
# the MQ-9's orbit is reported about a minute and a half in.
HTTP_PORT=$(free_port)
TOKEN=e2e-$RANDOM$RANDOM
"$VIGIA" demo --listen "127.0.0.1:$HTTP_PORT" --speed 20 --db "$WORK/vigia.db" --token "$TOKEN" >"$WORK/service.log" 2>&1 &
PIDS+=($!)
URL="http://127.0.0.1:$HTTP_PORT"

healthy() {
    node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$URL/healthz"
}
# The demo prepares its replay before listening: a second or two (release build).
for _ in $(seq 1 150); do
    healthy && break
    sleep 0.2
done
if ! healthy; then
    echo "e2e: the service did not answer $URL/healthz" >&2
    cat "$WORK"/*.log >&2
    exit 1
fi

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
status=0
VIGIA_URL=$URL VIGIA_TOKEN=$TOKEN E2E_ARTIFACTS=$PWD/$ARTIFACTS CHROMIUM=$CHROMIUM \
    timeout 300 node --test --test-reporter=spec --test-concurrency=1 tests/e2e/i18n.test.js tests/e2e/map.test.js || status=$?
cp "$WORK"/*.log "$ARTIFACTS/"
if [ "$status" -ne 0 ]; then
    echo "e2e: failed (exit $status); logs and screenshots in $ARTIFACTS" >&2
    tail -n 20 "$WORK/service.log" >&2
fi
exit "$status"
