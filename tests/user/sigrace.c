/*
 * Signals arriving just before a blocking system call: the handler must
 * run and the call must see its effect. Each round arms a one-shot timer
 * of a few microseconds (or forks a child that exits at once) whose
 * handler writes a byte to a pipe, then blocks reading the pipe (read,
 * poll, select) or waiting in sigsuspend. An emulator that takes the
 * host signal after it checked for pending signals but before the host
 * call blocks never runs the handler, and the round hangs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int pfd[2];
static volatile int hits;

static void on_sig(int sig)
{
    char c = (char)sig;
    int e = errno;
    hits++;
    if (write(pfd[1], &c, 1) != 1) {
        _exit(3);
    }
    errno = e;
}

static void arm(int usec)
{
    struct itimerval it = { { 0, 0 }, { 0, usec } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static int wait_byte(int how)
{
    char c;
    ssize_t r;

    if (how == 1) {
        struct pollfd p = { pfd[0], POLLIN, 0 };
        while (poll(&p, 1, -1) < 0) {
            if (errno != EINTR) {
                return -1;
            }
        }
    } else if (how == 2) {
        fd_set s;
        for (;;) {
            FD_ZERO(&s);
            FD_SET(pfd[0], &s);
            if (select(pfd[0] + 1, &s, NULL, NULL, NULL) >= 0) {
                break;
            }
            if (errno != EINTR) {
                return -1;
            }
        }
    }
    do {
        r = read(pfd[0], &c, 1);
    } while (r < 0 && errno == EINTR);
    return r == 1 ? c : -1;
}

int main(void)
{
    struct sigaction sa;
    sigset_t block, empty;
    int bad = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    if (pipe(pfd) < 0) {
        return 2;
    }
    for (int how = 0; how < 3; how++) {
        for (int i = 0; i < 2000; i++) {
            arm(1 + i % 50);
            if (wait_byte(how) != SIGALRM) {
                bad++;
            }
        }
    }
    printf("read/poll/select after SIGALRM: %d bad\n", bad);

    /* sigsuspend: the timer fires while SIGALRM is blocked or after */
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigemptyset(&empty);
    bad = 0;
    for (int i = 0; i < 2000; i++) {
        int before = hits;
        sigprocmask(SIG_BLOCK, &block, NULL);
        arm(1 + i % 50);
        if (i & 1) {
            usleep(60);
        }
        while (hits == before) {
            sigsuspend(&empty);
        }
        sigprocmask(SIG_UNBLOCK, &block, NULL);
        if (wait_byte(0) != SIGALRM) {
            bad++;
        }
    }
    printf("sigsuspend: %d bad\n", bad);

    /* SIGCHLD from a child that exits at once */
    bad = 0;
    for (int i = 0; i < 200; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            _exit(0);
        }
        if (wait_byte(i % 3) != SIGCHLD) {
            bad++;
        }
        waitpid(pid, NULL, 0);
    }
    printf("SIGCHLD then read: %d bad\n", bad);
    return 0;
}
