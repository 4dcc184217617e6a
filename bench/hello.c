/*
 * hello.c: the yardstick for tiengmo's HTTP layer (DESIGN §6): a bare libmicrohttpd server that
 * answers every request with the same small JSON body as GET /healthz, started with the daemon flags
 * and options of src/http/server.c (internal polling thread pool, epoll, ITC, turbo, the same limits).
 * bench/http.sh builds it with cc and runs it next to tiengmo; it is not part of the product.
 *
 * Usage: hello PORT [THREADS]   (listens on 127.0.0.1; THREADS defaults to 2, like tiengmo on the
 * 2-core build machine)
 * Stops on SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	static int first_call;
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	/* like tiengmo: the response is queued on the second call (queuing on the first drops keep-alive) */
	if (*con_cls == NULL) {
		*con_cls = &first_call;
		return MHD_YES;
	}
	*upload_data_size = 0;
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: hello PORT [THREADS]\n");
		return 2;
	}
	unsigned port = (unsigned)strtoul(argv[1], NULL, 10);
	unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2;
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO;
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)20000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "hello: cannot listen on port %u\n", port);
		return 1;
	}
	int sig;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	return 0;
}
