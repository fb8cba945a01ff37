#!/usr/bin/env bash
# Builds vigia's Debian package: the stripped binary (`--profile dist`), the systemd unit
# (packaging/vigia.service: a dedicated user, hardened, state in /var/lib/vigia), the
# configuration /etc/vigia/vigia.toml (a conffile: kept across upgrades) and the maintainer
# scripts (packaging/debian). No cargo-deb needed: dpkg-deb assembles it.
#
#   bash scripts/deb.sh [OUT_DIR]      # -> OUT_DIR/vigia_VERSION_ARCH.deb (default target/debian)
#   VIGIA=path/to/vigia bash scripts/deb.sh   # package that binary instead of building one
#   sudo apt install ./target/debian/vigia_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/debian}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
if [ -z "${VIGIA:-}" ]; then
    cargo build --profile dist --locked -p vigia
    VIGIA=target/dist/vigia
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$VIGIA" "$root/usr/bin/vigia"
install -D -m 0644 packaging/vigia.service "$root/lib/systemd/system/vigia.service"
install -D -m 0640 packaging/vigia.toml "$root/etc/vigia/vigia.toml"
install -D -m 0644 README.md "$root/usr/share/doc/vigia/README.md"
install -D -m 0644 data/README.md "$root/usr/share/doc/vigia/data-sources.md"
mkdir -p "$root/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
echo /etc/vigia/vigia.toml > "$root/DEBIAN/conffiles"
size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: vigia
Version: $version
Architecture: $arch
Maintainer: vigia developers <vigia@localhost>
Installed-Size: $size
Depends: libc6, adduser
Recommends: readsb | dump1090-mutability | dump1090-fa
Section: net
Priority: optional
Description: surveillance flights and sovereign airspace, from open ADS-B / Mode S
 vigia reads the ADS-B / Mode S broadcasts of aircraft from receivers such as dump1090
 or readsb, tracks every aircraft, recognises surveillance flights and establishes when
 a flight crossed into, or was present in, a nation's sovereign airspace, with the raw
 frames as evidence. It raises alerts, keeps a record in SQLite and serves a live map.
CONTROL
mkdir -p "$out"
deb="$out/vigia_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
