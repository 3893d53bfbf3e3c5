#!/usr/bin/env bash
# Fails when any server log file in DIR contains one of the SECRETs (the end-to-end suites'
# configured keys), or when there is no log to check. Usage: check_log_secrets.sh DIR SECRET...
set -euo pipefail
dir=$1; shift
shopt -s nullglob
logs=("$dir"/server-*.log)
if [ "${#logs[@]}" -eq 0 ]; then
  echo "no server logs in $dir: run the end-to-end suites with TMCP_E2E_LOG_DIR set" >&2
  exit 1
fi
lines=$(cat "${logs[@]}" | wc -l)
status=0
for secret in "$@"; do
  if grep -n -F -- "$secret" "${logs[@]}"; then
    echo "secret '$secret' appears in the server logs above" >&2
    status=1
  fi
done
echo "checked ${#logs[@]} server logs ($lines lines) for $# secrets"
exit "$status"
