# Sourced by the other scripts: make sure .venv exists and holds the project
# with the extras in $EXTRAS, reinstalling only when the packaging changed.
set -euo pipefail

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "vte_extapps needs Python 3.11 or newer; set PYTHON to one." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi

stamp=.venv/.vte_extapps-installed
wanted="$(cat setup.cfg pyproject.toml | sha256sum | cut -c1-16) ${EXTRAS:-}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable ".${EXTRAS:+[$EXTRAS]}"
    echo "$wanted" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
