/*
 * mhd_static.c - the static-response ceiling of libmicrohttpd on this
 * machine: the smallest MHD server (epoll, a thread per CPU, one static
 * "ok" answer, nothing else), for make bench to compare activd with.
 *
 * usage: mhd_static PORT THREADS   (runs until killed)
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    static int first_call;
    struct MHD_Response *resp = cls;
    (void)url, (void)method, (void)version, (void)upload;
    if (*con_cls == NULL) { /* headers: answer on the next call, keeping keep-alive */
        *con_cls = &first_call;
        return MHD_YES;
    }
    *upload_size = 0;
    return MHD_queue_response(c, 200, resp);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mhd_static PORT THREADS\n");
        return 2;
    }
    static const char ok[] = "{\"status\":\"ok\"}\n";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof ok - 1, (void *)ok, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)atoi(argv[1]), NULL, NULL,
        answer, resp, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[2]), MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd_static: cannot start on port %s\n", argv[1]);
        return 1;
    }
    pause();
    return 0;
}
