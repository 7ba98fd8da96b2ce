# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the scenarios that run traffic through real tunnel devices
# and xfrm states.  Source it after lib.sh.
#
#   overhead_of MTU LAYERS...       what `pmtufix overhead' computes
#   icmp_blackhole NS               NS drops the too-big errors it emits
#   ESP_SUITES, esp_algo WORDS...   ip xfrm algorithm arguments for
#                                   pmtufix's cipher words
#   xfrm_state_line, xfrm_policy_line   lines for `ip -batch'
#   wg_config ...                   a `wg setconf' file
#
# Most of them print lines for `ip -batch' or answer many questions per
# process: under emulation, starting a process is what costs most.

# overhead_of MTU LAYERS...: sets OVH_MTU4 OVH_MTU6 (inner MTU) and OVH_MSS4
# OVH_MSS6 from `pmtufix overhead --mtu MTU LAYERS...'; fails if it did not
# answer.
overhead_of() {
	local mtu=$1 label a b c

	shift
	OVH_MTU4='' OVH_MTU6='' OVH_MSS4='' OVH_MSS6=''
	while read -r label a b c; do
		case $label in
		inner) OVH_MTU4=$b OVH_MTU6=$c ;;
		MSS) OVH_MSS4=$a OVH_MSS6=$b ;;
		esac
	done <<<"$(pmtufix overhead --mtu "$mtu" "$@")"
	[ -n "$OVH_MSS4" ] && [ -n "$OVH_MTU6" ]
}

# icmp_blackhole NS: NS drops the ICMP "fragmentation needed" and ICMPv6
# "packet too big" it emits, forwarding or not, as a filtering router on a
# real path does: path MTU discovery through NS is black-holed.
icmp_blackhole() {
	ip netns exec "$1" iptables -A OUTPUT -p icmp \
		--icmp-type fragmentation-needed -j DROP || return 1
	ip netns exec "$1" ip6tables -A OUTPUT -p ipv6-icmp \
		--icmpv6-type packet-too-big -j DROP
}

# Keys of the right length for each algorithm; their values do not matter.
ESP_K16=0x000102030405060708090a0b0c0d0e0f
ESP_K19=${ESP_K16}101112
ESP_K20=${ESP_K16}10111213
ESP_K24=${ESP_K16}1011121314151617
ESP_K32=${ESP_K16}101112131415161718191a1b1c1d1e1f
ESP_K36=${ESP_K32}20212223
ESP_K64=${ESP_K32}${ESP_K32#0x}

# pmtufix's cipher, integrity and icv words (as `pmtufix overhead' takes
# them after the mode) | the `ip xfrm state' algorithm arguments, with the
# ICV lengths pmtufix assumes when none is given.
ESP_SUITES="
aes-gcm icv 64               | aead rfc4106(gcm(aes)) $ESP_K20 64
aes-gcm icv 96               | aead rfc4106(gcm(aes)) $ESP_K20 96
aes-gcm                      | aead rfc4106(gcm(aes)) $ESP_K20 128
aes-ccm icv 64               | aead rfc4309(ccm(aes)) $ESP_K19 64
aes-ccm                      | aead rfc4309(ccm(aes)) $ESP_K19 128
chacha20-poly1305            | aead rfc7539esp(chacha20,poly1305) $ESP_K36 128
aes-gmac                     | aead rfc4543(gcm(aes)) $ESP_K20 128
aes-cbc hmac-sha1            | enc cbc(aes) $ESP_K16 auth hmac(sha1) $ESP_K20
aes-cbc hmac-sha256          | enc cbc(aes) $ESP_K16 auth-trunc hmac(sha256) $ESP_K32 128
aes-cbc hmac-sha256 icv 96   | enc cbc(aes) $ESP_K16 auth hmac(sha256) $ESP_K32
aes-cbc hmac-sha512          | enc cbc(aes) $ESP_K16 auth-trunc hmac(sha512) $ESP_K64 256
aes-cbc aes-xcbc             | enc cbc(aes) $ESP_K16 auth xcbc(aes) $ESP_K16
aes-ctr hmac-sha256          | enc rfc3686(ctr(aes)) $ESP_K20 auth-trunc hmac(sha256) $ESP_K32 128
3des-cbc hmac-sha1           | enc cbc(des3_ede) $ESP_K24 auth hmac(sha1) $ESP_K20
null hmac-sha1               | enc ecb(cipher_null) \"\" auth hmac(sha1) $ESP_K20
"

# esp_algo WORDS...: the algorithm arguments of ESP_SUITES for WORDS.
esp_algo() {
	local words algo
	local -a w

	while IFS='|' read -r words algo; do
		read -r -a w <<<"$words"
		[ "${w[*]}" = "$*" ] || continue
		read -r algo <<<"$algo"
		echo "$algo"
		return 0
	done <<<"$ESP_SUITES"
	echo "esp_algo: no algorithm for '$*'" >&2
	return 1
}

# xfrm_state_line SRC DST SPI MODE NATT WORDS...: an `xfrm state add' line
# for `ip -batch', ESP with the algorithm of pmtufix's WORDS (see esp_algo),
# reqid SPI, in UDP on port 4500 if NATT is 1.  A tunnel mode state also
# carries the other family.
xfrm_state_line() {
	local src=$1 dst=$2 spi=$3 mode=$4 natt=$5 algo extra=''

	shift 5
	algo=$(esp_algo "$@") || return 1
	if [ "$natt" = 1 ]; then
		case $src in
		*:*) extra="encap espinudp 4500 4500 ::" ;;
		*) extra="encap espinudp 4500 4500 0.0.0.0" ;;
		esac
	fi
	[ "$mode" = tunnel ] && extra="$extra flag af-unspec"
	echo "xfrm state add src $src dst $dst proto esp spi $spi reqid $spi" \
		"mode $mode $algo $extra"
}

# xfrm_policy_line SELECTOR DIR TMPL_SRC TMPL_DST REQID MODE: an `xfrm
# policy add' line; SELECTOR is what follows `policy add' up to `dir',
# e.g. "src 0.0.0.0/0 dst 10.50.1.0/24" or "... proto gre".
xfrm_policy_line() {
	echo "xfrm policy add $1 dir $2 tmpl src $3 dst $4 proto esp" \
		"reqid $5 mode $6"
}

# Two WireGuard key pairs (private, public), fixed: generating them would
# cost two processes each.
WG_PRIV1=UCVeErYRbkzGIPx3IvnMzflKH9vmLfixx4y6bsdTAFM=
WG_PUB1=ZDD+luSfEbLWcXvCr57mMDd8JsvK+g87YCxVEP+Csmg=
WG_PRIV2=6EcfQGXvYfZJ4Y3qKAWa6l6OXNzgxIqYacSCYIKSFmQ=
WG_PUB2=uJ9PJGxfDqefNqUWzVBFV7oaxi24qOsX8j9xoIqjR1c=

# wg_config PRIVATE PORT PEER_PUBLIC ALLOWED_IPS [ENDPOINT]: a `wg setconf'
# file with one peer; PORT "-" for a random listening port.
wg_config() {
	echo "[Interface]"
	echo "PrivateKey = $1"
	[ "$2" != - ] && echo "ListenPort = $2"
	echo "[Peer]"
	echo "PublicKey = $3"
	echo "AllowedIPs = $4"
	[ -n "${5:-}" ] && echo "Endpoint = $5"
	return 0
}
