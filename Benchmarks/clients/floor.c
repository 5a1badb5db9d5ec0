/*
 * floor: the least a client can spend per keep-alive request on this machine
 * and server: one send of a fixed request head and blocking recv calls until
 * the known response length has arrived. No parsing, no TLS, no allocation.
 * It shows how much of scenario 2's time is the server and the kernel.
 *
 *     floor HOST PORT PATH COUNT RESPONSE_BYTES
 *
 * RESPONSE_BYTES is the whole response (head and body), which the caller
 * measures once. Prints: seconds=S requests=N bytes=B connections=1 resumed=-1
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: floor HOST PORT PATH COUNT RESPONSE_BYTES\n");
        return 2;
    }
    long count = strtol(argv[4], NULL, 10), expected = strtol(argv[5], NULL, 10);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1 || count < 1 || expected < 1) {
        fprintf(stderr, "floor: bad arguments\n");
        return 2;
    }
    char request[512];
    int length = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nAccept: */*\r\n\r\n",
                          argv[3], argv[1], argv[2]);
    char *buffer = malloc(131072);
    double start = now();
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("floor: connect");
        return 1;
    }
    long long total = 0;
    for (long i = 0; i < count; i++) {
        if (send(fd, request, (size_t)length, MSG_NOSIGNAL) != length) {
            perror("floor: send");
            return 1;
        }
        long received = 0;
        while (received < expected) {
            ssize_t n = recv(fd, buffer, 131072, 0);
            if (n <= 0) {
                fprintf(stderr, "floor: the server closed or failed after %ld of %ld bytes\n", received, expected);
                return 1;
            }
            received += n;
        }
        if (received != expected) {
            fprintf(stderr, "floor: %ld bytes where %ld were expected\n", received, expected);
            return 1;
        }
        total += received;
    }
    double seconds = now() - start;
    close(fd);
    printf("seconds=%.6f requests=%ld bytes=%lld connections=1 resumed=-1\n", seconds, count, total);
    return 0;
}
