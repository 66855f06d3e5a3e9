#!/usr/bin/env bash
# The layering rule, checked over every #include "..." line of the tree:
#   core             includes core
#   term, net        include core and themselves (never each other)
#   applets/session  includes core, term, net and itself
#   applets, main.c  include anything
# Prints each back-include and exits 1 if there is one.
# Usage: test/layers.sh [SOURCE_DIR]
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2

allowed() {	# allowed LAYER_OF_FILE INCLUDED_PATH
	local to=$2
	case $1 in
	core)    [[ $to == core/* ]] ;;
	term)    [[ $to == core/* || $to == term/* ]] ;;
	net)     [[ $to == core/* || $to == net/* ]] ;;
	session) [[ $to == core/* || $to == term/* || $to == net/* || $to == applets/session/* ]] ;;
	*)       true ;;
	esac
}

layer_of() {
	case $1 in
	core/*) echo core ;;
	term/*) echo term ;;
	net/*) echo net ;;
	applets/session/*) echo session ;;
	*) echo top ;;
	esac
}

bad=0
while IFS= read -r file; do
	layer=$(layer_of "$file")
	[ "$layer" = top ] && continue
	while IFS= read -r inc; do
		if ! allowed "$layer" "$inc"; then
			echo "layers: $file includes \"$inc\" ($layer may not include that layer)"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find core term net applets/session -name '*.[ch]' 2>/dev/null | sort)

[ "$bad" = 0 ] && echo "layers: core < term, net < applets/session < applets: no back-include"
exit "$bad"
