// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Write-to-temporary-then-rename for every file the testbed writes (run
 * folders, reports, compare tables); see atomic_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>

#include "atomic_file.h"

/* Rows are short and many (events.csv can reach millions): a large stdio
 * buffer turns them into few large write() calls. */
#define STREAM_BUFFER_SIZE (256 * 1024)

struct atomic_file {
	FILE *stream;
	char *stream_buffer;     /* ours, must outlive stream */
	char *dir;
	char *tmp_path;
	char *final_path;
};

static void atomic_file_free(struct atomic_file *f)
{
	free(f->stream_buffer);
	free(f->dir);
	free(f->tmp_path);
	free(f->final_path);
	free(f);
}

struct atomic_file *atomic_file_open(const char *dir, const char *name, struct error_message *err)
{
	struct atomic_file *f;
	int fd;

	if (!dir || !name || !*name || strchr(name, '/')) {
		error_message_set(err, "cannot create a file in %s: no file name", dir ? dir : "(no folder)");
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		goto no_memory;
	if (!(f->dir = strdup(dir)) || asprintf(&f->final_path, "%s/%s", dir, name) < 0) {
		f->final_path = NULL;
		goto no_memory;
	}
	if (asprintf(&f->tmp_path, "%s.tmp", f->final_path) < 0) {
		f->tmp_path = NULL;
		goto no_memory;
	}
	if (!(f->stream_buffer = malloc(STREAM_BUFFER_SIZE)))
		goto no_memory;
	/* O_TRUNC: a .tmp left by a crashed run is garbage. O_NOFOLLOW: we
	 * usually run as root, maybe in a folder others can write. */
	fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		error_message_set(err, "cannot create %s: %s", f->tmp_path, strerror(errno));
		atomic_file_free(f);
		return NULL;
	}
	f->stream = fdopen(fd, "w");
	if (!f->stream || setvbuf(f->stream, f->stream_buffer, _IOFBF, STREAM_BUFFER_SIZE)) {
		error_message_set(err, "cannot create %s: %s", f->tmp_path, strerror(errno ? errno : EIO));
		if (f->stream)
			fclose(f->stream);
		else
			close(fd);
		unlink(f->tmp_path);
		atomic_file_free(f);
		return NULL;
	}
	return f;

no_memory:
	error_message_set(err, "cannot create %s/%s: out of memory", dir, name);
	if (f)
		atomic_file_free(f);
	return NULL;
}

int lost_write_error(FILE *stream)
{
	struct statvfs st;

	/* the file is dropped anyway: one more byte says why (ENOSPC, EDQUOT, EIO) */
	if (write(fileno(stream), "", 1) < 0)
		return errno;
	if (fstatvfs(fileno(stream), &st) == 0 && st.f_bavail == 0)
		return ENOSPC;
	return EIO;
}

FILE *atomic_file_stream(struct atomic_file *f)
{
	return f->stream;
}

const char *atomic_file_path(const struct atomic_file *f)
{
	return f->final_path;
}

int atomic_file_commit(struct atomic_file *f, struct error_message *err)
{
	int error = 0, dir_fd;

	if (!f) {
		error_message_set(err, "nothing to write");
		return -1;
	}
	/* Each step is checked: a full disk may only show at flush, fsync or close. */
	errno = 0;
	if (ferror(f->stream))
		error = lost_write_error(f->stream);
	else if (fflush(f->stream) == EOF)
		error = errno ? errno : lost_write_error(f->stream);
	if (!error && fsync(fileno(f->stream)) < 0)
		error = errno;
	errno = 0;
	if (fclose(f->stream) == EOF && !error)
		error = errno ? errno : EIO;
	if (!error && rename(f->tmp_path, f->final_path) < 0)
		error = errno;
	if (error) {
		error_message_set(err, "cannot write %s: %s", f->final_path, strerror(error));
		unlink(f->tmp_path);
		atomic_file_free(f);
		return -1;
	}
	/* The rename survives a crash only once the folder is synced too
	 * (EINVAL: the filesystem cannot sync a folder; nothing more to do). */
	dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 || (fsync(dir_fd) < 0 && errno != EINVAL))
		error = errno;
	if (dir_fd >= 0)
		close(dir_fd);
	if (error)
		error_message_set(err, "cannot write %s: syncing its folder: %s", f->final_path, strerror(error));
	atomic_file_free(f);
	return error ? -1 : 0;
}

void atomic_file_abort(struct atomic_file *f)
{
	if (!f)
		return;
	fclose(f->stream);
	unlink(f->tmp_path);
	atomic_file_free(f);
}

int atomic_file_write(const char *dir, const char *name, const void *data, size_t length,
		      struct error_message *err)
{
	struct atomic_file *f = atomic_file_open(dir, name, err);

	if (!f)
		return -1;
	fwrite(data, 1, length, f->stream);   /* a short write sets ferror, seen by commit */
	return atomic_file_commit(f, err);
}
