/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Plots rendered by gnuplot (SVG, PDF, PNG) (Debian package gnuplot-nox), run as a child
 * process in a private temporary folder that holds its script and data
 * files. Scripts name their files relatively (gnuplot runs in that folder),
 * so no path from the command line ever reaches gnuplot's parser; labels
 * from CSV files go through plot_label() first. */
#ifndef TESTBED_PLOT_H
#define TESTBED_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "error.h"

#define PLOT_TIMEOUT_S 60       /* a plot of a few thousand points takes well under 1 s */
#define PLOT_SVG_MAX_BYTES (64u << 20)
/* The paper style: a WIDTH x HEIGHT px SVG is a (WIDTH/DPI) x (HEIGHT/DPI)
 * inch PDF with 8 pt text: 4 x 2.25 in at 640 x 360 px, still 6.7 pt when
 * scaled to one column (3.3 in) of a two-column paper; the SVG's text is
 * 14 px, the PNG twice the SVG's size. */
#define PLOT_PDF_DPI 160.0
#define PLOT_PDF_FONT_PT 8
#define PLOT_SVG_FONT_PX 14
/* Output formats (plot_keep), bits of a mask: "svg,pdf,png". */
enum plot_format { PLOT_SVG = 1u << 0, PLOT_PDF = 1u << 1, PLOT_PNG = 1u << 2 };
#define PLOT_DEFAULT_FORMATS (PLOT_SVG | PLOT_PDF)

/* Room for one tick or legend label: "worker 12 (pid 4194304) / tid 4194305". */
#define PLOT_LABEL_SIZE 48

/* gnuplot on PATH? 0, or -1 with "gnuplot not found: install the Debian
 * package gnuplot-nox (sudo make deps)". */
int plot_find_gnuplot(struct error_message *err);

struct plot_dir;

/* A fresh folder under $TMPDIR (or /tmp); NULL with ERR set. */
struct plot_dir *plot_dir_new(struct error_message *err);
/* The folder's path (for messages and tests). */
const char *plot_dir_path(const struct plot_dir *p);
/* Creates data file NAME ([a-z0-9_.-]) in the folder, for writing. */
FILE *plot_data_create(struct plot_dir *p, const char *name, struct error_message *err);
/* VALUE with DECIMALS places into a data file, "NaN" for NAN (undefined):
 * a script reading it says `set datafile missing 'NaN'`. */
void plot_data_value(FILE *data, double value, int decimals);
/* Closes a data file; 0, or -1 with ERR set if a write failed. */
int plot_data_close(struct plot_dir *p, FILE *data, struct error_message *err);
/* Writes NAME.gp: a preamble (the terminal from the script's `format`
 * variable, 'svg' by default: WIDTH x HEIGHT, white, no enhanced text so
 * '_' stays '_'; the paper style's fonts and line types) and SCRIPT, which
 * reads its data as NAME.dat; runs gnuplot on it. *SVG (malloc'd,
 * NUL-terminated) receives NAME.svg. */
int plot_render(struct plot_dir *p, const char *name, int width, int height, const char *script,
		char **svg, size_t *length, struct error_message *err);
/* After plot_render: renders NAME.gp in FORMATS' other formats and writes
 * NAME.gp, NAME.dat (if there is one) and NAME.FORMAT for each of FORMATS
 * into DIR, each atomically: `gnuplot NAME.gp` there draws it again. */
int plot_keep(struct plot_dir *p, const char *name, unsigned formats, const char *dir,
	      struct error_message *err);
/* "svg,pdf" into a plot_format mask; -1 with ERR set for an unknown name. */
int plot_parse_formats(const char *text, unsigned *formats, struct error_message *err);
/* Removes the folder and everything in it. NULL is fine. */
void plot_dir_free(struct plot_dir *p);

/* TEXT reduced to characters that are inert in a gnuplot string, a data
 * file's quoted field and SVG text (letters, digits, " ._+:/()=,-"; others
 * become '_'), and shortened to fit OUT. Returns OUT. */
const char *plot_label(const char *text, char *out, size_t out_size);

/* A whole SVG document: it opens with "<?xml" or "<svg" and "</svg>" closes it. */
bool svg_looks_complete(const char *svg, size_t length);

#endif
