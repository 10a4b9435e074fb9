/*
 * What execve keeps of signals: the blocked mask, and signals pending
 * while blocked (they are delivered once the new image unblocks them);
 * a signal sent to a child right after fork is the child's. Stage 1
 * blocks SIGUSR1 and SIGUSR2, raises SIGUSR2, and re-executes itself;
 * stage 2 reports. Then a child is killed by SIGTERM before it can exec.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got_usr2;

static void on_usr2(int s)
{
    (void)s;
    got_usr2++;
}

int main(int argc, char **argv)
{
    sigset_t s, p;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "stage2") == 0) {
        struct sigaction sa;
        sigprocmask(SIG_BLOCK, NULL, &s);
        sigpending(&p);
        printf("after execve: USR1 blocked %d, USR2 blocked %d, INT blocked %d, USR2 pending %d\n",
               sigismember(&s, SIGUSR1), sigismember(&s, SIGUSR2), sigismember(&s, SIGINT),
               sigismember(&p, SIGUSR2));
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_usr2;
        sigaction(SIGUSR2, &sa, NULL);
        sigemptyset(&s);
        sigaddset(&s, SIGUSR2);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        printf("USR2 handled after unblocking: %d\n", got_usr2);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "inherited") == 0) {
        sigprocmask(SIG_BLOCK, NULL, &s);
        printf("inherited: USR1 blocked %d, INT blocked %d\n", sigismember(&s, SIGUSR1),
               sigismember(&s, SIGINT));
        return 0;
    }
    for (int i = 0; i < 50; i++) {
        int st;
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/sleep", "sleep", "5", (char *)NULL);
            _exit(1);
        }
        kill(pid, SIGTERM);
        waitpid(pid, &st, 0);
        if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM) {
            printf("child %d not killed by SIGTERM: status %#x\n", i, st);
        }
    }
    printf("children killed right after fork\n");
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR2);
    execl("/proc/self/exe", argv[0], "stage2", (char *)NULL);
    perror("execl");
    return 1;
}
