#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on 127.0.0.1 and a free port, in a temp directory.
#
#   source .ci/postgres.sh       start it, export NEWSBOT_TEST_POSTGRES_URL, and stop it
#                                (deleting its files) when the sourcing shell exits
#   .ci/postgres.sh CMD [ARG…]   start it, run CMD with the URL exported, stop it,
#                                exit with CMD's status
#   .ci/postgres.sh              start it, print the export and stop commands, leave it up
#
# If NEWSBOT_TEST_POSTGRES_URL is already set, nothing is started. As root on Debian it
# installs the `postgresql` package when no server binaries are found (apt-get), and runs
# the server as the `postgres` user; as another user it runs the server as that user.

_nbpg_log() { printf '[postgres.sh] %s\n' "$*" >&2; }

_nbpg_as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_nbpg_find_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
        printf '%s\n' "$dir"
    fi
}

_nbpg_install() {
    if [[ $(id -u) -ne 0 ]]; then
        _nbpg_log "no PostgreSQL server binaries under /usr/lib/postgresql and not root:"
        _nbpg_log "install them with: sudo apt-get install -y postgresql"
        return 1
    fi
    _nbpg_log "installing PostgreSQL from the Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || return 1
    apt-get install -y -qq --no-install-recommends postgresql >&2 || return 1
}

_nbpg_free_port() {
    python3 - <<'PY'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

_nbpg_stop() {
    if [[ -n ${_NBPG_DIR:-} && -d $_NBPG_DIR ]]; then
        # Immediate: the data is throwaway, so there is no checkpoint to wait for.
        _nbpg_as_server_user "$_NBPG_BINDIR/pg_ctl" -D "$_NBPG_DIR/data" -m immediate \
            -w stop >/dev/null 2>&1 || true
        rm -rf "$_NBPG_DIR"
        _nbpg_log "stopped PostgreSQL on port ${_NBPG_PORT:-?}"
    fi
    _NBPG_DIR=
}

_nbpg_start() {
    local bindir dir port
    bindir=$(_nbpg_find_bindir)
    if [[ -z $bindir ]]; then
        _nbpg_install || return 1
        bindir=$(_nbpg_find_bindir)
        [[ -n $bindir ]] || { _nbpg_log "PostgreSQL installed, but no initdb found"; return 1; }
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/newsbot-pg.XXXXXX") || return 1
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir" || return 1
    fi
    _NBPG_BINDIR=$bindir
    _NBPG_DIR=$dir

    _nbpg_as_server_user "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; _nbpg_stop; return 1; }

    # A free port can be taken between the check and the start: try a few.
    local attempt
    for attempt in 1 2 3 4 5; do
        port=$(_nbpg_free_port) || { _nbpg_stop; return 1; }
        # fsync off etc.: a test database that is deleted at exit needs no durability.
        if _nbpg_as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            break
        fi
        _nbpg_log "start on port $port failed (attempt $attempt):"
        tail -n 5 "$dir/server.log" >&2
        port=
    done
    [[ -n $port ]] || { _nbpg_stop; return 1; }
    _NBPG_PORT=$port

    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres newsbot_test \
        || { _nbpg_stop; return 1; }
    export NEWSBOT_TEST_POSTGRES_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/newsbot_test"
    _nbpg_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
    _nbpg_log "NEWSBOT_TEST_POSTGRES_URL=$NEWSBOT_TEST_POSTGRES_URL"
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
    # Sourced: start, and stop when the sourcing shell exits (after its own EXIT trap).
    if [[ -z ${NEWSBOT_TEST_POSTGRES_URL:-} ]]; then
        _nbpg_start || return 1
        _nbpg_prev_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
        # shellcheck disable=SC2064  # expand the previous trap now, on purpose
        trap "${_nbpg_prev_exit_trap:+$_nbpg_prev_exit_trap;} _nbpg_stop" EXIT
    else
        _nbpg_log "using the given NEWSBOT_TEST_POSTGRES_URL"
    fi
else
    set -uo pipefail
    if [[ -n ${NEWSBOT_TEST_POSTGRES_URL:-} ]]; then
        _nbpg_log "using the given NEWSBOT_TEST_POSTGRES_URL"
        [[ $# -gt 0 ]] && exec "$@"
        exit 0
    fi
    _nbpg_start || exit 1
    if [[ $# -gt 0 ]]; then
        trap _nbpg_stop EXIT
        trap 'exit 130' INT TERM
        "$@"
        exit $?
    fi
    printf 'export NEWSBOT_TEST_POSTGRES_URL=%q\n' "$NEWSBOT_TEST_POSTGRES_URL"
    printf "# stop with: %s%q -D %q -m immediate stop && rm -rf %q\n" \
        "$( [[ $(id -u) -eq 0 ]] && echo "runuser -u postgres -- ")" \
        "$_NBPG_BINDIR/pg_ctl" "$_NBPG_DIR/data" "$_NBPG_DIR" >&2
fi
