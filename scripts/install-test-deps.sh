#!/usr/bin/env bash
# Installs what the test suite needs and the machine lacks: PostgreSQL 15 (the e2e tests run
# real servers), shellcheck (every rendered runbook is checked), patch, openssl, perl,
# strace (test/secrets.test.ts traces every program a runbook starts), iproute2 (the host harness),
# pre-commit (the real client: test/precommit.test.ts installs the hooks with it), yamllint
# (test/yaml-positions.test.ts compares syntax error positions with it) and the npm packages.
# Does nothing that is already done; apt-get needs root.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
command -v pg_createcluster >/dev/null || missing+=(postgresql-common)
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v patch >/dev/null || missing+=(patch)
command -v openssl >/dev/null || missing+=(openssl)
command -v perl >/dev/null || missing+=(perl)
command -v runuser >/dev/null || missing+=(util-linux)
command -v strace >/dev/null || missing+=(strace)
# the host harness (test/hosts/): network namespaces and veth pairs, nsenter/unshare
command -v ip >/dev/null || missing+=(iproute2)
command -v nsenter >/dev/null || missing+=(util-linux)
command -v pre-commit >/dev/null || missing+=(pre-commit)
command -v git >/dev/null || missing+=(git)
command -v yamllint >/dev/null || missing+=(yamllint)

if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: missing ${missing[*]}; run this script as root (it uses apt-get)" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
