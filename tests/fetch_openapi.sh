#!/usr/bin/env bash
# Fetch GitHub's official OpenAPI description (the npm package @octokit/openapi) for the bot's
# tests, which check the local fake GitHub server and fixup's requests against it. Without it
# those checks are skipped with a reason. Usage: tests/fetch_openapi.sh [DEST_DIR]
# (default: ${XDG_CACHE_HOME:-~/.cache}/fixup/openapi; tests also read $FIXUP_GITHUB_OPENAPI).
set -euo pipefail
dest="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/fixup/openapi}"
if [ -s "$dest/api.github.com.json" ]; then
    echo "GitHub OpenAPI description already in $dest"
    exit 0
fi
command -v npm >/dev/null || { echo "npm is not installed: cannot fetch @octokit/openapi" >&2; exit 1; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "@octokit/openapi" >/dev/null)
tar -xzf "$scratch"/octokit-openapi-*.tgz -C "$scratch" package/generated/api.github.com.json package/package.json
mkdir -p "$dest"
mv "$scratch/package/generated/api.github.com.json" "$dest/api.github.com.json.tmp"
mv "$dest/api.github.com.json.tmp" "$dest/api.github.com.json"
version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$scratch/package/package.json")"
echo "$version" > "$dest/VERSION"
echo "GitHub OpenAPI description (@octokit/openapi $version) in $dest"
