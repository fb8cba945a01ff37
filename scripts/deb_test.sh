#!/usr/bin/env bash
# The Debian package, installed for real: builds it (scripts/deb.sh) around the given binary,
# checks the systemd unit (`systemd-analyze verify`), installs it with dpkg (its postinst makes
# the `vigia` user and /var/lib/vigia), runs the unit's command as that user the way systemd
# would (systemd itself does not run in a container), stops it with SIGTERM, then purges the
# package and checks it left nothing behind. Needs root (dpkg); refuses to touch a vigia
# package already installed.
#
#   VIGIA=target/debug/vigia bash scripts/deb_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "deb test: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i); run it as root or in CI"
if dpkg-query -W -f='${Status}' vigia 2>/dev/null | grep -q installed; then
    fail "a vigia package is already installed here; not touching it"
fi
VIGIA=${VIGIA:-target/debug/vigia}
[ -x "$VIGIA" ] || fail "$VIGIA: no such binary (build it, or set VIGIA)"
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    dpkg --purge vigia >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

deb=$(VIGIA="$VIGIA" bash scripts/deb.sh "$work")
info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")
grep -q "Package: vigia" <<<"$info" || fail "no control data in $deb"
grep -q "./lib/systemd/system/vigia.service" <<<"$contents" || fail "no unit in $deb"

dpkg -i "$deb" >/dev/null
getent passwd vigia >/dev/null || fail "postinst made no vigia user"
[ "$(stat -c %U:%a /var/lib/vigia)" = "vigia:750" ] || fail "/var/lib/vigia: $(stat -c %U:%a /var/lib/vigia)"
[ "$(stat -c %U:%G:%a /etc/vigia/vigia.toml)" = "root:vigia:640" ] || fail "config permissions"
/usr/bin/vigia config check /etc/vigia/vigia.toml
# The unit as systemd reads it (ExecStart's binary now exists).
systemd-analyze verify /lib/systemd/system/vigia.service

# ExecStart as the unit's user (setpriv execs it: the signal reaches vigia), in its working
# directory; the API on a free port (the packaged 127.0.0.1:8080 may be taken here). No
# receiver on 30005: logged, and degraded.
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/vigia.service)
(cd /var/lib/vigia && exec setpriv --reuid=vigia --regid=vigia --init-groups -- $exec_start --listen 127.0.0.1:0) 2>"$work/stderr" &
pid=$!
api=
for _ in $(seq 100); do
    api=$(sed -n 's/.*api listening on http:\/\/\([0-9.:]*\).*/\1/p' "$work/stderr" | head -1)
    [ -n "$api" ] && break
    sleep 0.1
done
[ -n "$api" ] || fail "the service did not start: $(cat "$work/stderr")"
health=$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen('http://$api/healthz').read().decode())")
grep -q '"status":"degraded"' <<<"$health" || fail "healthz: $health"
for _ in $(seq 50); do grep -q "cannot connect" "$work/stderr" && break; sleep 0.1; done
grep -q "local (127.0.0.1:30005): cannot connect" "$work/stderr" || fail "no log line for the dead receiver: $(cat "$work/stderr")"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] || fail "vigia did not stop cleanly on SIGTERM (exit $status): $(tail -5 "$work/stderr")"
pid=
[ "$(stat -c %U /var/lib/vigia/vigia.db)" = "vigia" ] || fail "the store is not the vigia user's"

dpkg --purge vigia >/dev/null

# Install to first aircraft, the documented setup: Debian's dump1090-mutability serving Beast on
# 30005 (fed here by the simulator through its Beast input, 30104, instead of a radio), the
# package installed, the service started as systemd would; the time from `dpkg -i` to the
# first aircraft in /api/aircraft.
if command -v dump1090-mutability >/dev/null 2>&1; then
    dump1090-mutability --net-only --quiet --net-bind-address 127.0.0.1 --net-bo-port 30005 \
        --net-bi-port 30104 --net-ri-port 0 --net-ro-port 0 --net-sbs-port 0 --net-heartbeat 0 \
        >/dev/null 2>&1 &
    peer=$!
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/30104) 2>/dev/null && break; sleep 0.1; done
    "$VIGIA" sim border-airliners --speed 1 --push 127.0.0.1:30104 >/dev/null 2>&1 &
    feeder=$!
    t0=$(date +%s.%N)
    dpkg -i "$deb" >/dev/null
    t1=$(date +%s.%N)
    (cd /var/lib/vigia && exec setpriv --reuid=vigia --regid=vigia --init-groups -- $exec_start --listen 127.0.0.1:0) 2>"$work/stderr2" &
    pid=$!
    first=
    for _ in $(seq 600); do
        api=$(sed -n 's/.*api listening on http:\/\/\([0-9.:]*\).*/\1/p' "$work/stderr2" | head -1)
        if [ -n "$api" ] && python3 -c "import json,urllib.request,sys; sys.exit(0 if json.load(urllib.request.urlopen('http://$api/api/aircraft'))['aircraft'] else 1)" 2>/dev/null; then
            first=$(date +%s.%N)
            break
        fi
        sleep 0.1
    done
    kill -TERM "$pid"; wait "$pid" || true; pid=
    kill "$feeder" "$peer" 2>/dev/null || true; wait "$feeder" "$peer" 2>/dev/null || true
    [ -n "$first" ] || fail "no aircraft within 60 s of starting behind dump1090: $(tail -5 "$work/stderr2")"
    python3 -c "print(f'deb test: install to first aircraft behind dump1090-mutability: {$first - $t0:.1f} s (dpkg -i {$t1 - $t0:.1f} s, then {$first - $t1:.1f} s to the first aircraft)')"
    dpkg --purge vigia >/dev/null
else
    echo "deb test: dump1090-mutability not installed; install-to-first-aircraft not measured" >&2
fi
[ ! -e /usr/bin/vigia ] || fail "/usr/bin/vigia left behind"
[ ! -e /var/lib/vigia ] || fail "/var/lib/vigia left behind"
[ ! -e /etc/vigia/vigia.toml ] || fail "/etc/vigia/vigia.toml left behind"
! getent passwd vigia >/dev/null || fail "the vigia user left behind"
echo "deb test: $(basename "$deb"): installed, verified, ran as vigia, stopped, purged"
