// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Just enough HTTP/1.1 for both ends of a run: the scenario servers find a
 * request head's end and format their fixed answer, the load generator
 * formats its request and finds a response's end. No sockets, no I/O: the
 * callers own their buffers. _GNU_SOURCE (for memmem) comes from the
 * build's CPPFLAGS. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"

static const char body[] = "ok\n";

/* Value of header NAME in the head [buf, buf+head_len), or NULL. */
static const char *find_header(const char *buf, size_t head_len, const char *name, size_t *value_len)
{
	size_t name_len = strlen(name);
	const char *line = memchr(buf, '\n', head_len); /* skip the start line */

	while (line && (size_t)(line - buf) + 1 < head_len) {
		const char *start = line + 1;
		size_t rest = head_len - (size_t)(start - buf);
		const char *end = memchr(start, '\n', rest);

		if (!end)
			break;
		if ((size_t)(end - start) > name_len && start[name_len] == ':' &&
		    strncasecmp(start, name, name_len) == 0) {
			const char *v = start + name_len + 1;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			/* trailing OWS is legal (RFC 9110 5.5), so "Content-Length: 3 " is 3 */
			while (end > v && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
				end--;
			*value_len = (size_t)(end - v);
			return v;
		}
		line = end;
	}
	return NULL;
}

static size_t head_length(const char *buf, size_t len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);

	return end ? (size_t)(end - buf) + 4 : 0;
}

static bool header_is(const char *buf, size_t head_len, const char *name, const char *value)
{
	size_t value_len;
	const char *v = find_header(buf, head_len, name, &value_len);

	return v && value_len == strlen(value) && strncasecmp(v, value, value_len) == 0;
}

size_t http_request_complete(const char *buf, size_t len, bool *keepalive)
{
	size_t head = head_length(buf, len);

	if (head)
		*keepalive = header_is(buf, head, "Connection", "keep-alive");
	return head;
}

size_t http_response_complete(const char *buf, size_t len, int *status, bool *server_closes)
{
	size_t head = head_length(buf, len), value_len;
	const char *v;
	char number[32], *end;
	unsigned long long body_len;

	if (!head)
		return 0;
	if (head < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ' ||
	    !isdigit((unsigned char)buf[9]) || !isdigit((unsigned char)buf[10]) ||
	    !isdigit((unsigned char)buf[11]))
		return (size_t)-1;
	*status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	/* An HTTP/1.0 server closes after the response unless it says otherwise. */
	*server_closes = buf[7] == '0' ? !header_is(buf, head, "Connection", "keep-alive")
				       : header_is(buf, head, "Connection", "close");
	v = find_header(buf, head, "Content-Length", &value_len);
	if (!v || value_len == 0 || value_len >= sizeof(number))
		return (size_t)-1;
	memcpy(number, v, value_len);
	number[value_len] = '\0';
	body_len = strtoull(number, &end, 10);
	if (*end != '\0' || body_len > (1u << 30))
		return (size_t)-1;
	return len >= head + body_len ? head + body_len : 0;
}

size_t http_format_response(char *out, size_t out_size, bool keepalive)
{
	int n = snprintf(out, out_size,
			 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "Connection: %s\r\n\r\n%s",
			 sizeof(body) - 1, keepalive ? "keep-alive" : "close", body);

	/* a truncated message must not be sent: 0 tells the caller OUT was too small */
	return n < 0 || (size_t)n >= out_size ? 0 : (size_t)n;
}

size_t http_format_request(char *out, size_t out_size, bool keepalive)
{
	int n = snprintf(out, out_size, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: testbed\r\n"
			 "Connection: %s\r\n\r\n", keepalive ? "keep-alive" : "close");

	return n < 0 || (size_t)n >= out_size ? 0 : (size_t)n;
}
