/*
 * curl-bench: the benchmark scenarios through libcurl in one process, timed
 * inside it, as porter-bench does them through HTTPClient.
 *
 *     curl-bench download   URL        [--cacert FILE]
 *     curl-bench sequential URL COUNT  [--close] [--cacert FILE]
 *     curl-bench startup    URL COUNT  [--cacert FILE]
 *     curl-bench parallel   URL COUNT  [--cacert FILE]
 *
 * Prints: seconds=S requests=N bytes=B connections=C resumed=-1
 * (libcurl does not report whether a TLS session was resumed).
 *
 * sequential reuses one easy handle, as the curl command does for the URLs
 * of one command line: one connection cache and one TLS session cache.
 * startup makes a new easy handle per request. parallel runs COUNT easy
 * handles at once on one multi handle.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *ca_file;
static int closes_connections;
static struct curl_slist *close_header;

struct tally {
    long requests;
    long long bytes;
    long connections;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *data, size_t size, size_t count, void *context) {
    (void)data;
    ((struct tally *)context)->bytes += (long long)(size * count);
    return size * count;
}

static void usage(void) {
    fprintf(stderr, "usage: curl-bench download|sequential|startup|parallel URL [COUNT] [--close] [--cacert FILE]\n");
    exit(2);
}

static CURL *make_handle(const char *url, struct tally *tally) {
    CURL *handle = curl_easy_init();
    if (!handle) {
        fprintf(stderr, "curl-bench: curl_easy_init failed\n");
        exit(1);
    }
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, tally);
    curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    if (ca_file) curl_easy_setopt(handle, CURLOPT_CAINFO, ca_file);
    if (closes_connections) curl_easy_setopt(handle, CURLOPT_HTTPHEADER, close_header);
    return handle;
}

/* Checks a finished transfer and adds it to the tally. */
static void finish(CURL *handle, CURLcode result, struct tally *tally) {
    long status = 0, connects = 0;
    if (result != CURLE_OK) {
        fprintf(stderr, "curl-bench: %s\n", curl_easy_strerror(result));
        exit(1);
    }
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(handle, CURLINFO_NUM_CONNECTS, &connects);
    if (status != 200) {
        fprintf(stderr, "curl-bench: status %ld\n", status);
        exit(1);
    }
    tally->requests += 1;
    tally->connections += connects;
}

int main(int argc, char **argv) {
    const char *positional[3] = {0};
    int positional_count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cacert") == 0) {
            if (++i >= argc) usage();
            ca_file = argv[i];
        } else if (strcmp(argv[i], "--close") == 0) {
            closes_connections = 1;
        } else if (positional_count < 3) {
            positional[positional_count++] = argv[i];
        } else {
            usage();
        }
    }
    if (positional_count < 2) usage();
    const char *scenario = positional[0], *url = positional[1];
    long count = positional_count > 2 ? strtol(positional[2], NULL, 10) : 1;
    if (count < 1) usage();

    curl_global_init(CURL_GLOBAL_DEFAULT);
    close_header = curl_slist_append(NULL, "Connection: close");
    struct tally tally = {0, 0, 0};
    double start = now();

    if (strcmp(scenario, "download") == 0 || strcmp(scenario, "sequential") == 0) {
        CURL *handle = make_handle(url, &tally);
        for (long i = 0; i < count; i++) finish(handle, curl_easy_perform(handle), &tally);
        curl_easy_cleanup(handle);
    } else if (strcmp(scenario, "startup") == 0) {
        for (long i = 0; i < count; i++) {
            CURL *handle = make_handle(url, &tally);
            finish(handle, curl_easy_perform(handle), &tally);
            curl_easy_cleanup(handle);
        }
    } else if (strcmp(scenario, "parallel") == 0) {
        CURLM *multi = curl_multi_init();
        CURL **handles = calloc((size_t)count, sizeof *handles);
        curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, count);
        for (long i = 0; i < count; i++) {
            handles[i] = make_handle(url, &tally);
            curl_multi_add_handle(multi, handles[i]);
        }
        int running = 1;
        while (running) {
            CURLMcode code = curl_multi_perform(multi, &running);
            if (code == CURLM_OK && running) code = curl_multi_poll(multi, NULL, 0, 1000, NULL);
            if (code != CURLM_OK) {
                fprintf(stderr, "curl-bench: %s\n", curl_multi_strerror(code));
                return 1;
            }
            CURLMsg *message;
            int left;
            while ((message = curl_multi_info_read(multi, &left))) {
                if (message->msg == CURLMSG_DONE) finish(message->easy_handle, message->data.result, &tally);
            }
        }
        for (long i = 0; i < count; i++) {
            curl_multi_remove_handle(multi, handles[i]);
            curl_easy_cleanup(handles[i]);
        }
        free(handles);
        curl_multi_cleanup(multi);
    } else {
        usage();
    }

    double seconds = now() - start;
    printf("seconds=%.6f requests=%ld bytes=%lld connections=%ld resumed=-1\n", seconds, tally.requests, tally.bytes,
           tally.connections);
    curl_slist_free_all(close_header);
    curl_global_cleanup();
    return 0;
}
