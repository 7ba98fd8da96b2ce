// SPDX-License-Identifier: GPL-2.0
/*
 * A main() for any libFuzzer harness, for machines without libFuzzer (CI
 * with gcc): runs LLVMFuzzerTestOneInput() once on each file named on the
 * command line, and on each regular file inside a directory named there.
 * Each input is passed in a heap buffer of exactly its size, so that
 * AddressSanitizer sees a read one byte past it.
 *
 *   gcc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
 *       -Ikmod -o replay tests/fuzz/fuzz_X.c tests/fuzz/standalone.c ...
 *   ./replay tests/fuzz/corpus_X/
 *
 * Exits 0 when every input ran (a broken invariant aborts), 1 when a file
 * could not be read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static unsigned long replayed;

static int run_file(const char *path)
{
	unsigned char *data;
	long size;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		fclose(f);
		return -1;
	}
	/* malloc(0) may return NULL; keep a valid pointer for size 0. */
	data = malloc(size ? size : 1);
	if (!data || fread(data, 1, size, f) != (size_t)size) {
		fprintf(stderr, "%s: cannot read %ld bytes\n", path, size);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	replayed++;
	return 0;
}

static int run_dir(const char *path)
{
	struct dirent **names;
	int i, n, err = 0;

	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char full[4096];
		struct stat st;

		if (snprintf(full, sizeof(full), "%s/%s", path,
			     names[i]->d_name) < (int)sizeof(full) &&
		    !stat(full, &st) && S_ISREG(st.st_mode) &&
		    run_file(full))
			err = -1;
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char *argv[])
{
	struct stat st;
	int i, err = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			err |= run_dir(argv[i]);
		else
			err |= run_file(argv[i]);
	}
	printf("%s: %lu inputs replayed\n", argv[0], replayed);
	return err ? 1 : 0;
}
