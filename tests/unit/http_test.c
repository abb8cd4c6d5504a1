// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for lib/http.c: the parsers decide when a server answers
 * and when the load generator counts a response, so their edges matter. */
#include <string.h>
#include "unit.h"
#include "http.h"

#define STR_AND_LEN(s) (s), strlen(s)

static const char get_close[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

static void test_request_partial_head(void)
{
	bool keepalive = true;

	CU_ASSERT_EQUAL(http_request_complete(get_close, 0, &keepalive), 0);
	/* every strict prefix, including one ending in "\r\n\r" */
	for (size_t len = 1; len < strlen(get_close); len++)
		CU_ASSERT_EQUAL(http_request_complete(get_close, len, &keepalive), 0);
}

static void test_request_complete_head(void)
{
	char buf[256];
	bool keepalive = true;

	CU_ASSERT_EQUAL(http_request_complete(STR_AND_LEN(get_close), &keepalive), strlen(get_close));
	CU_ASSERT_FALSE(keepalive);

	/* a pipelined second request is not part of the first head */
	snprintf(buf, sizeof(buf), "%sGET /next HTTP/1.1\r\n", get_close);
	CU_ASSERT_EQUAL(http_request_complete(STR_AND_LEN(buf), &keepalive), strlen(get_close));
}

static void test_request_keepalive(void)
{
	bool keepalive;

	keepalive = false;
	CU_ASSERT(http_request_complete(STR_AND_LEN("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n"),
					&keepalive) > 0);
	CU_ASSERT_TRUE(keepalive);

	keepalive = false;
	CU_ASSERT(http_request_complete(STR_AND_LEN("GET / HTTP/1.1\r\nHost: x\r\nCONNECTION:Keep-Alive \r\n\r\n"),
					&keepalive) > 0);
	CU_ASSERT_TRUE(keepalive);

	/* no header: the servers close (documented in http.h), even for HTTP/1.1 */
	keepalive = true;
	CU_ASSERT(http_request_complete(STR_AND_LEN("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), &keepalive) > 0);
	CU_ASSERT_FALSE(keepalive);

	/* a header whose name only starts with "Connection" is another header */
	keepalive = true;
	CU_ASSERT(http_request_complete(STR_AND_LEN("GET / HTTP/1.1\r\nConnection-Extra: keep-alive\r\n\r\n"),
					&keepalive) > 0);
	CU_ASSERT_FALSE(keepalive);

	/* the request line is not a header */
	keepalive = true;
	CU_ASSERT(http_request_complete(STR_AND_LEN("GET /Connection: keep-alive HTTP/1.1\r\n\r\n"),
					&keepalive) > 0);
	CU_ASSERT_FALSE(keepalive);
}

static const char response_ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

static void test_response_partial(void)
{
	const size_t head_len = strlen(response_ok) - 3;
	int status;
	bool closes;

	/* head incomplete, then head complete but the body short */
	CU_ASSERT_EQUAL(http_response_complete(response_ok, head_len - 1, &status, &closes), 0);
	CU_ASSERT_EQUAL(http_response_complete(response_ok, head_len, &status, &closes), 0);
	CU_ASSERT_EQUAL(http_response_complete(response_ok, head_len + 2, &status, &closes), 0);
}

static void test_response_full(void)
{
	char buf[256];
	int status = 0;
	bool closes = false;

	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN(response_ok), &status, &closes), strlen(response_ok));
	CU_ASSERT_EQUAL(status, 200);
	CU_ASSERT_TRUE(closes);

	/* bytes after the body belong to the next response */
	snprintf(buf, sizeof(buf), "%sHTTP/1.1", response_ok);
	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN(buf), &status, &closes), strlen(response_ok));

	/* empty body, no Connection header, trailing whitespace after the length */
	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN("HTTP/1.1 204 No Content\r\ncontent-length: 0 \r\n\r\n"),
					       &status, &closes),
			strlen("HTTP/1.1 204 No Content\r\ncontent-length: 0 \r\n\r\n"));
	CU_ASSERT_EQUAL(status, 204);
	CU_ASSERT_FALSE(closes);
}

static void test_response_malformed(void)
{
	int status;
	bool closes;

	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nok\n"),
					       &status, &closes), (size_t)-1);
	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN("HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nok\n"),
					       &status, &closes), (size_t)-1);
	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n"),
					       &status, &closes), (size_t)-1);
	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"),
					       &status, &closes), (size_t)-1);
	CU_ASSERT_EQUAL(http_response_complete(STR_AND_LEN("SSH-2.0-OpenSSH\r\n\r\n"), &status, &closes), (size_t)-1);
}

static void test_response_status_and_close(void)
{
	int status = 0;
	bool closes = true;

	CU_ASSERT(http_response_complete(STR_AND_LEN("HTTP/1.1 503 Busy\r\nConnection: Keep-Alive\r\n"
						     "Content-Length: 0\r\n\r\n"), &status, &closes) > 0);
	CU_ASSERT_EQUAL(status, 503);
	CU_ASSERT_FALSE(closes);

	closes = false;
	CU_ASSERT(http_response_complete(STR_AND_LEN("HTTP/1.1 404 Not Found\r\nconnection: CLOSE\r\n"
						     "Content-Length: 0\r\n\r\n"), &status, &closes) > 0);
	CU_ASSERT_EQUAL(status, 404);
	CU_ASSERT_TRUE(closes);

	/* HTTP/1.0 closes unless it says keep-alive */
	closes = false;
	CU_ASSERT(http_response_complete(STR_AND_LEN("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
					 &status, &closes) > 0);
	CU_ASSERT_TRUE(closes);
	closes = true;
	CU_ASSERT(http_response_complete(STR_AND_LEN("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
						     "Content-Length: 0\r\n\r\n"), &status, &closes) > 0);
	CU_ASSERT_FALSE(closes);
}

/* What the servers send must be what the load generator accepts. */
static void test_format_response_roundtrip(void)
{
	char out[256];
	int status;
	bool closes, keepalive = false;

	for (int i = 0; i < 2; i++) {
		bool want_keepalive = i == 1;
		size_t len = http_format_response(out, sizeof(out), want_keepalive);

		CU_ASSERT(len > 0 && len < sizeof(out));
		status = 0;
		closes = want_keepalive;
		CU_ASSERT_EQUAL(http_response_complete(out, len, &status, &closes), len);
		CU_ASSERT_EQUAL(status, 200);
		CU_ASSERT_EQUAL(closes, !want_keepalive);
		CU_ASSERT_EQUAL(http_response_complete(out, len - 1, &status, &closes), 0);

		/* and the request the load generator sends is a complete head for the server */
		len = http_format_request(out, sizeof(out), want_keepalive);
		CU_ASSERT_EQUAL(http_request_complete(out, len, &keepalive), len);
		CU_ASSERT_EQUAL(keepalive, want_keepalive);
	}
}

static void test_format_too_small(void)
{
	char out[16];

	/* a truncated message must never be reported as formatted */
	CU_ASSERT_EQUAL(http_format_response(out, sizeof(out), true), 0);
	CU_ASSERT_EQUAL(http_format_request(out, sizeof(out), true), 0);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_request_partial_head);
	CU_ADD_TEST(suite, test_request_complete_head);
	CU_ADD_TEST(suite, test_request_keepalive);
	CU_ADD_TEST(suite, test_response_partial);
	CU_ADD_TEST(suite, test_response_full);
	CU_ADD_TEST(suite, test_response_malformed);
	CU_ADD_TEST(suite, test_response_status_and_close);
	CU_ADD_TEST(suite, test_format_response_roundtrip);
	CU_ADD_TEST(suite, test_format_too_small);
}

int main(void)
{
	return run_suite("http", NULL, NULL, add_tests);
}
