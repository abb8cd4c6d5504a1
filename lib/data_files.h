/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Where the files testbed reads at run time live (the bundled servers'
 * scenarios/external, kernels/, studies/): next to the executable's build/
 * folder in a source tree, or PREFIX/share/testbed after `make install`. */
#ifndef TESTBED_DATA_FILES_H
#define TESTBED_DATA_FILES_H

#include <stddef.h>
#include "error.h"

/* RELATIVE (e.g. "scenarios/external") as a path that exists into OUT: for
 * an executable DIR/bin/testbed DIR/share/testbed/RELATIVE, else (DIR/build/
 * testbed, the source tree) DIR/RELATIVE. 0, or -1 with the places looked in. */
int data_path(const char *relative, char *out, size_t size, struct error_message *err);

/* This process's executable (/proc/self/exe) into OUT; 0, or -1 with why. */
int executable_path(char *out, size_t size, struct error_message *err);

/* The same from a given executable path (what data_path uses; for tests). */
int data_path_from(const char *executable, const char *relative, char *out, size_t size,
		   struct error_message *err);

#endif
