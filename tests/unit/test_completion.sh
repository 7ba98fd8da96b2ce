#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of pmtufix, called the way bash calls it, checked
# against the command's own sources: the subcommands of the dispatch table,
# the table subcommands, the options each command parses, the layer words
# and ESP algorithms of the parser.  Table names come from a stand-in
# pmtufix first on PATH, so no module is needed.  Then the man pages: they
# render without warnings and name every subcommand, option and counter
# the sources have.

# Word lists (the candidates, the names read from the sources) are kept in
# strings and split on purpose.
# shellcheck disable=SC2046,SC2086

top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/userspace/pmtufix
man8=$top/userspace/man/pmtufix.8
manxt=$top/userspace/man/libxt_PMTUFIX.man
libxt=$top/userspace/libxt/libxt_PMTUFIX.c
checks=0
failures=0

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	failures=$((failures + 1))
	echo "not ok - $1"
	shift
	for line; do
		echo "#   $line"
	done
}

# diag TEXT: TEXT as diagnostic lines, if any.
diag() {
	[ -z "$1" ] || printf '%s\n' "$1" | sed 's/^/#   /'
}

# set_of WORDS...: the words, sorted, one a line.
set_of() {
	printf '%s\n' "$@" | sed '/^$/d' | sort -u
}

# Runs the completion with the cursor on the last of WORDS (bash's
# COMP_WORDS), COMP_LINE as bash would set it unless $line is given;
# the candidates go to $got, one a line, sorted.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE=${line:-"$*"}
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_pmtufix 2>"$tmp/stderr"
	got=$(set_of "${COMPREPLY[@]}")
}

# expect_set NAME "WORDS" WORD...: exactly WORDS are offered.
expect_set() {
	local name=$1 want

	want=$(set_of $2)
	shift 2
	complete_words "$@"
	checks=$((checks + 1))
	if [ "$got" != "$want" ] || [ -s "$tmp/stderr" ]; then
		fail "$name" "line: $*" "want: ${want//$'\n'/ }" \
			"got:  ${got//$'\n'/ }" "stderr: $(cat "$tmp/stderr")"
	fi
}

# expect_has NAME "WORDS" WORD...: all of WORDS are offered.
expect_has() {
	local name=$1 want=$2 w missing=

	shift 2
	complete_words "$@"
	checks=$((checks + 1))
	for w in $want; do
		grep -qxF -- "$w" <<<"$got" || missing+=" $w"
	done
	if [ -n "$missing" ] || [ -s "$tmp/stderr" ]; then
		fail "$name" "line: $*" "missing:$missing" \
			"got: ${got//$'\n'/ }" "stderr: $(cat "$tmp/stderr")"
	fi
}

# expect_lacks NAME "WORDS" WORD...: none of WORDS is offered.
expect_lacks() {
	local name=$1 unwanted=$2 w extra=

	shift 2
	complete_words "$@"
	checks=$((checks + 1))
	for w in $unwanted; do
		grep -qxF -- "$w" <<<"$got" && extra+=" $w"
	done
	[ -z "$extra" ] || fail "$name" "line: $*" "offered:$extra"
}

# check NAME CMD...: CMD succeeds.
check() {
	local name=$1

	shift
	checks=$((checks + 1))
	"$@" || fail "$name"
}

# From the sources. strcmp_args FILE [FUNCTION]: the option strings
# compared with strcmp() in FILE, or in the body of FUNCTION there.
strcmp_args() {
	awk -v fn="$2" '
		fn == "" { print; next }
		$0 ~ "^(static )?int " fn "\\(" { on = 1 }
		on { print }
		on && /^}/ { on = 0 }' "$1" |
		grep -o 'strcmp([a-z]*\(\[[0-9a-z]*\]\)*, "-[^"]*")' |
		sed 's/.*"\(.*\)")/\1/' | sort -u
}

# flag_args FILE FUNCTION: the options FUNCTION in FILE takes out of its
# arguments with table_take_flag().
flag_args() {
	awk -v fn="$2" '
		$0 ~ "^(static )?int " fn "\\(" { on = 1 }
		on { print }
		on && /^}/ { on = 0 }' "$1" |
		grep -o 'table_take_flag([^"]*"-[^"]*")' |
		sed 's/.*"\(.*\)")/\1/' | sort -u
}

# array_strings FILE ARRAY: the strings of the C array initializer of
# ARRAY in FILE.
array_strings() {
	awk -v a="$2" '
		$0 ~ "[ *]" a "\\[.*\\] = \\{$" { on = 1; next }
		on && /^[ \t]*};/ { on = 0 }
		on' "$1" | grep -o '"[^"]*"' | tr -d '"' 
}

subcommands=$(sed -n 's/^\t{ "\([a-z]*\)", [a-z_]*_main,.*/\1/p' "$src/pmtufix.c")
global_opts=$(strcmp_args "$src/pmtufix.c" | grep -vx -- --)
table_subs=$(sed -n 's/^\t{ "\([a-z]*\)", \(cmd\|table\)_[a-z_]*, .*/\1/p' "$src/table.c")
table_keys=$(array_strings "$src/parse.c" pmtufix_setting_descs)
layer_words=$(sed -n 's/^\t{ "\([a-z0-9]*\)", PMTUFIX_LAYER_[A-Z0-9]*,.*/\1/p' "$src/parse.c")
esp_modes=$(array_strings "$src/parse.c" esp_modes)
esp_ciphers=$(array_strings "$src/parse.c" esp_ciphers)
esp_integs=$(array_strings "$src/parse.c" esp_integs)
aead=$(sed -n 's/^\tAEAD([A-Z0-9_]*, "\([a-z0-9-]*\)".*/\1/p' "$top/kmod/core/layers.c")
not_aead=$(sed -n 's/^\tCIPHER([A-Z0-9_]*, "\([a-z0-9-]*\)".*/\1/p' "$top/kmod/core/layers.c")
json_keys=$(grep -ohE 'json_(kv_[a-z0-9]+|key)\([^,]*, "[a-z0-9_]+"' "$src"/*.c |
	    sed 's/.*"\(.*\)"/\1/' | sort -u)
counters=$(sed -n 's/^\t{ "\([a-z_]*\)", "[A-Z].*/\1/p' "$src/stats.c")
metric=$(grep -o '"# TYPE pmtufix_%s_[a-z]*' "$src/stats.c" |
	 sed 's/.*TYPE \(.*\)%s\(.*\)/\1COUNTER\2/')
xt_opts=$(sed -n 's/.*\.name = "\([a-z-]*\)", \.id = O_.*/\1/p' "$libxt")
xt_values="$(array_strings "$libxt" pmtufix_lookup_names)
$(grep -o 'strcmp(cb->arg, "[a-z]*")' "$libxt" | sed 's/.*"\(.*\)")/\1/')"

# The parsing above must have found something, or every check is vacuous.
for v in subcommands global_opts table_subs table_keys layer_words esp_modes \
	 esp_ciphers esp_integs aead not_aead counters metric json_keys xt_opts \
	 xt_values; do
	check "sources: $v found" test -n "${!v}"
done
check "sources: every cipher is AEAD or not" \
	test "$(set_of $aead $not_aead)" = "$(set_of $esp_ciphers)"

# shellcheck source=/dev/null
. "$top/userspace/completion/pmtufix.bash" || exit 1
check "complete -F _pmtufix pmtufix is registered" \
	test "$(complete -p pmtufix 2>/dev/null)" = "complete -F _pmtufix pmtufix"

# Subcommands and global options.
expect_set "subcommands" "$subcommands" pmtufix ''
expect_set "subcommands by prefix" "stats" pmtufix st
expect_set "subcommands after -j" "$subcommands" pmtufix -j ''
expect_set "subcommands after --json -j" "$subcommands" pmtufix --json -j ''
expect_set "global options" "$global_opts" pmtufix -
expect_set "table subcommands" "$table_subs" pmtufix table ''
expect_set "table subcommands after -j" "$table_subs" pmtufix -j table ''
expect_set "table subcommands by prefix" "save set show" pmtufix table s

# Options of each command, as its source parses them.
expect_has "lookup options" "$(strcmp_args "$src/lookup.c")" pmtufix lookup -
expect_has "stats options" "$(strcmp_args "$src/stats.c" stats_main)" \
	pmtufix stats -
expect_has "overhead options" "$(strcmp_args "$src/overhead.c")" \
	pmtufix overhead -
expect_has "overhead options after --mtu N" "--json" \
	pmtufix overhead --mtu 1400 -
expect_has "table list options" "$(strcmp_args "$src/table.c" cmd_list)" \
	pmtufix table list -
expect_has "table show options" "$(strcmp_args "$src/table.c" cmd_show)" \
	pmtufix table show edge -
expect_set "table add options" "$(flag_args "$src/table.c" cmd_add)" \
	pmtufix table add edge -
expect_set "table add options not given yet" "--replace" \
	pmtufix table add --exist edge 10.0.0.0/8 -
for sub in create destroy del; do
	expect_set "table $sub options" "$(flag_args "$src/table.c" cmd_$sub)" \
		pmtufix table $sub -
done
for sub in load restore; do
	expect_set "table $sub options" \
		"$(flag_args "$src/tablefile.c" table_$sub)" pmtufix table $sub -
done
expect_set "table create settings" "$table_keys" pmtufix table create edge ''
expect_set "table set settings not given yet" \
	"$(set_of $table_keys | grep -vx mtu)" \
	pmtufix table set edge mtu 1400 ''
expect_set "table set: no completion of a value" "" \
	pmtufix table set edge floor4 ''
expect_lacks "stats --prometheus excludes --json and --per-cpu" \
	"-j --json --per-cpu --prometheus" pmtufix stats --prometheus -
expect_set "overhead --mtu: no completion of the value" "" \
	pmtufix overhead --mtu ''
expect_set "derive options" "$(strcmp_args "$src/derive.c" derive_main) -j --json" \
	pmtufix derive -
expect_set "derive --from: the sources" "xfrm tunnels ipvs" \
	pmtufix derive --from ''
expect_set "derive --from: the source after a comma" "xfrm,tunnels" \
	pmtufix derive --from xfrm,t
expect_set "derive --mtu: no completion of the value" "" \
	pmtufix derive --mtu ''
expect_set "nft options" "$(strcmp_args "$src/nft.c" nft_main)" pmtufix nft -
expect_set "nft --hook: the hook after a comma" "forward,output" \
	pmtufix nft --hook forward,o
expect_set "nft --lookup: the lookups" "dst src both" pmtufix nft --lookup ''

# Layer words: in overhead, and in table add after the prefix.
expect_set "overhead layer words" "$layer_words" pmtufix overhead ''
expect_set "overhead layer words after --" "$layer_words" pmtufix overhead -- ''
expect_set "table add: mtu and layer words after the prefix" \
	"mtu $layer_words" pmtufix table add edge 10.20.0.0/16 ''
expect_set "table add --replace: mtu and layer words" \
	"mtu $layer_words" pmtufix table add edge --replace 10.20.0.0/16 ''
expect_set "table add: no completion of the prefix" "" pmtufix table add edge ''
expect_set "table add: no completion of mtu's value" "" \
	pmtufix table add edge 10.20.0.0/16 mtu ''
expect_set "table add: layer words after mtu N" "$layer_words" \
	pmtufix table add edge 10.20.0.0/16 mtu 1400 ''
# bash cuts an IPv6 prefix at its colons.
line='pmtufix table add edge 2001:db8::/32 ' \
	expect_set "table add: layer words after an IPv6 prefix" \
	"mtu $layer_words" pmtufix table add edge 2001 : db8 :: /32 ''
line='pmtufix table add edge ::/0 mtu ' \
	expect_set "table add: mtu's value after ::/0" "" \
	pmtufix table add edge :: /0 mtu ''
expect_set "layer words after a layer" "$layer_words" \
	pmtufix table add edge 10.20.0.0/16 pppoe ''
expect_set "gre options" "key seq csum $layer_words" pmtufix overhead gre ''
expect_set "gre options not given yet" "seq csum $layer_words" \
	pmtufix overhead gre key ''
expect_has "ip6gre takes noencaplimit" "noencaplimit key" pmtufix overhead ip6gre ''
expect_set "raw: no completion of the byte count" "" pmtufix overhead raw ''
expect_set "geneve opt: no completion of the bytes" "" pmtufix overhead geneve opt ''

# ESP: mode, cipher, then integrity only where the cipher needs one.
expect_set "esp modes" "$esp_modes" pmtufix overhead esp ''
expect_set "esp ciphers" "$esp_ciphers" pmtufix overhead esp tunnel ''
expect_set "esp ciphers in table add" "$esp_ciphers" \
	pmtufix table add edge 10.20.0.0/16 esp transport ''
for c in $not_aead; do
	expect_set "esp $c: integrity algorithms, icv and natt only" \
		"$esp_integs icv natt" pmtufix overhead esp tunnel "$c" ''
done
for c in $aead; do
	expect_set "esp $c: no integrity algorithm" "icv natt $layer_words" \
		pmtufix overhead esp tunnel "$c" ''
done
expect_set "esp: layer words once the integrity algorithm is given" \
	"icv natt $layer_words" pmtufix overhead esp tunnel aes-cbc hmac-sha256 ''
expect_set "esp icv: no completion of the bits" "" \
	pmtufix overhead esp tunnel aes-gcm icv ''
expect_set "esp: options not given yet" "icv $layer_words" \
	pmtufix overhead pppoe esp tunnel aes-gcm natt ''

# Table names, from `pmtufix table list' (the stand-in prints what the real
# command prints for two tables; anything else fails as without module).
mkdir -p "$tmp/bin" "$tmp/files"
cat >"$tmp/bin/pmtufix" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/calls"
case "\$*" in
"table list --names")
	printf '%s\n' edge lab.2 ;;
"table list")
	printf '%-24s %6s %6s %6s %10s %10s %6s\n' TABLE MTU FLOOR4 FLOOR6 IPV4 IPV6 RULES
	printf '%-24s %6u %6u %6u %10u %10u %6u\n' edge 1500 536 1220 4 1 2
	printf '%-24s %6u %6u %6u %10u %10u %6u\n' lab.2 9000 536 1220 0 0 0 ;;
*)
	echo "pmtufix \$*: the pmtufix kernel module is not loaded (modprobe xt_PMTUFIX)" >&2
	exit 1 ;;
esac
EOF
chmod +x "$tmp/bin/pmtufix"
PATH=$tmp/bin:$PATH

if [ ! -d /sys/module/xt_PMTUFIX ]; then
	: >"$tmp/calls"
	expect_set "no table names without the module" "" pmtufix table show ''
	check "the command is not run without the module" test ! -s "$tmp/calls"
fi

# From here on, the module is taken to be loaded.
_pmtufix_module_loaded() { return 0; }
: >"$tmp/calls"
expect_set "table names for table show" "edge lab.2" pmtufix table show ''
check "table names come from the command" grep -q '^table list' "$tmp/calls"
expect_set "table names by prefix" "lab.2" pmtufix table show l
expect_set "table names after -j" "edge lab.2" pmtufix table show -j ''
expect_set "table names after --exist" "edge lab.2" \
	pmtufix table destroy --exist ''
expect_set "table names after --help" "edge lab.2" pmtufix --help table show ''
for sub in destroy flush set load add del save; do
	expect_set "table names for table $sub" "edge lab.2" pmtufix table $sub ''
done
expect_set "no table names for table create" "" pmtufix table create ''
expect_set "table names for lookup" "edge lab.2" pmtufix lookup ''
expect_set "no completion of lookup's address" "" pmtufix lookup edge ''
expect_set "table names for derive --check" "edge lab.2" \
	pmtufix derive --check ''
expect_set "reset and table names for stats" "reset edge lab.2" pmtufix stats ''
expect_set "table names for stats reset" "edge lab.2" pmtufix stats reset ''
expect_set "one table name for stats" "" pmtufix stats edge ''
: >"$tmp/files/edge.conf"
: >"$tmp/files/lab.conf"
cd "$tmp/files" || exit 1
expect_set "file names for table load" "edge.conf" pmtufix table load edge e
expect_set "no completion after table load's file" "" \
	pmtufix table load edge edge.conf ''
expect_set "file names for table load --check" "edge.conf" \
	pmtufix table load --check edge e
expect_set "file names for table check" "edge.conf lab.conf" \
	pmtufix table check edge.conf ''
expect_set "a file name for table restore" "lab.conf" \
	pmtufix table restore l
expect_set "a file name for derive --merge" "lab.conf" \
	pmtufix derive --merge l
expect_set "no table names after table save NAME" "" \
	pmtufix table save edge ''
cd "$top" || exit 1

# A command that fails says nothing and offers nothing.
cat >"$tmp/bin/pmtufix" <<'EOF'
#!/bin/sh
echo "pmtufix $*: the pmtufix kernel module is not loaded (modprobe xt_PMTUFIX)" >&2
exit 1
EOF
expect_set "silence when table list fails" "" pmtufix table show ''

# Nor without CAP_NET_ADMIN, which reading the tables needs as well.
cat >"$tmp/bin/pmtufix" <<'EOF'
#!/bin/sh
echo "pmtufix $*: Operation not permitted (reading or changing pmtufix tables needs CAP_NET_ADMIN in the network namespace: run as root)" >&2
exit 1
EOF
expect_set "silence without CAP_NET_ADMIN" "" pmtufix table show ''
expect_set "stats without CAP_NET_ADMIN: reset only" "reset" pmtufix stats ''

# The man pages.
if command -v groff >/dev/null; then
	out=$(groff -man -Tutf8 -ww -z "$man8" 2>&1)
	check "pmtufix.8 renders without warnings" test -z "$out"
	diag "$out"
	out=$(printf '.TH IPTABLES-EXTENSIONS 8\n.SS PMTUFIX\n' |
	      cat - "$manxt" | groff -man -Tutf8 -ww -z 2>&1)
	check "libxt_PMTUFIX.man renders without warnings" test -z "$out"
	diag "$out"
	# As text on very long lines: nothing hyphenated, words whole.
	groff -man -Tascii -P-cbou -rLL=4000n "$man8" 2>/dev/null >"$tmp/man8.txt"
	printf '.TH IPTABLES-EXTENSIONS 8\n.SS PMTUFIX\n' | cat - "$manxt" |
		groff -man -Tascii -P-cbou -rLL=4000n 2>/dev/null >"$tmp/manxt.txt"
else
	echo "# SKIP the man page checks: groff is not installed"
fi
if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint -W warning "$man8" 2>&1)
	check "pmtufix.8 passes mandoc -Tlint" test -z "$out"
	diag "$out"
	out=$(printf '%s\n' '.TH IPTABLES-EXTENSIONS 8 2026-11-24 iptables' \
		'.SH NAME' 'iptables-extensions \- extensions' \
		'.SH TARGET EXTENSIONS' '.SS PMTUFIX' |
	      cat - "$manxt" | mandoc -Tlint -W warning 2>&1)
	check "libxt_PMTUFIX.man passes mandoc -Tlint" test -z "$out"
	diag "$out"
fi

# roff_tag FILE TEXT: a line of FILE starts with \fBTEXT, then \fP or a blank
# (a .TP tag of COMMANDS).
roff_tag() {
	local line

	while IFS= read -r line; do
		case $line in
		"\\fB$2\\fP"* | "\\fB$2 "*) return 0 ;;
		esac
	done <"$1"
	return 1
}

# in_text FILE WORDS...: every word appears whole in FILE.
in_text() {
	local file=$1 w ok=0

	shift
	for w; do
		grep -qw -- "$w" "$file" || { echo "#   not in the page: $w"; ok=1; }
	done
	return $ok
}

for sub in $subcommands; do
	check "pmtufix.8 documents $sub" roff_tag "$man8" "$sub"
done
for sub in $table_subs; do
	check "pmtufix.8 documents table $sub" roff_tag "$man8" "table $sub"
done
check "pmtufix.8 documents \`stats reset'" roff_tag "$man8" "stats reset"
if [ -s "$tmp/man8.txt" ]; then
	check "pmtufix.8 names every option" in_text "$tmp/man8.txt" \
		$global_opts $(strcmp_args "$src/lookup.c") \
		$(strcmp_args "$src/stats.c") $(strcmp_args "$src/overhead.c") \
		$(strcmp_args "$src/table.c") $table_keys
	check "pmtufix.8 names every layer word" in_text "$tmp/man8.txt" \
		$layer_words $esp_modes $esp_ciphers $esp_integs icv natt opt \
		key seq csum noencaplimit
	check "pmtufix.8 names every counter and the metric names" \
		in_text "$tmp/man8.txt" $counters "$metric"
	check "pmtufix.8 names every JSON key" in_text "$tmp/man8.txt" $json_keys
	check "libxt_PMTUFIX.man names every option and value" \
		in_text "$tmp/manxt.txt" $(printf -- '--%s\n' $xt_opts) $xt_values
fi

echo "$([ $failures = 0 ] && echo ok || echo "not ok") completion: $checks checks, $failures failed"
[ $failures = 0 ]
