/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The report's wake-order figure (issue 20): share of connections by the
 * winner's rank in the idle set. Internal to the report, like
 * report_figures.h. */
#ifndef TESTBED_WAKE_ORDER_FIGURE_H
#define TESTBED_WAKE_ORDER_FIGURE_H

#include "report_figures.h"

/* Adds the heading, figure and explanation to R->doc and writes
 * report-wake-order.svg; a run without the wake columns (before issue 20)
 * gets a sentence instead. 0, or -1 with R->err set. */
int report_figure_wake_order(struct report *r);

#endif
