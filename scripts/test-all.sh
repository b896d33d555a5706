#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (Chromium and Redis from Debian, the workspace's packages)
# and runs every check: format, lint, type-check, build, unit and integration tests, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
pnpm() { npx -y "pnpm@${PNPM_VERSION}" "$@"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> Installing from Debian: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "==> Installing packages (frozen lockfile)"
pnpm install --frozen-lockfile

echo "==> Format, lint and type-check"
pnpm run lint
pnpm run typecheck

echo "==> Build"
pnpm run build

results=$(mktemp -d)
echo "==> Unit and integration tests"
unit_rc=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || unit_rc=$?

echo "==> Browser tests (Playwright, Debian's Chromium)"
e2e_rc=0
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" pnpm --filter @switchboard/e2e exec playwright test \
  --reporter=list,json || e2e_rc=$?

node scripts/summarise-tests.mjs "$results/vitest.json" "$results/playwright.json"
[ "$unit_rc" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
