// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Finds the files testbed needs at run time (bundled server scripts,
 * kernels/, studies/) from where the executable is: an installed
 * PREFIX/bin/testbed reads PREFIX/share/testbed, a build/testbed the source
 * tree around it. Nothing here knows what the files hold. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "data_files.h"

int data_path_from(const char *executable, const char *relative, char *out, size_t size,
		   struct error_message *err)
{
	char top[PATH_MAX], installed[PATH_MAX + 64];
	char *slash;
	int i;

	/* PREFIX/bin/testbed or TREE/build/testbed: two levels up */
	snprintf(top, sizeof(top), "%s", executable);
	for (i = 0; i < 2; i++) {
		slash = strrchr(top, '/');
		if (!slash) {
			error_message_set(err, "cannot find %s: the executable '%s' is in no folder", relative,
					  executable);
			return -1;
		}
		*slash = '\0';
	}
	snprintf(installed, sizeof(installed), "%s/share/testbed/%s", top, relative);
	if (access(installed, F_OK) == 0) {
		snprintf(out, size, "%s", installed);
		return 0;
	}
	snprintf(out, size, "%s/%s", top, relative);
	if (access(out, F_OK) == 0)
		return 0;
	error_message_set(err, "cannot find %s (looked in %s/share/testbed and %s)", relative, top, top);
	return -1;
}

int executable_path(char *out, size_t size, struct error_message *err)
{
	ssize_t n = readlink("/proc/self/exe", out, size - 1);

	if (n < 0) {
		error_message_set(err, "cannot find the testbed executable: %s", strerror(errno));
		return -1;
	}
	out[n] = '\0';
	return 0;
}

int data_path(const char *relative, char *out, size_t size, struct error_message *err)
{
	char exe[PATH_MAX];

	if (executable_path(exe, sizeof(exe), err))
		return -1;
	return data_path_from(exe, relative, out, size, err);
}
