/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Function symbols of an ELF file as uprobe offsets, found in one pass. */
#ifndef TESTBED_ELF_SYMBOLS_H
#define TESTBED_ELF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* For each of the N function NAMES in PATH's .symtab or .dynsym, its file
 * offset (what a uprobe takes) into OFFSETS, or 0 where PATH has no such
 * function. 0, or -1 with a reason in ERR (unreadable, not ELF, a name
 * defined twice at different addresses). */
int elf_function_offsets(const char *path, const char *const *names, size_t n, uint64_t *offsets,
			 struct error_message *err);

#endif
