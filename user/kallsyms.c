// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A kernel function's code range from /proc/kallsyms. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kallsyms.h"

int kallsyms_function_range(const char *path, const char *name, uint64_t *start, uint64_t *end)
{
	FILE *f = fopen(path, "re");
	char line[512], symbol[256], type;
	uint64_t address, found = 0;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &address, &type, symbol) != 3)
			continue;
		if (!found) {
			if ((type == 't' || type == 'T') && strcmp(symbol, name) == 0 && address)
				found = address;
			continue;
		}
		if (address > found) { /* aliases share the address: the next one up */
			*start = found;
			*end = address;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}
