// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the parsers: arbitrary bytes as a table file line
 * (entries only, and with set and table directives) and as layer words.  Whatever parses must format back to words that
 * parse to the very same entry; nothing may crash or read out of bounds.
 *
 * Without libFuzzer, tests/fuzz/standalone.c replays a corpus through it.
 */
#include <stdio.h>
#include <stdlib.h>

/* The parser has no side effects: build it right into the harness. */
#include "../../userspace/pmtufix/parse.c"

#define FUZZ_MAX_WORDS 64

static void require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

/* An entry back to a line, parsed again: must be the same entry. */
static void check_line_round_trip(const struct pmtufix_entry_spec *e)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec again;
	char line[1024];
	int len;

	len = pmtufix_format_entry(e, line, sizeof(line));
	require(len > 0 && (size_t)len < sizeof(line), "an entry fits 1024 bytes");
	require(pmtufix_parse_line(line, strlen(line), &again, &err) == 1,
		"a formatted entry parses");
	require(!memcmp(e, &again, sizeof(again)), "round trip is identical");
}

/*
 * The same bytes as a line of a table or restore file: entries as above,
 * settings back to a set line that gives the same, names valid.
 */
static void fuzz_file_line(const char *data, size_t size)
{
	struct pmtufix_parse_error err;
	struct pmtufix_line pl, again;
	char line[512];
	size_t len = 0;
	unsigned int k;
	int r;

	memset(&err, 0, sizeof(err));
	r = pmtufix_parse_file_line(data, size, &pl, &err);
	require(r >= -1 && r <= PMTUFIX_LINE_TABLE, "file line: return value");
	if (r == -1)
		require(err.column >= 1 && err.column <= size + 1 && err.msg[0],
			"file line: column and message");
	if (r == PMTUFIX_LINE_ENTRY)
		check_line_round_trip(&pl.entry);
	if (r == PMTUFIX_LINE_TABLE)
		require(pmtufix_table_name_valid(pl.table), "a valid name");
	if (r != PMTUFIX_LINE_SET)
		return;
	require(pl.settings.given, "a set line gives something");
	len += snprintf(line, sizeof(line), "set");
	for (k = 0; k < PMTUFIX_NSETTINGS; k++)
		if (pl.settings.given & (1U << k))
			len += snprintf(line + len, sizeof(line) - len, " %s %u",
					pmtufix_setting_descs[k].word,
					pl.settings.value[k]);
	require(pmtufix_parse_file_line(line, len, &again, &err) ==
		PMTUFIX_LINE_SET && !memcmp(&again.settings, &pl.settings,
					    sizeof(pl.settings)),
		"settings round trip");
}

static void fuzz_line(const char *data, size_t size)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	unsigned int i;
	int r;

	memset(&err, 0, sizeof(err));
	r = pmtufix_parse_line(data, size, &e, &err);
	require(r >= -1 && r <= 1, "return value");
	if (r == -1) {
		require(err.column >= 1 && err.column <= size + 1, "column");
		require(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0],
			"message");
		return;
	}
	if (r == 0)
		return;
	require(e.nlayers <= PMTUFIX_MAX_LAYERS, "layer count");
	for (i = 0; i < e.nlayers; i++)
		require(!pmtufix_layer_check(&e.layers[i], NULL), "layer checked");
	pmtufix_stack_mtu(e.layers, e.nlayers, e.family, e.mtu ? e.mtu : 1500);
	check_line_round_trip(&e);
}

/* The bytes cut at blanks and NULs into words, as argv. */
static void fuzz_words(const char *data, size_t size)
{
	struct pmtufix_layer layers[PMTUFIX_MAX_LAYERS], again[PMTUFIX_MAX_LAYERS];
	const char *argv[FUZZ_MAX_WORDS], *argv2[FUZZ_MAX_WORDS];
	char *buf = malloc(size + 1), text[768], *p;
	unsigned int n = 0, n2 = 0;
	int argc = 0, argc2 = 0;
	size_t i;

	if (!buf)
		return;
	for (i = 0; i < size; i++)
		buf[i] = is_blank(data[i]) ? '\0' : data[i];
	buf[size] = '\0';
	for (i = 0; i < size && argc < FUZZ_MAX_WORDS; i++)
		if (buf[i] && (!i || !buf[i - 1]))
			argv[argc++] = buf + i;
	if (!pmtufix_parse_layers(argc, argv, layers, &n, NULL)) {
		require(pmtufix_format_layers(layers, n, text, sizeof(text)) <
			(int)sizeof(text), "layers fit 768 bytes");
		for (p = strtok(text, " "); p && argc2 < FUZZ_MAX_WORDS;
		     p = strtok(NULL, " "))
			argv2[argc2++] = p;
		require(!pmtufix_parse_layers(argc2, argv2, again, &n2, NULL),
			"formatted layers parse");
		require(n == n2 && !memcmp(layers, again, n * sizeof(*layers)),
			"layers round trip");
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	fuzz_line((const char *)data, size);
	fuzz_file_line((const char *)data, size);
	fuzz_words((const char *)data, size);
	return 0;
}
