# SPDX-License-Identifier: GPL-2.0
# bash completion for pmtufix(8)

_pmtufix_layer_words='raw ipip sit ip6ip6 ipip6 gre gretap ip6gre ip6gretap
	vxlan vxlan6 geneve geneve6 wireguard wireguard6 pppoe mpls fou gue esp'
_pmtufix_esp_modes='transport tunnel tunnel6'
_pmtufix_esp_aead='aes-gcm aes-ccm chacha20-poly1305 aes-gmac'
_pmtufix_esp_ciphers="$_pmtufix_esp_aead aes-cbc aes-ctr 3des-cbc null"
_pmtufix_esp_integs='hmac-md5 hmac-sha1 hmac-sha256 hmac-sha384 hmac-sha512
	aes-xcbc aes-cmac'

# Sets words and cword from COMP_WORDS and COMP_CWORD, gluing back the
# pieces bash cut an IPv6 prefix into at its colons: a ':' word is never
# pmtufix syntax, so a word next to one, with no blank between them (as
# COMP_LINE shows, when it is set), belongs to the same prefix.
_pmtufix_words()
{
	local i w line=${COMP_LINE-} track=${COMP_LINE+1} blank glue

	words=()
	cword=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		blank=1
		if [[ $track ]]; then
			[[ $line == [[:space:]]* ]] || blank=
			line=${line#"${line%%[![:space:]]*}"}
			if [[ $line == "$w"* ]]; then
				line=${line:${#w}}
			else
				track='' blank=1
			fi
		fi
		glue=
		if ((i > 0)) && [[ ${#words[@]} -gt 0 ]] &&
		   [[ $w == :* || ${words[-1]} == *: ]]; then
			[[ $track && $blank ]] || glue=1
		fi
		if [[ $glue ]]; then
			words[-1]+=$w
		else
			words+=("$w")
		fi
		((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	((COMP_CWORD >= ${#COMP_WORDS[@]})) && { words+=(""); cword=$((${#words[@]} - 1)); }
	return 0
}

_pmtufix_reply()
{
	local IFS=$' \t\n'

	# shellcheck disable=SC2207
	COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

# Asking for the tables would load the module: only when it is loaded.
_pmtufix_module_loaded()
{
	[[ -d /sys/module/xt_PMTUFIX ]]
}

# Table names, from the module in this network namespace; nothing, and no
# message, when it cannot be asked: reading them needs CAP_NET_ADMIN too.
_pmtufix_tables()
{
	local cmd=pmtufix

	_pmtufix_module_loaded || return
	[[ ${words[0]} == */* && -x ${words[0]} ]] && cmd=${words[0]}
	_pmtufix_reply "$("$cmd" table list --names 2>/dev/null)"
}

_pmtufix_files()
{
	local IFS=$'\n'

	if declare -F _filedir >/dev/null; then
		_filedir
		return
	fi
	compopt -o filenames 2>/dev/null
	# shellcheck disable=SC2207
	COMPREPLY+=($(compgen -f -- "$cur"))
}

# The words that may follow layer words $@ (from the first layer on).
_pmtufix_layers()
{
	local w state=layer layer='' aead='' used=' ' opts

	for w; do
		case $state in
		value)	state=opts; continue ;;
		mode)	state=cipher; continue ;;
		cipher)	[[ " $_pmtufix_esp_aead " == *" $w "* ]] && aead=1
			state=opts; continue ;;
		esac
		if [[ $state == opts ]]; then
			case $layer:$w in
			raw:*) ;;
			ip6ip6:noencaplimit | ipip6:noencaplimit | \
			gre*:key | gre*:seq | gre*:csum | \
			ip6gre*:key | ip6gre*:seq | ip6gre*:csum | \
			ip6gre*:noencaplimit | esp:natt)
				used+="$w "; continue ;;
			geneve*:opt | esp:icv)
				used+="$w "; state=value; continue ;;
			esp:*)
				if [[ " $_pmtufix_esp_integs " == *" $w "* ]]; then
					used+="integrity "
					continue
				fi ;;
			mpls:[0-9]*)
				[[ $used == ' ' ]] && { used+="$w "; continue; } ;;
			esac
		fi
		# A new layer.
		layer=$w used=' ' aead=''
		case $w in
		raw)	state=value ;;
		esp)	state=mode ;;
		*)	state=opts ;;
		esac
	done

	case $state in
	value)	return ;;
	mode)	_pmtufix_reply "$_pmtufix_esp_modes"; return ;;
	cipher)	_pmtufix_reply "$_pmtufix_esp_ciphers"; return ;;
	esac
	case $layer in
	ip6ip6 | ipip6)		opts='noencaplimit' ;;
	gre | gretap)		opts='key seq csum' ;;
	ip6gre | ip6gretap)	opts='key seq csum noencaplimit' ;;
	geneve | geneve6)	opts='opt' ;;
	esp)			opts='icv natt'
				[[ $aead || $used == *' integrity '* ]] ||
					opts+=" $_pmtufix_esp_integs" ;;
	*)			opts= ;;
	esac
	for w in $used; do
		opts=" $opts "
		opts=${opts/ $w / }
	done
	_pmtufix_reply "$opts"
	# A cipher that needs an integrity algorithm has none yet: nothing
	# else may follow.
	[[ $layer == esp && ! $aead && $used != *' integrity '* ]] && return
	_pmtufix_reply "$_pmtufix_layer_words"
}

# table add NAME [--replace] PREFIX [mtu N] [LAYER...]: $@ are the words
# after NAME.
_pmtufix_entry()
{
	(($# == 0)) && return			# the prefix
	shift
	if (($# == 0)); then
		_pmtufix_reply 'mtu'
		_pmtufix_layers
		return
	fi
	if [[ $1 == mtu ]]; then
		(($# == 1)) && return		# its value
		shift 2
	fi
	_pmtufix_layers "$@"
}

_pmtufix_table()
{
	local sub=$1 w opts='' pos=()

	shift
	case $sub in
	create | destroy | del)	opts='--exist' ;;
	add)			opts='--exist --replace' ;;
	load | restore)		opts='--check' ;;
	list)			opts='--names -j --json' ;;
	show)			opts='-j --json' ;;
	esac
	# Options come anywhere: those given are not arguments, nor offered.
	for w; do
		if [[ $w == -* ]]; then
			opts=" $opts "
			opts=${opts/ $w / }
			[[ $w == -j ]] && opts=${opts/ --json / }
			[[ $w == --json ]] && opts=${opts/ -j / }
		else
			pos+=("$w")
		fi
	done
	if [[ $cur == -* ]]; then
		_pmtufix_reply "$opts"
		return
	fi
	set -- "${pos[@]}"
	case $sub in
	create | set)
		(($# == 0)) && { [[ $sub == set ]] && _pmtufix_tables; return; }
		(($# % 2 == 0)) && return	# a value
		for w in mtu floor4 floor6 too-big-rate too-big-burst \
			 too-big-src-rate too-big-src-burst; do
			[[ " ${*:2} " == *" $w "* ]] || _pmtufix_reply "$w"
		done ;;
	destroy | flush | show | save)
		(($# == 0)) && _pmtufix_tables ;;
	load)
		case $# in
		0) _pmtufix_tables ;;
		1) _pmtufix_files ;;
		esac ;;
	restore)
		(($# == 0)) && _pmtufix_files ;;
	check)
		_pmtufix_files ;;
	add)
		(($# == 0)) && { _pmtufix_tables; return; }
		shift
		_pmtufix_entry "$@" ;;
	del)
		(($# == 0)) && _pmtufix_tables ;;
	esac
}

_pmtufix()
{
	local cur words cword i sub w args n
	local subcommands='table lookup stats derive nft overhead version help'
	local table_subcommands='create destroy list flush set load check save
		restore add del show'

	COMPREPLY=()
	_pmtufix_words
	cur=${words[cword]}

	# Global options before the subcommand (they may come anywhere).
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-j | --json | -h | --help) ;;
		*) break ;;
		esac
	done
	if ((cword == i)); then
		if [[ $cur == -* ]]; then
			_pmtufix_reply '-j --json -h --help -V --version'
		else
			_pmtufix_reply "$subcommands"
		fi
		return
	fi
	sub=${words[i]}
	args=("${words[@]:i + 1:cword - i - 1}")
	n=${#args[@]}

	case $sub in
	table)
		if ((n == 0)); then
			_pmtufix_reply "$table_subcommands"
		else
			_pmtufix_table "${args[@]}"
		fi ;;
	lookup)
		if [[ $cur == -* ]]; then
			[[ " ${args[*]} " == *' -j '* ||
			   " ${args[*]} " == *' --json '* ]] ||
				_pmtufix_reply '-j --json'
			return
		fi
		for w in "${args[@]}"; do [[ $w == -* ]] || return; done
		_pmtufix_tables ;;
	stats)
		if [[ ${args[0]} == reset ]]; then
			((n == 1)) && _pmtufix_tables
			return
		fi
		if [[ $cur == -* ]]; then
			local opts=' --per-cpu -j --json --prometheus '
			for w in "${args[@]}"; do
				case $w in
				-j | --json) opts=${opts/ --prometheus / }
					opts=${opts/ -j / }; opts=${opts/ --json / } ;;
				--prometheus) opts=${opts/ -j / }
					opts=${opts/ --json / }
					opts=${opts/ --per-cpu / }
					opts=${opts/ --prometheus / } ;;
				--per-cpu) opts=${opts/ --prometheus / }
					opts=${opts/ --per-cpu / } ;;
				esac
			done
			_pmtufix_reply "$opts"
			return
		fi
		for w in "${args[@]}"; do [[ $w == -* ]] || return; done
		((n == 0)) && _pmtufix_reply 'reset'
		_pmtufix_tables ;;
	derive)
		w=''
		((n > 0)) && w=${args[n - 1]}
		case $w in
		--from)
			# A comma-separated list: complete the word after the last comma.
			local pre=${cur%"${cur##*,}"}
			COMPREPLY=($(compgen -P "$pre" -W 'xfrm tunnels ipvs' -- "${cur##*,}"))
			return ;;
		--merge)
			COMPREPLY=($(compgen -f -- "$cur"))
			return ;;
		--check)
			_pmtufix_tables
			return ;;
		--mtu)
			return ;;
		esac
		_pmtufix_reply '--from --mtu --merge --check --prometheus -j --json' ;;
	nft)
		w=''
		((n > 0)) && w=${args[n - 1]}
		case $w in
		--hook)
			local pre=${cur%"${cur##*,}"}
			COMPREPLY=($(compgen -P "$pre" -W 'forward output postrouting' -- "${cur##*,}"))
			return ;;
		--lookup)
			_pmtufix_reply 'dst src both'
			return ;;
		--table)
			return ;;
		esac
		if [[ $cur == -* ]]; then
			_pmtufix_reply '--table --hook --lookup --counters'
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	overhead)
		for ((w = 0; w < n; w++)); do
			case ${args[w]} in
			--mtu)	((w++)) ;;
			-j | --json | -h | --help) ;;
			--)	((w++)); break ;;
			*)	break ;;
			esac
		done
		((w > n)) && return			# --mtu's value
		if ((w == n)) && [[ $cur == -* ]] &&
		   [[ $n == 0 || ${args[n - 1]} != -- ]]; then
			_pmtufix_reply '--mtu -j --json -h --help --'
			return
		fi
		_pmtufix_layers "${args[@]:w}" ;;
	esac
}

complete -F _pmtufix pmtufix
