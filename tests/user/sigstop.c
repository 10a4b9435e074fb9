/*
 * Stop signals with their default action: a child stopped by SIGSTOP or
 * SIGTSTP is seen by waitpid(WUNTRACED) as stopped by that signal, and
 * goes on after SIGCONT.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    static const int sigs[] = { SIGSTOP, SIGTSTP, SIGTTIN };

    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < 3; i++) {
        int st;
        pid_t p = fork();
        if (p == 0) {
            kill(getpid(), sigs[i]);
            _exit(7);
        }
        waitpid(p, &st, WUNTRACED);
        printf("stopped %d by signal %d\n", WIFSTOPPED(st), WSTOPSIG(st));
        kill(p, SIGCONT);
        waitpid(p, &st, 0);
        printf("then exited %d with %d\n", WIFEXITED(st), WEXITSTATUS(st));
    }
    return 0;
}
