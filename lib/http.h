/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Just enough HTTP/1.1 for the scenario servers and the load generator. */
#ifndef TESTBED_HTTP_H
#define TESTBED_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the request head including the final CRLFCRLF, or 0 if BUF does
 * not yet hold a complete head. Sets *keepalive when the request asks for
 * "Connection: keep-alive" (servers close otherwise). */
size_t http_request_complete(const char *buf, size_t len, bool *keepalive);

/* Length of the whole response (head + Content-Length body), 0 if BUF does
 * not hold it all yet, (size_t)-1 if the head is malformed or has no
 * Content-Length. Sets *status and *server_closes ("Connection: close"). */
size_t http_response_complete(const char *buf, size_t len, int *status, bool *server_closes);

/* Formats the fixed 200 response into OUT; returns its length. */
size_t http_format_response(char *out, size_t out_size, bool keepalive);

/* The request the load generator sends. */
size_t http_format_request(char *out, size_t out_size, bool keepalive);

#endif
