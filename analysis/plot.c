// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* gnuplot as a child process: finding it on PATH, a private scratch folder
 * for its script and data files, running it with a timeout and reading back
 * the SVG it drew, the other formats (PDF, PNG) from the same script and
 * the copies of script, data and drawings kept in the run folder, and the
 * label cleaning that keeps CSV text inert in a
 * script. It draws nothing of its own: what a figure shows (its script, data
 * and explanation) is in report_figures.c and compare.c. See plot.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "csv_read.h"
#include "plot.h"
#include "util.h"

#define GNUPLOT_LOG "gnuplot.log"
#define FILE_NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.-"

struct plot_dir {
	char *path;
	int fd;                 /* the folder, for openat/unlinkat */
	char gnuplot[PATH_MAX];
};

/* The first executable "gnuplot" on PATH into OUT. */
static int find_on_path(char *out, size_t out_size)
{
	const char *path = getenv("PATH");

	while (path && *path) {
		size_t length = strcspn(path, ":");

		/* an empty entry means the current folder, which we do not search */
		if (length && (size_t)snprintf(out, out_size, "%.*s/gnuplot", (int)length, path) < out_size &&
		    access(out, X_OK) == 0)
			return 0;
		path += length + (path[length] == ':');
	}
	return -1;
}

int plot_find_gnuplot(struct error_message *err)
{
	char path[PATH_MAX];

	if (find_on_path(path, sizeof(path))) {
		error_message_set(err, "gnuplot not found: install the Debian package gnuplot-nox "
				  "(sudo make deps)");
		return -1;
	}
	return 0;
}

struct plot_dir *plot_dir_new(struct error_message *err)
{
	const char *tmp = getenv("TMPDIR");
	struct plot_dir *p = calloc(1, sizeof(*p));

	if (!p) {
		error_message_set(err, "out of memory");
		return NULL;
	}
	p->fd = -1;
	if (plot_find_gnuplot(err) || find_on_path(p->gnuplot, sizeof(p->gnuplot)))
		goto fail;
	if (asprintf(&p->path, "%s/testbed-plot.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
		p->path = NULL;
		error_message_set(err, "out of memory");
		goto fail;
	}
	if (!mkdtemp(p->path)) {
		error_message_set(err, "%s: cannot create a temporary folder: %s", p->path,
				  strerror(errno));
		goto fail;
	}
	p->fd = open(p->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->fd < 0) {
		error_message_set(err, "%s: cannot open: %s", p->path, strerror(errno));
		rmdir(p->path);
		goto fail;
	}
	return p;

fail:
	free(p->path);
	free(p);
	return NULL;
}

const char *plot_dir_path(const struct plot_dir *p)
{
	return p->path;
}

void plot_dir_free(struct plot_dir *p)
{
	DIR *dir;
	struct dirent *entry;

	if (!p)
		return;
	/* Only files we and gnuplot made are in there: mkdtemp gave us the folder. */
	dir = fdopendir(dup(p->fd));
	while (dir && (entry = readdir(dir)))
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			unlinkat(p->fd, entry->d_name, 0);
	if (dir)
		closedir(dir);
	close(p->fd);
	rmdir(p->path);
	free(p->path);
	free(p);
}

static FILE *create_in(struct plot_dir *p, const char *name, struct error_message *err)
{
	int fd;
	FILE *file;

	if (!*name || strspn(name, FILE_NAME_CHARS) != strlen(name)) {
		error_message_set(err, "plot file name '%s' has characters it must not have", name);
		return NULL;
	}
	fd = openat(p->fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(file = fdopen(fd, "w"))) {
		error_message_set(err, "%s/%s: cannot create: %s", p->path, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return file;
}

FILE *plot_data_create(struct plot_dir *p, const char *name, struct error_message *err)
{
	return create_in(p, name, err);
}

void plot_data_value(FILE *data, double value, int decimals)
{
	if (isnan(value))
		fputs("NaN", data);
	else
		fprintf(data, "%.*f", decimals, value);
}

int plot_data_close(struct plot_dir *p, FILE *data, struct error_message *err)
{
	int failed = ferror(data) ? lost_write_error(data) : 0;

	errno = 0;
	if (fclose(data) == EOF || failed) {
		error_message_set(err, "%s: cannot write plot data: %s", p->path,
				  strerror(failed ? failed : errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* The last non-empty line gnuplot wrote: its error ("plot.gp" line 5: ...). */
static void gnuplot_complaint(struct plot_dir *p, char *out, size_t out_size)
{
	char path[PATH_MAX], *log = NULL, *line, *end;
	size_t length;

	snprintf(out, out_size, "no message");
	snprintf(path, sizeof(path), "%s/%s", p->path, GNUPLOT_LOG);
	if (read_whole_file(path, 1u << 20, &log, &length, NULL))
		return;
	end = log + length;
	while (end > log && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	line = memrchr(log, '\n', (size_t)(end - log));
	printable_excerpt(line ? line + 1 : log, out, out_size);
	free(log);
}

/* Runs gnuplot SCRIPT_NAME in the folder, with FORMAT ("svg", "pdf", "png")
 * as the script's `format` variable; 0 when it exits 0 in time. */
static int run_gnuplot(struct plot_dir *p, const char *script_name, const char *format,
		       struct error_message *err)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	char complaint[200], format_setting[32];
	int status, waited_ms = 0;
	pid_t child, done;

	snprintf(format_setting, sizeof(format_setting), "format='%s'", format);
	child = fork();
	if (child < 0) {
		error_message_set(err, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (child == 0) {
		/* Only async-signal-safe calls between fork and exec. */
		int null_fd = open("/dev/null", O_RDONLY);
		int log_fd = openat(p->fd, GNUPLOT_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fchdir(p->fd) < 0 || null_fd < 0 || log_fd < 0 || dup2(null_fd, 0) < 0 ||
		    dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
			_exit(126);
		execl(p->gnuplot, "gnuplot", "-e", format_setting, script_name, (char *)NULL);
		_exit(127);
	}
	while ((done = waitpid(child, &status, WNOHANG)) == 0 && waited_ms < PLOT_TIMEOUT_S * 1000) {
		nanosleep(&tick, NULL);
		waited_ms += 10;
	}
	if (done == 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		error_message_set(err, "gnuplot took more than %d s on %s/%s", PLOT_TIMEOUT_S, p->path,
				  script_name);
		return -1;
	}
	if (done < 0) {
		error_message_set(err, "waiting for gnuplot: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		gnuplot_complaint(p, complaint, sizeof(complaint));
		error_message_set(err, "gnuplot failed on %s (%s%s%s %d): %s", script_name,
				  strcmp(format, "svg") ? format : "", strcmp(format, "svg") ? ", " : "",
				  WIFEXITED(status) ? "exit" : "signal",
				  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), complaint);
		return -1;
	}
	return 0;
}

/* The preamble that makes a script stand alone in the run folder: the
 * output format from `format`, the paper style (fonts, Okabe-Ito colours
 * with dash and point types, for colour-blind and greyscale readers). */
static void write_preamble(FILE *file, const char *name, int width, int height)
{
	fprintf(file,
		"# %s.gp: a testbed figure, re-drawable without the run (its data: %s.dat).\n"
		"#   gnuplot %s.gp                      -> %s.svg\n"
		"#   gnuplot -e \"format='pdf'\" %s.gp    -> %s.pdf (or 'png')\n"
		"if (!exists(\"format\")) format = 'svg'\n"
		"set encoding utf8\n"
		"if (format eq 'pdf') {\n"
		"    set terminal pdfcairo size %.2fin,%.2fin noenhanced font 'Sans,%d' fontscale 1 linewidth 1.5\n"
		"} else { if (format eq 'png') {\n"
		"    set terminal pngcairo size %d,%d noenhanced font 'Sans,%d' linewidth 2 background rgb 'white'\n"
		"} else {\n"
		"    set terminal svg size %d,%d noenhanced font 'Sans,%d' linewidth 1.5 background rgb 'white'\n"
		"} }\n"
		"set output '%s.'.format\n"
		"# Okabe-Ito colours; dash and point types tell the lines apart in grey\n"
		"set linetype 1 lc rgb '#0072B2' dt 1 pt 7 ps 0.8\n"
		"set linetype 2 lc rgb '#E69F00' dt 2 pt 5 ps 0.8\n"
		"set linetype 3 lc rgb '#009E73' dt 3 pt 9 ps 0.9\n"
		"set linetype 4 lc rgb '#D55E00' dt 4 pt 11 ps 0.9\n"
		"set linetype 5 lc rgb '#CC79A7' dt 5 pt 13 ps 0.9\n"
		"set linetype 6 lc rgb '#56B4E9' dt (8,4,2,4) pt 6 ps 0.8\n"
		"set linetype 7 lc rgb '#000000' dt (2,2) pt 4 ps 0.8\n"
		"set linetype 8 lc rgb '#F0E442' dt (12,4) pt 8 ps 0.9\n"
		"set linetype cycle 8\n"
		"set border lw 1\n",
		name, name, name, name, name, name,
		width / PLOT_PDF_DPI, height / PLOT_PDF_DPI, PLOT_PDF_FONT_PT,
		width * 2, height * 2, PLOT_SVG_FONT_PX * 3 / 2,
		width, height, PLOT_SVG_FONT_PX, name);
}

int plot_render(struct plot_dir *p, const char *name, int width, int height, const char *script,
		char **svg, size_t *length, struct error_message *err)
{
	char script_name[NAME_MAX], svg_name[NAME_MAX], svg_path[PATH_MAX];
	FILE *file;

	snprintf(script_name, sizeof(script_name), "%s.gp", name);
	snprintf(svg_name, sizeof(svg_name), "%s.svg", name);
	file = create_in(p, script_name, err);
	if (!file)
		return -1;
	write_preamble(file, name, width, height);
	fprintf(file, "%s\nunset output\n", script);
	if (plot_data_close(p, file, err) || run_gnuplot(p, script_name, "svg", err))
		return -1;
	snprintf(svg_path, sizeof(svg_path), "%s/%s", p->path, svg_name);
	if (read_whole_file(svg_path, PLOT_SVG_MAX_BYTES, svg, length, err))
		return -1;
	if (!svg_looks_complete(*svg, *length)) {
		error_message_set(err, "gnuplot wrote an incomplete SVG for %s", script_name);
		free(*svg);
		*svg = NULL;
		return -1;
	}
	return 0;
}

static const char *const format_names[] = { "svg", "pdf", "png" };

int plot_parse_formats(const char *text, unsigned *formats, struct error_message *err)
{
	*formats = 0;
	while (*text) {
		size_t length = strcspn(text, ","), k = 0;

		while (k < ARRAY_SIZE(format_names) &&
		       (strlen(format_names[k]) != length || strncmp(text, format_names[k], length)))
			k++;
		if (k == ARRAY_SIZE(format_names)) {
			error_message_set(err, "--format takes svg, pdf and png, comma-separated, not '%.*s'",
					  (int)(length > 32 ? 32 : length), text);
			return -1;
		}
		*formats |= 1u << k;
		text += length + (text[length] == ',');
	}
	if (!*formats) {
		error_message_set(err, "--format needs at least one of svg, pdf and png");
		return -1;
	}
	return 0;
}

/* Copies the folder's file NAME into DIR (atomically); a missing file is
 * fine when OPTIONAL. */
static int copy_out(struct plot_dir *p, const char *name, const char *dir, bool optional,
		    struct error_message *err)
{
	char path[PATH_MAX], *data = NULL;
	size_t length;
	int result;

	snprintf(path, sizeof(path), "%s/%s", p->path, name);
	if (optional && faccessat(p->fd, name, F_OK, 0))
		return 0;
	if (read_whole_file(path, PLOT_SVG_MAX_BYTES, &data, &length, err))
		return -1;
	result = atomic_file_write(dir, name, data, length, err);
	free(data);
	return result;
}

int plot_keep(struct plot_dir *p, const char *name, unsigned formats, const char *dir,
	      struct error_message *err)
{
	char file[NAME_MAX];

	snprintf(file, sizeof(file), "%s.gp", name);
	if (copy_out(p, file, dir, false, err))
		return -1;
	snprintf(file, sizeof(file), "%s.dat", name);
	if (copy_out(p, file, dir, true, err))
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(format_names); k++) {
		if (!(formats & (1u << k)))
			continue;
		snprintf(file, sizeof(file), "%s.gp", name);
		if (k && run_gnuplot(p, file, format_names[k], err))
			return -1;
		snprintf(file, sizeof(file), "%s.%s", name, format_names[k]);
		if (copy_out(p, file, dir, false, err))
			return -1;
	}
	return 0;
}

const char *plot_label(const char *text, char *out, size_t out_size)
{
	static const char inert[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789 ._+:/()=,-";
	size_t i;

	if (!out_size)
		return out;
	for (i = 0; text[i] && i + 1 < out_size; i++)
		out[i] = strchr(inert, text[i]) ? text[i] : '_';
	out[i] = '\0';
	return out;
}

bool svg_looks_complete(const char *svg, size_t length)
{
	size_t start = 0;

	if (!svg)
		return false;
	while (start < length && strchr(" \t\r\n", svg[start]))
		start++;
	if (length - start < 5 ||
	    (strncmp(svg + start, "<?xml", 5) && strncmp(svg + start, "<svg", 4)))
		return false;
	return memmem(svg, length, "</svg>", 6) != NULL;
}
