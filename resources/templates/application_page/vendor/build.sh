#!/usr/bin/env bash
# Rebuild vendor.min.js (the libraries inlined into the phone application page) from npm,
# at the exact versions of package.json / package-lock.json. Needs node >= 20 and npm.
# Build in a temp dir so no node_modules lands in resources/ (the installer ships it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --silent
npx esbuild entry.js --bundle --format=iife --global-name=UDVendor --minify \
  --legal-comments=none --target=es2020 --outfile=vendor.min.js --log-level=warning
cp vendor.min.js "$here/vendor.min.js"
echo "vendor.min.js: $(wc -c < "$here/vendor.min.js") bytes"
